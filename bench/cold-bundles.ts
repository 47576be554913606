// The bundles the cold-start measurements import (`pnpm bench cold-start`, bench/cold-import.ts):
// each entry built by esbuild as SAM builds a function (ESM, minified, bundled, no node_modules
// beside it), and a fresh Node process importing one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { traceHeader } from './lambda-env.ts';

/** Handler sources by name: an empty one, the Powertools trio, `sentinel()` and tracing alone. */
export const entries = {
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

/** The bundle name → file, and each bundle's size, in a fresh temporary folder (removed at exit). */
export async function buildBundles(): Promise<{
  dir: string;
  bundles: Record<string, string>;
  sizes: string[];
}> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-cold-start-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const bundles: Record<string, string> = {};
  const sizes: string[] = [];
  for (const [name, source] of Object.entries(entries)) {
    const entry = join(import.meta.dirname, `.cold-start-${name}.ts`);
    writeFileSync(entry, source);
    const outfile = join(dir, `${name}.mjs`);
    try {
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
    } finally {
      rmSync(entry);
    }
    bundles[name] = outfile;
    sizes.push(`bundle ${name}: ${(statSync(outfile).size / 1024).toFixed(0)} KiB`);
  }
  return { dir, bundles, sizes };
}

/**
 * Starts a fresh Node process that imports `file` and exits; throws if the import fails. With
 * `invoke`, the process then calls the bundle's handler once with that event (a cold start as a
 * caller sees it: init and the first invocation), under the variables Lambda sets.
 */
export function importInFreshProcess(file: string, dir: string, invoke?: { event: unknown }): void {
  const importOnly = `await import(${JSON.stringify(file)})`;
  const importAndInvoke = `
    const { handler } = await import(${JSON.stringify(file)});
    const deadline = Date.now() + 3000;
    await handler(${JSON.stringify(invoke?.event)}, {
      callbackWaitsForEmptyEventLoop: true, functionName: 'bench', functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench', memoryLimitInMB: '128',
      awsRequestId: crypto.randomUUID(), logGroupName: '/aws/lambda/bench', logStreamName: '2025/01/01/[$LATEST]0123',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    });`;
  const { status, stderr } = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', invoke ? importAndInvoke : importOnly],
    {
      env: {
        ...process.env,
        AWS_LAMBDA_FUNCTION_NAME: 'bench',
        LAMBDA_TASK_ROOT: dir,
        ...(invoke
          ? {
              AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
              AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
              AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
              AWS_REGION: 'us-east-1',
              _HANDLER: 'index.handler',
              // A datagram to a closed port is sent and dropped, as the trace would be without a daemon.
              AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
              _X_AMZN_TRACE_ID: traceHeader(),
            }
          : {}),
      },
    },
  );
  if (status !== 0) throw new Error(`cold start: importing ${file} failed: ${stderr}`);
}
