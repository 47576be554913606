// An outside project using the published packages, as a user gets them:
// every package packed with `pnpm pack`, the tarballs installed into a
// scratch project outside the workspace — once with pnpm, once with npm —
// with exactly the preset README's install line. There the README's handler
// typechecks under moduleResolution nodenext and bundler, every entry point
// loads (import and require), and esbuild bundles (ESM with the banner, CJS)
// run as Lambda runs them, cold then warm, traced with either backend.
//
// The project itself depends on nothing of the workspace; this file uses the
// private testing kit as the harness (Lambda's runtime, the X-Ray daemon).
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Bundle,
  fixtures,
  invokeBundle,
  startTraceSinks,
  type TraceSinks,
} from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const fixture = join(import.meta.dirname, 'fixture');
const work = mkdtempSync(join(tmpdir(), 'sentinel-consumer-'));
const tarballDir = join(work, 'tarballs');

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const published = readdirSync(join(root, 'packages'))
  .map((dir) => readJson(join(root, 'packages', dir, 'package.json')))
  .filter((pkg) => !pkg.private)
  .map((pkg) => pkg.name as string);
const tarballFile = (name: string) =>
  join(tarballDir, `${name.replace('@', '').replace('/', '-')}-0.1.0.tgz`);

/** Runs a command to completion (asynchronously, so two installs can overlap); rejects with its output. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} (exit ${code}):\n${output}`)),
    );
  });
}

// The preset README: its install lines are the project's dependencies; its first example is the handler.
const readme = readFileSync(join(root, 'packages', 'preset', 'README.md'), 'utf8');
const installLine = [
  ...new Set([...readme.matchAll(/^pnpm add ([^#\n]+)/gm)].flatMap((m) => m[1]!.trim().split(/\s+/))),
];
const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// The backend comes from SENTINEL_TRACING, so one bundle is traced both ways.
const handlerSource = samples[0]!.replace(/^\s*tracing: .*\n/m, '');

/** A version range the workspace itself uses for a third-party package. */
function workspaceRange(name: string): string {
  for (const file of ['package.json', 'packages/preset/package.json', 'packages/testing/package.json']) {
    const pkg = readJson(join(root, file));
    const range = pkg.dependencies?.[name] ?? pkg.devDependencies?.[name];
    if (range) return range;
  }
  throw new Error(`no range for ${name} in the workspace`);
}

function writeProject(dir: string) {
  mkdirSync(dir, { recursive: true });
  const ours = Object.fromEntries(published.map((name) => [name, `file:${tarballFile(name)}`]));
  const dependencies = Object.fromEntries(
    installLine.map((name) => [name, ours[name] ?? workspaceRange(name)] as const),
  );
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies,
        devDependencies: Object.fromEntries(
          ['typescript', 'esbuild', '@types/node'].map((name) => [name, workspaceRange(name)]),
        ),
        // Our packages' dependencies on each other resolve to the tarballs, not the registry.
        overrides: ours,
        pnpm: { overrides: ours, onlyBuiltDependencies: ['esbuild'] },
      },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'handler.ts'), handlerSource);
  for (const [i, code] of samples.entries()) writeFileSync(join(dir, `readme-${i}.ts`), code);
  // skipLibCheck as `tsc --init` and Lambda templates set it: Middy's and Powertools' own declarations
  // need packages a function does not install. types-flow.ts shows ours resolve all the same.
  const compilerOptions = {
    target: 'es2023',
    strict: true,
    noEmit: true,
    types: ['node'],
    skipLibCheck: true,
  };
  const include = ['*.ts'];
  writeFileSync(
    join(dir, 'tsconfig.nodenext.json'),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, module: 'nodenext', moduleResolution: 'nodenext' },
      include,
    }),
  );
  writeFileSync(
    join(dir, 'tsconfig.bundler.json'),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, module: 'preserve', moduleResolution: 'bundler' },
      include,
    }),
  );
  for (const file of ['build.mjs', 'entry-points.mjs', 'types-flow.ts'])
    cpSync(join(fixture, file), join(dir, file));
}

