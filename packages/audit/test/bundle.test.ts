// Rule 7, as deployed: a handler bundled with the inventory plugin, run from a
// folder without node_modules in a fresh Node process, cold start then warm.
// The chain the issue asks for, end to end: a project whose node_modules holds
// an older `stale-lib` than the repository's lockfile → the bundle carries its
// inventory → the cold start logs it → sentinel-inventory reports it older.
// And an expired function: its WARN line, its SecurityEvents metric, once.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Bundle, bundleHandler, invokeBundle } from '@lambda-sentinel/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { sentinelInventory } from '../src/esbuild.ts';
import { runInventoryCli } from '../src/index.ts';

const PRESET = resolve(import.meta.dirname, '../../preset/src/index.ts');

const MIDDY = resolve(import.meta.dirname, '../node_modules/@middy/core');
const middyVersion = JSON.parse(readFileSync(join(MIDDY, 'package.json'), 'utf8')).version;

/** A project folder: `stale-lib@1.0.0` installed, `@middy/core` linked from this workspace. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-inventory-project-'));
  const lib = join(dir, 'node_modules', 'stale-lib');
  mkdirSync(lib, { recursive: true });
  writeFileSync(
    join(lib, 'package.json'),
    JSON.stringify({ name: 'stale-lib', version: '1.0.0', license: 'MIT', main: 'index.js' }),
  );
  writeFileSync(join(lib, 'index.js'), "exports.greet = (name) => 'hello ' + name;\n");
  const middy = realpathSync(MIDDY);
  mkdirSync(join(dir, 'node_modules', '@middy'), { recursive: true });
  symlinkSync(middy, join(dir, 'node_modules', '@middy', 'core'));
  return dir;
}

const handlerSource = `
import middy from '@middy/core';
import { greet } from 'stale-lib';
import { sentinel } from ${JSON.stringify(PRESET)};

export const handler = middy(async (event) => ({ statusCode: 200, body: greet(event.name) })).use(
  sentinel({ serviceName: 'greeter', mode: 'observe', tracing: false }),
);
`;

const lines = (stdout: string[]) => stdout.map((line) => JSON.parse(line) as Record<string, any>);

describe.each(['esm', 'cjs'] as const)('a bundle built with the inventory plugin (%s)', (format) => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await bundleHandler({
      source: handlerSource,
      resolveDir: project(),
      format,
      plugins: [sentinelInventory()],
    });
  }, 60_000);

  it('logs one dependency_inventory line on the cold start, and the drift CLI reports the planted older version', async () => {
    const run = await invokeBundle(bundle, [{ event: { name: 'a' } }, { event: { name: 'b' } }], {
      env: { SENTINEL_TAGS: 'owner=team-greet,environment=test,lifecycle=production' },
    });
    expect(run.results.map((r) => r.result)).toEqual([
      { statusCode: 200, body: 'hello a' },
      { statusCode: 200, body: 'hello b' },
    ]);
    const inventoryLines = lines(run.stdout).filter((line) => line.message === 'dependency_inventory');
    expect(inventoryLines).toHaveLength(1);
    const [line] = inventoryLines;
    expect(line).toMatchObject({
      level: 'INFO',
      cold_start: true,
      function: {
        service: 'greeter',
        name: 'bundled-function',
        owner: 'team-greet',
        lifecycle: 'production',
      },
      dependency_inventory: { source: 'esbuild', hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) },
    });
    const packages: string[] = line?.dependency_inventory.packages;
    expect(packages).toContain('stale-lib@1.0.0');
    expect(packages).toContain(`@middy/core@${middyVersion}`);
    expect(packages.some((p) => p.startsWith('@aws-lambda-powertools/logger@'))).toBe(true);
    // The workspace's own packages are the function's code, not third-party dependencies.
    expect(packages.some((p) => p.startsWith('@lambda-sentinel/'))).toBe(false);
    expect(line?.dependency_inventory.count).toBe(packages.length);

    // The repository has moved on: its lockfile resolves stale-lib 1.4.2.
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-drift-'));
    const logs = join(dir, 'logs.jsonl');
    writeFileSync(logs, `${run.stdout.join('\n')}\n`);
    const lockfile = join(dir, 'package-lock.json');
    const locked: Record<string, { version: string }> = {};
    for (const entry of packages) {
      const at = entry.lastIndexOf('@');
      locked[`node_modules/${entry.slice(0, at)}`] = { version: entry.slice(at + 1) };
    }
    locked['node_modules/stale-lib'] = { version: '1.4.2' };
    writeFileSync(lockfile, JSON.stringify({ lockfileVersion: 3, packages: { '': {}, ...locked } }));
    let out = '';
    const code = await runInventoryCli(['diff', '--lockfile', lockfile, logs], {
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
    });
    expect(out).toContain('bundled-function (sha256:');
    expect(out).toContain('1 older, 0 newer, 0 removed, 0 added');
    expect(out).toContain('  older    stale-lib@1.0.0 (repository: 1.4.2)');
    expect(code).toBe(4);
  }, 60_000);

  it('records function_expired once per cold start after the expires date: WARN line and SecurityEvents metric', async () => {
    const run = await invokeBundle(bundle, [{ event: { name: 'a' } }, { event: { name: 'b' } }], {
      env: { SENTINEL_TAGS: 'owner=team-greet,environment=test,lifecycle=experimental,expires=2025-01-31' },
    });
    expect(run.results.map((r) => r.error)).toEqual([undefined, undefined]);
    // Powertools writes WARN lines to stderr; Lambda sends both streams to CloudWatch Logs.
    const all = lines([...run.stdout, ...run.stderr.split('\n').filter((l) => l.startsWith('{'))]);
    const warnings = all.filter((line) => line.security_event?.type === 'function_expired');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'WARN',
      expires: '2025-01-31',
      security_event: { severity: 'medium', detail: { expires: '2025-01-31', owner: 'team-greet' } },
    });
    const metrics = all.filter((line) => line._aws && line.event_type === 'function_expired');
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ SecurityEvents: 1, service: 'greeter', environment: 'test' });
    // Every line of the function carries the date.
    expect(all.filter((line) => !line._aws).every((line) => line.expires === '2025-01-31')).toBe(true);
  }, 60_000);

  it('refuses an expires tag that is no date at init, naming the tag (rule 5)', async () => {
    const run = await invokeBundle(bundle, [{ event: { name: 'a' } }], {
      env: { SENTINEL_TAGS: 'owner=team-greet,expires=someday' },
    });
    const said = run.stderr.includes('SENTINEL_TAGS: tag "expires" must be an ISO 8601 date');
    expect(said, run.stderr.slice(-400)).toBe(true);
  }, 60_000);
});
