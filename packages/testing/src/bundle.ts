import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { newTraceHeader } from './trace-id.ts';

export interface BundleOptions {
  /** The handler module's source (TypeScript or JavaScript); it must export `handler`. */
  source: string;
  /** The folder imports in `source` resolve from (a folder of the workspace, so its packages are found). */
  resolveDir: string;
  /** `esm` (an `index.mjs`, as `sam build` with `Format: esm`) or `cjs` (an `index.js`, CDK's default). */
  format: 'esm' | 'cjs';
  /**
   * ESM only: the banner SAM and CDK recommend, giving bundled CommonJS a
   * `require` (`createRequire(import.meta.url)`). Default true; false shows
   * what happens without it.
   */
  requireBanner?: boolean;
  /** Minify as `sam build` does by default. Default true. */
  minify?: boolean;
  /**
   * Which `package.json` entry wins. Default esbuild's for Node (`main`
   * first); CDK's `NodejsFunction` uses `['module', 'main']` for ESM output.
   */
  mainFields?: string[];
  /** esbuild plugins, as a build script would add them (e.g. the audit package's inventory plugin). */
  plugins?: Plugin[];
}

export interface Bundle {
  /** A fresh folder holding only the bundle: no `node_modules` beside it or above it. */
  dir: string;
  file: string;
  format: 'esm' | 'cjs';
  bytes: number;
  /** Every source file esbuild put in the bundle, relative to the working directory. */
  inputs: string[];
}

const REQUIRE_BANNER =
  "import { createRequire as __sentinelCreateRequire } from 'node:module'; const require = __sentinelCreateRequire(import.meta.url);";

/**
 * Bundles a handler with esbuild the way SAM (`BuildMethod: esbuild`) and
 * CDK's `NodejsFunction` do — every dependency inlined, Node built-ins
 * external — into a folder of its own under the OS temp dir, as Lambda runs
 * it from `/var/task` with no `node_modules`.
 */
export async function bundleHandler(options: BundleOptions): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), `sentinel-bundle-${options.format}-`));
  const file = join(dir, options.format === 'esm' ? 'index.mjs' : 'index.js');
  const { metafile } = await build({
    metafile: true,
    stdin: {
      contents: options.source,
      resolveDir: options.resolveDir,
      loader: 'ts',
      sourcefile: 'handler.ts',
    },
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: options.format,
    minify: options.minify ?? true,
    logLevel: 'silent',
    ...(options.format === 'esm' && options.requireBanner !== false
      ? { banner: { js: REQUIRE_BANNER } }
      : {}),
    ...(options.mainFields ? { mainFields: options.mainFields } : {}),
    ...(options.plugins ? { plugins: options.plugins } : {}),
  });
  return {
    dir,
    file,
    format: options.format,
    bytes: statSync(file).size,
    inputs: Object.keys(metafile.inputs),
  };
}

export interface BundleInvocation {
  event: unknown;
  /** The invocation's `X-Amzn-Trace-Id`; a fresh sampled one by default, `null` for none. */
  traceHeader?: string | null;
}

export interface BundleInvokeOptions {
  /** Extra environment for the function (e.g. `AWS_XRAY_DAEMON_ADDRESS`, `SENTINEL_TRACING`). */
  env?: Record<string, string>;
  /** Kill the process after this long. Default 20 s. */
  timeoutMs?: number;
}

export interface BundleInvokeResult {
  /** One per invocation, in order: what the handler returned, or its error's name and message. */
  results: { result?: unknown; error?: { name: string; message: string }; traceHeader?: string }[];
  /** Every line the function wrote to stdout. */
  stdout: string[];
  stderr: string;
  exitCode: number | null;
}

// A minimal Node.js Lambda runtime: loads the bundle as the nodejs24.x
// runtime does (import() for ESM, require for CommonJS), then invokes the
// handler once per event inside the runtime's invoke store, with
// `_X_AMZN_TRACE_ID` set per invocation. Results go to fd 3, so stdout holds
// only what the function printed.
const RUNNER = `
import { createRequire } from 'node:module';
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, format, invokeStoreModule, planFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const { InvokeStore, InvokeStoreBase } = await import(invokeStoreModule);
const store = await InvokeStore.getInstanceAsync();
const { REQUEST_ID, X_RAY_TRACE_ID } = InvokeStoreBase.PROTECTED_KEYS;
const send = (line) => writeSync(3, JSON.stringify(line) + '\\n');
const mod = format === 'cjs' ? createRequire(import.meta.url)(bundle) : await import(pathToFileURL(bundle).href);
for (const [i, invocation] of plan.invocations.entries()) {
  const requestId = plan.requestIds[i];
  if (invocation.traceHeader) process.env._X_AMZN_TRACE_ID = invocation.traceHeader;
  else delete process.env._X_AMZN_TRACE_ID;
  const deadline = Date.now() + 30000;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: '2026/12/01/[$LATEST]0000',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const storeContext = { [REQUEST_ID]: requestId };
  if (invocation.traceHeader) storeContext[X_RAY_TRACE_ID] = invocation.traceHeader;
  try {
    const result = await store.run(storeContext, () => mod.handler(invocation.event, context));
    send({ i, result: result === undefined ? null : result, traceHeader: invocation.traceHeader });
  } catch (error) {
    send({ i, error: { name: String(error?.name), message: String(error?.message) }, traceHeader: invocation.traceHeader });
  }
}
`;

let runnerFile: string | undefined;

/**
 * Runs a bundle in a fresh Node process as Lambda would: Lambda's
 * environment variables, `LAMBDA_TASK_ROOT` at the bundle's folder, the
 * first invocation a cold start and the rest warm.
 */
export async function invokeBundle(
  bundle: Bundle,
  invocations: readonly BundleInvocation[],
  options: BundleInvokeOptions = {},
): Promise<BundleInvokeResult> {
  if (!runnerFile) {
    runnerFile = join(mkdtempSync(join(tmpdir(), 'sentinel-runtime-')), 'runtime.mjs');
    writeFileSync(runnerFile, RUNNER);
  }
  const planned = invocations.map((invocation) => ({
    event: invocation.event,
    traceHeader: invocation.traceHeader === null ? undefined : (invocation.traceHeader ?? newTraceHeader()),
  }));
  const planFile = join(dirname(runnerFile), `${randomUUID()}.plan.json`);
  writeFileSync(
    planFile,
    JSON.stringify({ invocations: planned, requestIds: planned.map(() => randomUUID()) }),
  );
  const invokeStore = pathToFileURL(createRequire(import.meta.url).resolve('@aws/lambda-invoke-store')).href;
  const child = spawn(process.execPath, [runnerFile, bundle.file, bundle.format, invokeStore, planFile], {
    cwd: bundle.dir,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'bundled-function',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bundled-function',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      LAMBDA_TASK_ROOT: bundle.dir,
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      ...options.env,
    },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const results: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => results.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const lines = (buffers: Buffer[]) =>
    Buffer.concat(buffers)
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '');
  return {
    results: lines(results).map((line) => {
      const { i: _i, ...rest } = JSON.parse(line) as BundleInvokeResult['results'][number] & { i: number };
      return rest;
    }),
    stdout: lines(out),
    stderr: Buffer.concat(err).toString('utf8'),
    exitCode,
  };
}
