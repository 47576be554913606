// Cold-start cost: how long a fresh Node process takes to import the bundled sentinel() stack vs the
// bundled Powertools trio (esbuild, as SAM builds a function), minus an empty bundle's time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bench, summary } from 'mitata';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-cold-start-'));
const entries = {
  empty: 'export const handler = async () => ({ statusCode: 200 });',
  trio: `
    import middy from '@middy/core';
    import { Logger } from '@aws-lambda-powertools/logger';
    import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
    import { Metrics } from '@aws-lambda-powertools/metrics';
    import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
    import { Tracer } from '@aws-lambda-powertools/tracer';
    import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
    const logger = new Logger(); const metrics = new Metrics({ namespace: 'Bench' }); const tracer = new Tracer();
    export const handler = middy(async () => ({ statusCode: 200 }))
      .use(captureLambdaHandler(tracer)).use(logMetrics(metrics)).use(injectLambdaContext(logger));`,
  sentinel: `
    import middy from '@middy/core';
    import { sentinel } from '@lambda-sentinel/preset';
    export const handler = middy(async () => ({ statusCode: 200 }))
      .use(sentinel({ allow: [{ kind: 'apigateway-rest' }] }));`,
  sentinelOtel: `
    import middy from '@middy/core';
    import { sentinel } from '@lambda-sentinel/preset';
    export const handler = middy(async () => ({ statusCode: 200 }))
      .use(sentinel({ allow: [{ kind: 'apigateway-rest' }], tracing: 'otel' }));`,
  // The runtime guard is bundled only when a function uses one.
  sentinelGuard: `
    import middy from '@middy/core';
    import { sentinel } from '@lambda-sentinel/preset';
    import { runtimeGuard } from '@lambda-sentinel/runtime-guard';
    export const handler = middy(async () => ({ statusCode: 200 }))
      .use(sentinel({ allow: [{ kind: 'apigateway-rest' }], guard: runtimeGuard({ mode: 'block' }) }));`,
  // Tracing alone: the Powertools Tracer against each adapter of sdkCapture.
  powertoolsTracer: `
    import middy from '@middy/core';
    import { Tracer } from '@aws-lambda-powertools/tracer';
    import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
    export const handler = middy(async () => ({ statusCode: 200 })).use(captureLambdaHandler(new Tracer()));`,
  tracingXray: `
    import middy from '@middy/core';
    import { sdkCapture } from '@lambda-sentinel/sdk-capture';
    export const handler = middy(async () => ({ statusCode: 200 })).use(sdkCapture({ backend: 'xray' }));`,
  tracingOtel: `
    import middy from '@middy/core';
    import { sdkCapture } from '@lambda-sentinel/sdk-capture';
    export const handler = middy(async () => ({ statusCode: 200 })).use(sdkCapture({ backend: 'otel' }));`,
};

const bundles: Record<string, string> = {};
const sizes: string[] = [];
for (const [name, source] of Object.entries(entries)) {
  const entry = join(import.meta.dirname, `.cold-start-${name}.ts`);
  writeFileSync(entry, source);
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    logLevel: 'silent',
    // Bundled CommonJS (the X-Ray SDK) calls require(): give the ESM bundle one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const { rmSync } = await import('node:fs');
  rmSync(entry);
  bundles[name] = outfile;
  sizes.push(`bundle ${name}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB`);
}

const importOnce = (file: string) => () => {
  const { status, stderr } = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(file)})`],
    {
      env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'bench', LAMBDA_TASK_ROOT: dir },
    },
  );
  if (status !== 0) throw new Error(`cold start: importing ${file} failed: ${stderr}`);
};
for (const file of Object.values(bundles)) importOnce(file)();

summary(() => {
  bench('node + empty bundle', importOnce(bundles.empty!)).baseline(true);
  bench('node + bundled Powertools trio', importOnce(bundles.trio!));
  bench('node + bundled sentinel(), xray', importOnce(bundles.sentinel!));
  bench('node + bundled sentinel(), otel', importOnce(bundles.sentinelOtel!));
  bench('node + bundled sentinel(), xray, runtime guard', importOnce(bundles.sentinelGuard!));
});
summary(() => {
  bench('node + bundled Powertools Tracer', importOnce(bundles.powertoolsTracer!)).baseline(true);
  bench('node + bundled sdkCapture, xray', importOnce(bundles.tracingXray!));
  bench('node + bundled sdkCapture, otel', importOnce(bundles.tracingOtel!));
});

export const notes = () => sizes;
