import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelInventory } from '../src/esbuild.ts';
import {
  compareInventory,
  type DependencyInventory,
  fetchAdvisories,
  inventoryInBundle,
  packageDirOf,
  readInventories,
  readLockfile,
  runInventoryCli,
  scanNodeModules,
  withInventory,
} from '../src/index.ts';
import { captured } from './cli-io.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const inventory = (packages: [string, string][]): DependencyInventory => ({
  format: 'sentinel-inventory/1',
  source: 'esbuild',
  packages: packages.map(([name, version]) => ({ name, version })),
});

function writePackage(dir: string, pkg: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
}

const cli = (...args: string[]) => captured(runInventoryCli, args);

describe('the inventory in a bundle', () => {
  it('goes on its own line, before the source map comment; embedding again replaces it', () => {
    const code = 'console.log(1);\n//# sourceMappingURL=index.mjs.map\n';
    const once = withInventory(code, inventory([['a', '1.0.0']]));
    expect(once.split('\n')).toEqual([
      'console.log(1);',
      expect.stringMatching(/^\/\* @lambda-sentinel\/dependency-inventory \*\/globalThis\[Symbol\.for/),
      '//# sourceMappingURL=index.mjs.map',
      '',
    ]);
    const twice = withInventory(once, inventory([['a', '2.0.0']]));
    expect(twice.split('\n')).toHaveLength(4);
    expect(inventoryInBundle(twice)?.packages).toEqual([{ name: 'a', version: '2.0.0' }]);
    expect(inventoryInBundle(code)).toBeUndefined();
  });

  it('finds a file’s package folder, scoped or not, pnpm’s store included', () => {
    expect(packageDirOf('/p/node_modules/yaml/dist/index.js')).toBe('/p/node_modules/yaml');
    expect(packageDirOf('/p/node_modules/.pnpm/@middy+core@7.9.2/node_modules/@middy/core/index.js')).toBe(
      '/p/node_modules/.pnpm/@middy+core@7.9.2/node_modules/@middy/core',
    );
    expect(packageDirOf('/p/node_modules/a/node_modules/b/x.js')).toBe('/p/node_modules/a/node_modules/b');
    expect(packageDirOf('/p/packages/core/src/index.ts')).toBeUndefined();
  });

  it('is written by the plugin with write: false too, and reported through onInventory', async () => {
    const seen: string[] = [];
    const result = await build({
      stdin: {
        contents: "import { parse } from 'yaml'; export const f = parse;",
        resolveDir: import.meta.dirname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(tmpdir(), 'never-written.mjs'),
      write: false,
      logLevel: 'silent',
      plugins: [sentinelInventory({ onInventory: (output) => seen.push(output) })],
    });
    const text = result.outputFiles[0]?.text ?? '';
    const yamlVersion = JSON.parse(
      readFileSync(join(import.meta.dirname, '../node_modules/yaml/package.json'), 'utf8'),
    ).version;
    expect(inventoryInBundle(text)?.packages).toEqual([
      { name: 'yaml', version: yamlVersion, license: 'ISC' },
    ]);
    expect(seen).toHaveLength(1);
  });
});

describe('sentinel-inventory scan (unbundled deployments)', () => {
  it('lists every package under node_modules: nested, scoped, pnpm links, each real folder once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-scan-'));
    writePackage(join(dir, 'node_modules', 'a'), { name: 'a', version: '1.0.0', license: 'MIT' });
    writePackage(join(dir, 'node_modules', 'a', 'node_modules', 'b'), {
      name: 'b',
      version: '0.1.0',
      licenses: [{ type: 'BSD' }],
    });
    writePackage(join(dir, 'node_modules', '@s', 'c'), { name: '@s/c', version: '2.0.0' });
    // pnpm: a link into the store, with its dependency beside it there.
    const store = join(dir, 'node_modules', '.pnpm', 'd@3.0.0', 'node_modules');
    writePackage(join(store, 'd'), { name: 'd', version: '3.0.0' });
    writePackage(join(store, 'e'), { name: 'e', version: '4.0.0' });
    symlinkSync(join(store, 'd'), join(dir, 'node_modules', 'd'));
    symlinkSync(join(dir, 'missing'), join(dir, 'node_modules', 'dangling'));
    writeFileSync(join(dir, 'node_modules', '.bin'), '');
    expect(scanNodeModules(dir)).toEqual({
      format: 'sentinel-inventory/1',
      source: 'node_modules',
      packages: [
        { name: '@s/c', version: '2.0.0' },
        { name: 'a', version: '1.0.0', license: 'MIT' },
        { name: 'b', version: '0.1.0', license: 'BSD' },
        { name: 'd', version: '3.0.0' },
        { name: 'e', version: '4.0.0' },
      ],
    });
    const { code, stdout } = await cli('scan', dir);
    expect(code).toBe(0);
    expect(stdout).toContain('5 packages');
    expect(JSON.parse(readFileSync(join(dir, 'sentinel-inventory.json'), 'utf8')).packages).toHaveLength(5);
  });
});