const installers = {
  pnpm: ['pnpm', ['install', '--prefer-offline']],
  npm: ['npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']],
} as const;
type Installer = keyof typeof installers;
const projects = {} as Record<
  Installer,
  { dir: string; installLog: string; bundles: Record<'esm' | 'cjs', Bundle> }
>;
let sinks: TraceSinks;

beforeAll(async () => {
  // prepack builds each package fresh; the testing kit is private and never packed.
  execFileSync(
    'pnpm',
    [
      '-r',
      '--filter',
      './packages/*',
      '--filter',
      '!@lambda-sentinel/testing',
      'pack',
      '--pack-destination',
      tarballDir,
    ],
    { cwd: root, stdio: 'pipe' },
  );
  await Promise.all(
    (Object.keys(installers) as Installer[]).map(async (installer) => {
      const dir = join(work, `project-${installer}`);
      writeProject(dir);
      const [command, args] = installers[installer];
      const installLog = await run(command, [...args], dir);
      // What Lambda gets: each bundle alone in a folder, no node_modules beside or above it.
      const out = join(work, `bundles-${installer}`); // no node_modules in any folder above it
      await run(process.execPath, ['build.mjs', out], dir);
      const bundle = (format: 'esm' | 'cjs', file: string): Bundle => ({
        dir: join(out, format),
        file: join(out, format, file),
        format,
        bytes: readFileSync(join(out, format, file)).length,
        inputs: [],
      });
      projects[installer] = {
        dir,
        installLog,
        bundles: { esm: bundle('esm', 'index.mjs'), cjs: bundle('cjs', 'index.js') },
      };
    }),
  );
  sinks = await startTraceSinks();
}, 600_000);

afterAll(async () => {
  await sinks?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the tarballs pnpm pack makes', () => {
  const unpacked = (name: string) => {
    const dir = join(work, 'unpacked', name);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      execFileSync('tar', ['-xzf', tarballFile(name), '-C', dir]);
    }
    return join(dir, 'package');
  };
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));

  it.each(published)('%s: a manifest that works outside the workspace', (name) => {
    const dir = unpacked(name);
    const pkg = readJson(join(dir, 'package.json'));
    // No build scripts, no devDependencies (the private @lambda-sentinel/testing among them).
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.devDependencies).toBeUndefined();
    expect(JSON.stringify(pkg)).not.toMatch(/workspace:|\.\/src\//);
    for (const [dep, range] of Object.entries<string>(pkg.dependencies ?? {})) {
      if (dep.startsWith('@lambda-sentinel/')) expect(range, dep).toBe('^0.1.0');
    }
    // Every entry point and its types are in the tarball.
    const targets = [
      pkg.main,
      pkg.types,
      ...Object.values<{ types: string; default: string }>(pkg.exports).flatMap((e) => [e.types, e.default]),
    ];
    for (const target of targets) expect(existsSync(join(dir, target)), target).toBe(true);
  });

  it.each(published)(
    '%s: JavaScript, declarations with .js imports, README and LICENSE; no maps, no sources',
    (name) => {
      const dir = unpacked(name);
      const shipped = files(dir);
      expect(shipped).toEqual(
        expect.arrayContaining(['README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']),
      );
      for (const file of shipped) {
        expect(file).toMatch(/^(dist\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/);
      }
      for (const file of shipped.filter((f) => f.endsWith('.d.ts'))) {
        const text = readFileSync(join(dir, file), 'utf8');
        expect(text, file).not.toMatch(/(from\s*|import\s*\(\s*)['"]\.\.?\/[^'"]*\.ts['"]/);
        expect(text, file).not.toContain('sourceMappingURL');
      }
    },
  );
});

