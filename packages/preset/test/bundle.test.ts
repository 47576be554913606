// Rule 7, as deployed: the README's handler plus a DynamoDB client, bundled
// by esbuild as `sam build` and CDK bundle it (ESM with the createRequire
// banner, CJS), run from a folder without node_modules in a fresh Node
// process, cold start first. Traced with either backend from the same bundle
// (SENTINEL_TRACING), and with a second copy of aws-xray-sdk-core loaded
// first by the handler's own code.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  type Bundle,
  bundleHandler,
  invokeBundle,
  startDynalite,
  startTraceSinks,
  type TraceSinks,
} from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PRESET = resolve(import.meta.dirname, '../src/index.ts');
const TABLE = 'bundled-orders';

const handlerSource = (preamble = '') => `
${preamble}
import middy from '@middy/core';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { sentinel } from ${JSON.stringify(PRESET)};

const ddb = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'us-east-1' });

export const handler = middy(async (event) => {
  await ddb.send(new PutItemCommand({ TableName: ${JSON.stringify(TABLE)}, Item: { id: { S: event.id } } }));
  return { statusCode: 200, body: JSON.stringify({ id: event.id }) };
}).use(
  sentinel({
    serviceName: 'orders',
    allow: [{ kind: 'unknown' }],
    tags: { owner: 'team-orders', environment: 'test', lifecycle: 'ga' },
    clients: [ddb],
  }),
);
`;

/** Where one of the preset's (dev) dependencies is installed. */
function packageRoot(name: string): string {
  return realpathSync(resolve(import.meta.dirname, '../node_modules', name));
}

/**
 * A folder where `aws-xray-sdk-core` resolves to a copy of its own (the
 * files copied, its dependencies linked): a bundle built from here holds two
 * copies of the SDK, as when a function's dependencies pin another version.
 */
function projectWithSecondXraySdk(): string {
  const sdkDir = packageRoot('aws-xray-sdk-core');
  const project = mkdtempSync(join(tmpdir(), 'sentinel-second-sdk-'));
  const modules = join(project, 'node_modules');
  cpSync(sdkDir, join(modules, 'aws-xray-sdk-core'), { recursive: true, dereference: true });
  // Its dependencies sit beside it in pnpm's store: link them, so only the SDK itself is doubled.
  const storeModules = dirname(sdkDir);
  for (const entry of readdirSync(storeModules)) {
    if (entry === 'aws-xray-sdk-core') continue;
    const scoped = entry.startsWith('@')
      ? readdirSync(join(storeModules, entry)).map((n) => join(entry, n))
      : [entry];
    for (const name of scoped) {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      symlinkSync(realpathSync(join(storeModules, name)), join(modules, name));
    }
  }
  // And the handler's own imports, from the preset's folder.
  for (const name of ['@middy/core', '@aws-sdk/client-dynamodb']) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(packageRoot(name), join(modules, name));
  }
  return project;
}

let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let sinks: TraceSinks;
const bundles: Record<string, Bundle> = {};

