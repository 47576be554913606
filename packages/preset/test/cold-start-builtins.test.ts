// Cold start, as deployed: which Node built-ins a bundled sentinel() handler loads before its first
// invocation. Every built-in loaded is cold-start time, and the ESM view of one (`import { x } from
// 'node:util'`) reads all of its exports, loading their lazy parts too: util's parseArgs and diff,
// fs's streams, net's BlockList. The ones below cost 1–6 ms each on a Lambda-sized machine and are
// needed only by some functions, later (CloudWatch Logs events, streamed responses, IP redaction).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { type Bundle, bundleHandler } from '@lambda-sentinel/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const PRESET = resolve(import.meta.dirname, '../src/index.ts');
const GUARD = resolve(import.meta.dirname, '../../runtime-guard/src/index.ts');

const NOT_AT_COLD_START = [
  'NativeModule zlib',
  'NativeModule stream/web',
  'NativeModule internal/webstreams/compression',
  'NativeModule internal/util/parse_args/parse_args',
  'NativeModule internal/util/diff',
  'NativeModule internal/fs/streams',
  'NativeModule internal/blocklist',
];

const source = (guard: boolean) => `
import middy from '@middy/core';
import { sentinel } from ${JSON.stringify(PRESET)};
${guard ? `import { runtimeGuard } from ${JSON.stringify(GUARD)};` : ''}
export const handler = middy(async () => ({ statusCode: 200 })).use(
  sentinel({ allow: [{ kind: 'apigateway-rest' }]${guard ? ", guard: runtimeGuard({ mode: 'block' })" : ''} }),
);
`;

/** The built-ins a fresh process has loaded once the bundle is imported and its init has settled. */
function loadedAfterImport(bundle: Bundle): string[] {
  const script = `
    const mod = await import(${JSON.stringify(bundle.file)});
    if (typeof (mod.handler ?? mod.default?.handler) !== 'function') throw new Error('no handler');
    await new Promise((r) => setTimeout(r, 20));
    process.stdout.write(JSON.stringify(process.moduleLoadList));`;
  const { status, stdout, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: bundle.dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_LAMBDA_FUNCTION_NAME: 'cold-start',
      AWS_REGION: 'us-east-1',
      LAMBDA_TASK_ROOT: bundle.dir,
    },
  });
  if (status !== 0) throw new Error(`importing the bundle failed: ${stderr}`);
  return JSON.parse(stdout) as string[];
}

describe('a bundled sentinel() loads no built-in its cold start does not need', () => {
  const bundles: Record<string, Bundle> = {};
  beforeAll(async () => {
    for (const format of ['esm', 'cjs'] as const) {
      for (const guard of [false, true]) {
        bundles[`${format}${guard ? '+guard' : ''}`] = await bundleHandler({
          source: source(guard),
          resolveDir: import.meta.dirname,
          format,
        });
      }
    }
  }, 60_000);

  for (const name of ['esm', 'cjs', 'esm+guard', 'cjs+guard']) {
    it(name, () => {
      const loaded = loadedAfterImport(bundles[name] as Bundle);
      // The bundle did load: the X-Ray backend (the default) opened its UDP socket module.
      expect(loaded).toContain('NativeModule dgram');
      if (name.endsWith('+guard')) expect(loaded).toContain('NativeModule child_process');
      expect(loaded.filter((m) => NOT_AT_COLD_START.includes(m))).toEqual([]);
    });
  }
});
