// Rule 7, statically: what ships must not reach into a dependency's files or rebuild `require`
// from its own location — both break once esbuild has bundled the function and no
// node_modules sits beside it (the cause of a lost cold-start trace once).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const packagesDir = join(import.meta.dirname, '..', '..');
const published = readdirSync(packagesDir).filter((name) => {
  const manifest = join(packagesDir, name, 'package.json');
  try {
    return !(JSON.parse(readFileSync(manifest, 'utf8')) as { private?: boolean }).private;
  } catch {
    return false;
  }
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g;

/** A package specifier that names a file inside it: `pkg/dist/x.js`, `@scope/pkg/lib/y`. */
function deepImport(specifier: string): boolean {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return false;
  const parts = specifier.split('/');
  const subpath = parts.slice(specifier.startsWith('@') ? 2 : 1).join('/');
  return /(^|\/)(dist|lib|build|src)(\/|$)|\.(c|m)?js$/.test(subpath);
}

describe('published packages (rule 7)', () => {
  it('exist', () => expect(published.length).toBeGreaterThan(5));

  it.each(published)('%s: no createRequire, no deep import of a dependency file', (name) => {
    const problems: string[] = [];
    for (const file of sources(join(packagesDir, name, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const where = relative(packagesDir, file);
      if (/createRequire\s*\(/.test(text)) problems.push(`${where}: createRequire`);
      for (const [, specifier] of text.matchAll(SPECIFIER)) {
        if (specifier && deepImport(specifier)) problems.push(`${where}: ${specifier}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the check itself sees the shapes it forbids', () => {
    expect(deepImport('aws-xray-sdk-core/dist/lib/context_utils.js')).toBe(true);
    expect(deepImport('@aws-lambda-powertools/commons/lib/esm/x.js')).toBe(true);
    expect(deepImport('@opentelemetry/api')).toBe(false);
    expect(deepImport('@lambda-sentinel/sdk-capture/otel')).toBe(false);
    expect(deepImport('@aws-lambda-powertools/tracer/middleware')).toBe(false);
  });
});