describe('sentinel-inventory embed (CDK afterBundling: a metafile, no plugin)', () => {
  it('writes the inventory of the bundle the metafile describes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-embed-'));
    const outfile = join(dir, 'index.js');
    const { metafile } = await build({
      stdin: { contents: "export { parse } from 'semver';", resolveDir: import.meta.dirname, loader: 'ts' },
      bundle: true,
      platform: 'node',
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    writeFileSync(join(dir, 'index.meta.json'), JSON.stringify(metafile));
    const { code } = await cli('embed', '--metafile', join(dir, 'index.meta.json'), outfile);
    expect(code).toBe(0);
    expect(inventoryInBundle(readFileSync(outfile, 'utf8'))?.packages.map((p) => p.name)).toEqual(['semver']);
    expect((await cli('embed', outfile)).code).toBe(1);
  });
});

describe('lockfiles', () => {
  it('reads this repository’s pnpm-lock.yaml (version 9)', () => {
    const locked = readLockfile(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8'), 'pnpm-lock.yaml');
    const middy = JSON.parse(
      readFileSync(join(import.meta.dirname, '../node_modules/@middy/core/package.json'), 'utf8'),
    );
    expect(locked.get('@middy/core')).toContain(middy.version);
    expect(locked.get('yaml')?.size).toBeGreaterThan(0);
    expect(locked.has('@lambda-sentinel/core')).toBe(false); // workspace links are our own code
  });

  it('reads pnpm 6 keys, and npm lockfiles 1 to 3 (aliases and links handled)', () => {
    const pnpm6 = readLockfile(
      "lockfileVersion: '6.0'\npackages:\n  /a@1.0.0:\n    resolution: {}\n  /@s/b@2.0.0(react@18.0.0):\n    resolution: {}\n",
      'pnpm-lock.yaml',
    );
    expect([...pnpm6]).toEqual([
      ['a', new Set(['1.0.0'])],
      ['@s/b', new Set(['2.0.0'])],
    ]);
    const npm3 = readLockfile(
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'app' },
          'node_modules/a': { version: '1.0.0' },
          'node_modules/a/node_modules/a': { version: '0.9.0' },
          'node_modules/alias': { name: 'real', version: '3.0.0' },
          'node_modules/ws': { link: true },
        },
      }),
      'package-lock.json',
    );
    expect([...npm3]).toEqual([
      ['a', new Set(['1.0.0', '0.9.0'])],
      ['real', new Set(['3.0.0'])],
    ]);
    const npm1 = readLockfile(
      JSON.stringify({
        lockfileVersion: 1,
        dependencies: { a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } } },
      }),
      'npm-shrinkwrap.json',
    );
    expect([...npm1.keys()]).toEqual(['a', 'b']);
    expect(() => readLockfile('', 'yarn.lock')).toThrow('expected a pnpm-lock.yaml');
  });
});