beforeAll(async () => {
  dynalite = await startDynalite();
  const { DynamoDBClient, CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  await new DynamoDBClient(dynalite.clientConfig).send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  sinks = await startTraceSinks();
  const resolveDir = import.meta.dirname;
  const secondSdk = projectWithSecondXraySdk();
  const secondSdkPreamble =
    "import AWSXRay from 'aws-xray-sdk-core'; AWSXRay.setContextMissingStrategy('IGNORE_ERROR');";
  const built = await Promise.all([
    bundleHandler({ source: handlerSource(), resolveDir, format: 'esm' }),
    bundleHandler({ source: handlerSource(), resolveDir, format: 'cjs' }),
    bundleHandler({
      source: handlerSource(),
      resolveDir,
      format: 'esm',
      requireBanner: false,
      mainFields: ['module', 'main'],
    }),
    bundleHandler({ source: handlerSource(secondSdkPreamble), resolveDir: secondSdk, format: 'esm' }),
    bundleHandler({ source: handlerSource(secondSdkPreamble), resolveDir: secondSdk, format: 'cjs' }),
  ]);
  [bundles.esm, bundles.cjs, bundles.esmNoBanner, bundles.esmTwoSdks, bundles.cjsTwoSdks] = built;
}, 120_000);

afterAll(async () => {
  await dynalite?.close();
  await sinks?.close();
});

function functionEnv(tracing: 'xray' | 'otel'): Record<string, string> {
  return {
    SENTINEL_TRACING: tracing,
    AWS_XRAY_DAEMON_ADDRESS: sinks[tracing].address,
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    // AWS's documented example credentials: dynalite takes any.
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
}

const cases = [
  ['ESM (createRequire banner)', 'esm'],
  ['CJS', 'cjs'],
  ['ESM with a second aws-xray-sdk-core loaded first', 'esmTwoSdks'],
  ['CJS with a second aws-xray-sdk-core loaded first', 'cjsTwoSdks'],
] as const;

describe.each(cases)('bundled sentinel() handler, %s', (_label, bundleName) => {
  it.each(['xray', 'otel'] as const)(
    'is traced with the %s backend from its cold-start invocation on, nothing on stderr',
    async (tracing) => {
      const bundle = bundles[bundleName] as Bundle;
      const sink = sinks[tracing];
      const run = await invokeBundle(bundle, [{ event: { id: 'cold' } }, { event: { id: 'warm' } }], {
        env: functionEnv(tracing),
      });
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.results.map((r) => r.result ?? r.error)).toEqual([
        { statusCode: 200, body: '{"id":"cold"}' },
        { statusCode: 200, body: '{"id":"warm"}' },
      ]);
      // Every line the function printed is structured.
      for (const line of run.stdout) expect(() => JSON.parse(line), line).not.toThrow();

      const coldStarts: unknown[] = [];
      for (const { traceHeader } of run.results) {
        const root = /Root=([^;]+)/.exec(traceHeader ?? '')?.[1] ?? '';
        const parent = /Parent=([^;]+)/.exec(traceHeader ?? '')?.[1];
        const { handler, spans } = await sink.trace(root, 2);
        expect(handler.parentId).toBe(parent);
        const dynamo = spans.find((span) => span.namespace === 'aws');
        expect(dynamo).toMatchObject({
          name: 'DynamoDB',
          parentId: handler.id,
          aws: { operation: 'PutItem' },
        });
        expect(handler.annotations).toMatchObject({
          Service: 'orders',
          owner: 'team-orders',
          source_kind: 'unknown',
        });
        coldStarts.push(handler.annotations.ColdStart);
      }
      expect(coldStarts).toEqual([true, false]);
    },
  );
});

describe('an ESM bundle without the createRequire banner (CDK: mainFields module, main)', () => {
  it('still works and traces with OpenTelemetry: the X-Ray SDK is never evaluated', async () => {
    const run = await invokeBundle(bundles.esmNoBanner as Bundle, [{ event: { id: 'a' } }], {
      env: functionEnv('otel'),
    });
    expect(run.stderr).toBe('');
    expect(run.results[0]?.result).toEqual({ statusCode: 200, body: '{"id":"a"}' });
    const root = /Root=([^;]+)/.exec(run.results[0]?.traceHeader ?? '')?.[1] ?? '';
    await sinks.otel.trace(root, 2);
  });

  it('with the X-Ray backend, answers correctly untraced and says once why', async () => {
    const run = await invokeBundle(
      bundles.esmNoBanner as Bundle,
      [{ event: { id: 'a' } }, { event: { id: 'b' } }],
      {
        env: functionEnv('xray'),
      },
    );
    expect(run.results.map((r) => r.result)).toEqual([
      { statusCode: 200, body: '{"id":"a"}' },
      { statusCode: 200, body: '{"id":"b"}' },
    ]);
    const warnings = run.stderr.split('\n').filter((line) => line.includes('[sdk-capture]'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/loading the tracing backend failed.*Dynamic require/);
  });
});

describe('the runtime guard reaches a bundle only when the function uses one', () => {
  const guardSource = (presetImport: string, guardLine: string, guardOption: string) => `
import middy from '@middy/core';
${presetImport}
${guardLine}
export const handler = middy(async () => ({ statusCode: 200 })).use(
  sentinel({ serviceName: 'orders', allow: [{ kind: 'unknown' }]${guardOption} }),
);
`;
  const fromGuardPackage = (bundle: Bundle) =>
    bundle.inputs.filter((file) => file.includes('runtime-guard/'));
  const preset = `import { sentinel } from ${JSON.stringify(PRESET)};`;
  const presetGuard = `import { sentinel } from ${JSON.stringify(resolve(import.meta.dirname, '../src/guard.ts'))};`;

  it('sentinel() without guard: none of @lambda-sentinel/runtime-guard; with a guard, either way: all of it', async () => {
    const resolveDir = import.meta.dirname;
    const [without, built, byOptions] = await Promise.all([
      bundleHandler({ source: guardSource(preset, '', ''), resolveDir, format: 'esm' }),
      bundleHandler({
        source: guardSource(
          preset,
          "import { runtimeGuard } from '@lambda-sentinel/runtime-guard';",
          ", guard: runtimeGuard({ mode: 'block' })",
        ),
        resolveDir,
        format: 'esm',
      }),
      bundleHandler({ source: guardSource(presetGuard, '', ', guard: true'), resolveDir, format: 'esm' }),
    ]);
    expect(fromGuardPackage(without)).toEqual([]);
    expect(fromGuardPackage(built)).toContainEqual(
      expect.stringMatching(/runtime-guard\/src\/hooks\/fs\.ts$/),
    );
    expect(fromGuardPackage(byOptions)).toEqual(fromGuardPackage(built));
    expect(built.bytes - without.bytes).toBeGreaterThan(10_000);
  });
});
