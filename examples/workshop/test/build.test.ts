import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inventoryInBundle } from '@lambda-sentinel/audit';
import { beforeAll, describe, expect, it } from 'vitest';

// scripts/build.ts: one self-contained ESM bundle per function, loadable by Node with no node_modules in reach.
const root = resolve(import.meta.dirname, '..');
const names = ['authorizer', 'unicornParts', 'customizeUnicorn', 'managePartners', 'customUnicornAnalytics'];

describe('scripts/build.ts', () => {
  let build: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    build = spawnSync(process.execPath, [resolve(root, 'scripts/build.ts')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
  }, 130_000);

  it('bundles every function and prints its size', () => {
    expect(build.status, String(build.stderr)).toBe(0);
    for (const name of names)
      expect(String(build.stdout)).toMatch(new RegExp(`${name}\\s+dist/${name}/index.mjs\\s+[\\d.]+ KiB`));
  });

  it('gives ESM bundles a require() for their CommonJS dependencies, and a source map', () => {
    for (const name of names) {
      const code = readFileSync(resolve(root, 'dist', name, 'index.mjs'), 'utf8');
      expect(code.startsWith('import { createRequire')).toBe(true);
      expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
    }
  });

  it('writes each bundle’s dependency inventory into it (the cold-start dependency_inventory line)', () => {
    for (const name of names) {
      const inventory = inventoryInBundle(readFileSync(resolve(root, 'dist', name, 'index.mjs'), 'utf8'));
      expect(inventory?.source, name).toBe('esbuild');
      expect(
        inventory?.packages.map((p) => p.name),
        name,
      ).toContain('@middy/core');
    }
  });

  it('produces bundles that load outside the repository and export `handler`', () => {
    const probe = `const m = await import(${JSON.stringify(resolve(root, 'dist/authorizer/index.mjs'))}); console.log(typeof m.handler);`;
    const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
      encoding: 'utf8',
      cwd: '/',
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', USER_POOL_ID: 'us-east-1_Example' },
      timeout: 60_000,
    });
    expect(loaded.stdout.trim(), loaded.stderr).toBe('function');
  });
});