describe('deployed inventories', () => {
  const line = (name: string, packages: string[], hash = 'sha256:0011223344556677') =>
    JSON.stringify({
      level: 'INFO',
      message: 'dependency_inventory',
      dependency_inventory: { hash, count: packages.length, packages },
      function: { name },
    });

  it('come from every export Logs Insights gives, counted once per function and hash', () => {
    const a = line('orders', ['a@1.0.0', '@s/b@2.0.0']);
    const b = line('billing', ['a@0.9.0'], 'sha256:ffffffffffffffff');
    const expected = [
      {
        function: 'orders',
        hash: 'sha256:0011223344556677',
        packages: [
          { name: 'a', version: '1.0.0' },
          { name: '@s/b', version: '2.0.0' },
        ],
      },
      { function: 'billing', hash: 'sha256:ffffffffffffffff', packages: [{ name: 'a', version: '0.9.0' }] },
    ];
    // Raw log lines (twice: two cold starts), one unrelated.
    expect(readInventories([a, b, a, '{"message":"hello"}', 'not json'].join('\n'), 'logs.txt')).toEqual(
      expected,
    );
    // The console's CSV export.
    const csv = `@timestamp,@message\n2026-12-01 10:00:00.000,"${a.replaceAll('"', '""')}"\n2026-12-01 10:01:00.000,"${b.replaceAll('"', '""')}"\n`;
    expect(readInventories(csv, 'logs-insights-results.csv')).toEqual(expected);
    // The console's JSON export, and aws logs get-query-results.
    expect(
      readInventories(
        JSON.stringify([{ '@timestamp': 't', '@message': a }, { '@message': b }]),
        'results.json',
      ),
    ).toEqual(expected);
    const cells = (message: string) => [
      { field: '@timestamp', value: 't' },
      { field: '@message', value: message },
    ];
    expect(
      readInventories(JSON.stringify({ results: [cells(a), cells(b)], status: 'Complete' }), 'q.json'),
    ).toEqual(expected);
    // Lambda's JSON log format around the line.
    expect(
      readInventories(JSON.stringify({ timestamp: 't', level: 'INFO', message: JSON.parse(a) }), 'x.log'),
    ).toEqual([expected[0]]);
    // Lambda's text format, and its JSON format with the line as a string.
    expect(readInventories(`2026-12-01T10:00:00Z\tabc\tINFO\t${a}\n`, 'x.log')).toEqual([expected[0]]);
    expect(
      readInventories(
        `${JSON.stringify({ level: 'INFO', message: b })}\n${JSON.stringify({ level: 'INFO', message: b })}`,
        'x.log',
      ),
    ).toEqual([expected[1]]);
    // An inventory file is named after itself.
    expect(readInventories(JSON.stringify(inventory([['a', '1.0.0']])), '/tmp/orders-api.json')).toEqual([
      { function: 'orders-api', packages: [{ name: 'a', version: '1.0.0' }] },
    ]);
  });
});

describe('drift', () => {
  const locked = new Map([
    ['a', new Set(['1.2.0', '2.1.0'])],
    ['b', new Set(['3.0.0'])],
    ['c', new Set(['1.0.0'])],
    ['git-dep', new Set(['github:x/y#abc'])],
  ]);
  const deployed = {
    function: 'orders',
    packages: [
      { name: 'a', version: '1.0.5' },
      { name: 'b', version: '3.1.0' },
      { name: 'c', version: '1.0.0' },
      { name: 'gone', version: '0.0.1' },
      { name: 'git-dep', version: 'github:x/y#old' },
    ],
  };

  it('is older, newer or removed against the lockfile, comparing within the same major', () => {
    expect(compareInventory(deployed, locked)).toEqual({
      function: 'orders',
      older: [
        { name: 'a', deployed: '1.0.5', repository: '1.2.0' },
        { name: 'git-dep', deployed: 'github:x/y#old', repository: 'github:x/y#abc' },
      ],
      newer: [{ name: 'b', deployed: '3.1.0', repository: '3.0.0' }],
      removed: [{ name: 'gone', version: '0.0.1' }],
      added: [],
      unchanged: 1,
    });
  });

  it('also shows added packages against the inventory of a fresh build', () => {
    const fresh = inventory([
      ['a', '1.2.0'],
      ['c', '1.0.0'],
      ['new-dep', '5.0.0'],
    ]);
    const drift = compareInventory(deployed, locked, fresh);
    expect(drift.added).toEqual([{ name: 'new-dep', version: '5.0.0' }]);
    expect(drift.removed.map((p) => p.name)).toEqual(['b', 'gone', 'git-dep']);
  });
});

