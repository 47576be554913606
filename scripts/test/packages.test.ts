// The published packages' manifests and READMEs, as a consumer meets them on
// the registry. What `pnpm pack` actually produces is checked on real
// tarballs by test/consumer (pnpm test:consumer).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
/** The canonical repository: package.json fields and README links all use it. */
const REPO = 'https://github.com/lambda-sentinel/lambda-sentinel';

interface Manifest {
  name: string;
  private?: boolean;
  engines?: { node?: string };
  exports?: Record<string, string>;
  publishConfig?: {
    main?: string;
    types?: string;
    exports?: Record<string, { types: string; default: string }>;
  };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [field: string]: unknown;
}

const published = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir,
    pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ pkg }) => !pkg.private);

/** The lowest Node a `>=` range allows, as [major, minor]; undefined for other forms. */
function lowerBound(range: string | undefined): [number, number] | undefined {
  const match = range && /^\s*>=?\s*v?(\d+)(?:\.(\d+|x))?/.exec(range);
  return match ? [Number(match[1]), Number(match[2]) || 0] : undefined;
}
const atLeast = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);

/** The folder of package `name` as Node would find it from `from` (node_modules lookup; exports ignored). */
function packageDir(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Every package reachable through `dependencies` from `dir`, as installed. */
function dependencyClosure(dir: string): Map<string, Manifest> {
  const seen = new Map<string, Manifest>();
  const visit = (from: string) => {
    const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as Manifest;
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const found = packageDir(from, name);
      if (!found || seen.has(found)) continue;
      seen.set(found, JSON.parse(readFileSync(join(found, 'package.json'), 'utf8')));
      visit(found);
    }
  };
  visit(dir);
  return seen;
}

describe.each(published)('packages/$dir', ({ dir, pkg }) => {
  it('says where it comes from, and that importing it does nothing by itself', () => {
    expect(pkg).toMatchObject({
      repository: { type: 'git', url: `git+${REPO}.git`, directory: `packages/${dir}` },
      homepage: `${REPO}/tree/main/packages/${dir}#readme`,
      bugs: { url: `${REPO}/issues` },
      license: 'Apache-2.0',
      type: 'module',
      sideEffects: false,
    });
    expect(pkg.description).toEqual(expect.any(String));
    expect((pkg.keywords as string[]).length).toBeGreaterThan(2);
  });

  it('publishes dist/ for every entry point it has in the workspace', () => {
    const { exports = {}, publishConfig = {} } = pkg;
    expect(Object.keys(publishConfig.exports ?? {})).toEqual(Object.keys(exports));
    for (const [subpath, source] of Object.entries(exports)) {
      const base = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
      expect(publishConfig.exports?.[subpath], subpath).toEqual({
        types: `${base}.d.ts`,
        default: `${base}.js`,
      });
    }
    expect(publishConfig).toMatchObject({ main: './dist/index.js', types: './dist/index.d.ts' });
    expect(pkg.files).toEqual(['dist', 'README.md']);
    expect(pkg.scripts).toMatchObject({ prepack: 'node ../../scripts/prepack.mjs' });
  });

  it('asks for a Node at least as new as every dependency it brings asks for', () => {
    const own = lowerBound(pkg.engines?.node);
    expect(own, 'engines.node').toBeDefined();
    // require() of ES modules without a flag (how CommonJS code loads these ESM-only packages).
    expect(atLeast(own!, [22, 12])).toBe(true);
    for (const dep of dependencyClosure(join(root, 'packages', dir)).values()) {
      const needs = lowerBound(dep.engines?.node);
      if (needs)
        expect(atLeast(own!, needs), `${dep.name}@${dep.version} needs ${dep.engines?.node}`).toBe(true);
    }
  });

  const readme = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');

  it('README links work on the registry page (absolute, to the canonical repository)', () => {
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    for (const link of links) {
      if (link.startsWith('#')) continue;
      expect(link, 'a relative link is dead on npmjs.com').toMatch(/^https:\/\//);
      if (link.includes('github.com/')) expect(link.startsWith(`${REPO}/`), link).toBe(true);
    }
  });

  it("README's install line lists every package its examples import, and itself", () => {
    const installed = [...readme.matchAll(/^pnpm add (?:-D )?([^#\n]+)/gm)].flatMap((m) =>
      m[1]!.trim().split(/\s+/),
    );
    expect(installed).toContain(pkg.name);
    const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const imported = new Set(
      samples.flatMap((code) =>
        [...code.matchAll(/^\s*import\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!),
      ),
    );
    for (const specifier of imported) {
      if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
      const name = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0]!;
      // Type-only imports of aws-lambda come from @types/aws-lambda.
      expect(installed, `${specifier} is imported`).toContain(
        name === 'aws-lambda' ? '@types/aws-lambda' : name,
      );
    }
    // A peer the examples rely on is in the line too, so pnpm does not warn about it.
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) expect(installed).toContain(peer);
  });
});

describe('npm pack', () => {
  it('is refused, with a message saying to use pnpm and why', () => {
    // npm's own environment, not the pnpm one this test may run under.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const npm = spawnSync('npm', ['pack', '--dry-run'], {
      cwd: join(root, 'packages', 'core'),
      env,
      encoding: 'utf8',
    });
    expect(npm.status).not.toBe(0);
    expect(npm.stderr).toContain('@lambda-sentinel/core must be packed and published with pnpm, not npm');
    expect(npm.stderr).toContain('pnpm pack');
  });
});