describe.each(Object.keys(installers) as Installer[])(
  'a project outside the workspace, installed with %s',
  (installer) => {
    it('installs from the README install lines alone, without peer dependency warnings', () => {
      const { dir, installLog } = projects[installer];
      expect(installLog).not.toMatch(/peer dep|ERESOLVE|unmet peer/i);
      expect(readJson(join(dir, 'package.json')).dependencies).toHaveProperty('@lambda-sentinel/preset');
    });

    it.each(['nodenext', 'bundler'])(
      'typechecks the handler, every example of the preset README and our types under moduleResolution %s',
      async (resolution) => {
        const { dir } = projects[installer];
        await run(
          process.execPath,
          [join(dir, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`],
          dir,
        );
      },
    );

    it('loads every entry point unbundled with import() and require()', async () => {
      const { dir } = projects[installer];
      const found = JSON.parse(await run(process.execPath, ['entry-points.mjs'], dir));
      expect(Object.keys(found)).toHaveLength(13);
      for (const [specifier, kinds] of Object.entries(found)) {
        expect(kinds, specifier).toEqual({ import: 'function', require: 'function' });
      }
    });

    const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };
    const secret = { password: 'hunter2-hunter2', card: '4111 1111 1111 1111' };
    const event = fixtures.apigatewayRest({
      ...API,
      method: 'POST',
      path: '/orders',
      body: JSON.stringify({ item: 'socks', ...secret }),
      headers: { Authorization: 'Bearer sk_live_51Habc0123456789abcdefABCDEF' },
    });

    describe.each(['esm', 'cjs'] as const)('bundled as %s', (format) => {
      it.each(['xray', 'otel'] as const)(
        'answers, logs redacted lines and EMF, and is traced with %s, from a cold start and warm',
        async (tracing) => {
          const sink = sinks[tracing];
          const { results, stdout, stderr, exitCode } = await invokeBundle(
            projects[installer].bundles[format],
            [{ event }, { event }],
            { env: { SENTINEL_TRACING: tracing, AWS_XRAY_DAEMON_ADDRESS: sink.address } },
          );
          // Nothing but structured lines on stderr (a bundle that cannot load prints a stack there).
          // The README's budgets (event loop 100 ms, duration 1 s) can be overrun by a cold start on
          // a loaded machine: that WARN line is the budget doing its job, not a failure of the bundle.
          const stray = stderr
            .split('\n')
            .filter((line) => line.trim() !== '')
            .filter((line) => {
              try {
                return (JSON.parse(line) as Record<string, any>).security_event?.type !== 'budget_exceeded';
              } catch {
                return true;
              }
            });
          expect(stray).toEqual([]);
          expect(exitCode).toBe(0);
          expect(results.map((r) => r.result ?? r.error)).toEqual([
            { statusCode: 200, body: '{"ok":true}' },
            { statusCode: 200, body: '{"ok":true}' },
          ]);

          const lines = stdout.map((line) => JSON.parse(line) as Record<string, any>);
          const emf = lines.filter((line) => line._aws?.CloudWatchMetrics);
          const logs = lines.filter((line) => !line._aws);
          // The handler's own line and the logged event are there, every secret in them redacted.
          expect(logs.filter((line) => line.message === 'order received')).toHaveLength(2);
          expect(logs.some((line) => JSON.stringify(line).includes('[REDACTED'))).toBe(true);
          for (const value of [...Object.values(secret), 'sk_live_51Habc0123456789abcdefABCDEF']) {
            expect(stdout.join('\n')).not.toContain(value);
          }
          // One EMF document per invocation at least, with the handler's metric and the preset's own.
          const orders = emf.filter((doc) => doc.OrdersReceived !== undefined);
          expect(orders.map((doc) => doc.OrdersReceived)).toEqual([1, 1]);
          expect(emf.some((doc) => typeof doc.Duration === 'number')).toBe(true);

          const coldStarts: unknown[] = [];
          for (const { traceHeader } of results) {
            const root = /Root=([^;]+)/.exec(traceHeader ?? '')![1]!;
            const { handler } = await sink.trace(root);
            expect(handler.traceId).toBe(root);
            expect(handler.parentId).toBe(/Parent=([^;]+)/.exec(traceHeader!)![1]);
            expect(handler.annotations).toMatchObject({ Service: 'orders', source_kind: 'apigateway-rest' });
            coldStarts.push(handler.annotations.ColdStart);
          }
          expect(coldStarts).toEqual([true, false]);
          expect(sink.raw()).not.toContain(secret.password);
        },
      );
    });
  },
);