describe('sentinel-inventory diff', () => {
  let server: ReturnType<typeof createServer>;
  let registry: string;
  const requests: unknown[] = [];
  beforeAll(async () => {
    // The registry's bulk advisory endpoint, as `npm audit` calls it, on loopback.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, body: JSON.parse(body) });
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            a: [
              {
                id: 1096,
                url: 'https://github.com/advisories/GHSA-xxxx',
                title: 'Prototype pollution in a',
                severity: 'high',
                vulnerable_versions: '<1.1.0',
                cwe: ['CWE-1321'],
              },
              {
                id: 1097,
                url: 'https://github.com/advisories/GHSA-yyyy',
                title: 'Old bug',
                severity: 'low',
                vulnerable_versions: '<0.5.0',
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => server.close());

  function files() {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-diff-'));
    const lockfile = join(dir, 'package-lock.json');
    writeFileSync(
      lockfile,
      JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/a': { version: '1.2.0' } } }),
    );
    const logs = join(dir, 'logs.jsonl');
    writeFileSync(
      logs,
      `${JSON.stringify({ message: 'dependency_inventory', dependency_inventory: { packages: ['a@1.0.5'] }, function: { name: 'orders' } })}\n`,
    );
    const fresh = join(dir, 'fresh.json');
    writeFileSync(fresh, JSON.stringify(inventory([['a', '1.0.5']])));
    return { lockfile, logs, fresh };
  }

  it('exits 4 on drift, 0 in sync, 1 on bad input; prints JSON on request', async () => {
    const { lockfile, logs, fresh } = files();
    const drift = await cli('diff', '--lockfile', lockfile, logs);
    expect(drift).toMatchObject({
      code: 4,
      stdout: 'orders: 1 older, 0 newer, 0 removed, 0 added\n  older    a@1.0.5 (repository: 1.2.0)\n',
    });
    const same = await cli('diff', '--lockfile', lockfile, '--expected', fresh, logs);
    expect(same).toMatchObject({ code: 0, stdout: 'orders: in sync (1 packages)\n' });
    const json = JSON.parse((await cli('diff', '--lockfile', lockfile, '--format', 'json', logs)).stdout);
    expect(json.drifts[0].older).toEqual([{ name: 'a', deployed: '1.0.5', repository: '1.2.0' }]);
    expect((await cli('diff', logs)).code).toBe(1);
    expect((await cli('diff', '--lockfile', lockfile, lockfile)).stderr).toContain(
      'no dependency_inventory found',
    );
    expect((await cli('bogus')).code).toBe(1);
  });

  it('asks the registry’s bulk advisory endpoint, keeps the advisories that cover the deployed versions, exits 2 more', async () => {
    const { lockfile, logs } = files();
    const { code, stdout } = await cli(
      'diff',
      '--lockfile',
      lockfile,
      '--advisories',
      '--registry',
      registry,
      logs,
    );
    expect(requests.at(-1)).toEqual({
      method: 'POST',
      url: '/-/npm/v1/security/advisories/bulk',
      body: { a: ['1.0.5'] },
    });
    expect(stdout).toContain(
      '  advisory a@1.0.5 high: Prototype pollution in a https://github.com/advisories/GHSA-xxxx',
    );
    expect(stdout).not.toContain('Old bug');
    expect(code).toBe(4 | 2);
    expect(await fetchAdvisories([], { registry })).toEqual([]);
  });
});
