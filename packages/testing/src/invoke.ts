import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { createContext } from './lambda-context.ts';
import { newTraceHeader, parentOf, rootOf } from './trace-id.ts';

/**
 * Any Lambda handler (a plain async function or a Middy handler). The
 * `never` parameters accept every handler signature; the harness calls it
 * with `(event, context)` like the Node.js runtime does.
 */
export type LambdaHandler = (event: never, context: never) => unknown;

export interface InvokeOptions {
  functionName?: string;
  functionVersion?: string;
  region?: string;
  accountId?: string;
  memoryMb?: number;
  /** The function timeout; `context.getRemainingTimeInMillis()` counts down from it. */
  timeoutMs?: number;
  /** Extra environment for the invocation; `undefined` removes a variable. Restored afterwards. */
  env?: Record<string, string | undefined>;
  /** `127.0.0.1:PORT` of an X-Ray daemon (e.g. `startXRayCollector().address`): sets `AWS_XRAY_DAEMON_ADDRESS`. */
  xrayDaemonAddress?: string;
  /**
   * A full `Root=...;Parent=...;Sampled=1` header or a bare root
   * `1-xxxxxxxx-y...`. Fresh by default; `null` for an invocation without
   * one (the function's active tracing is off).
   */
  traceId?: string | null;
  requestId?: string;
  /**
   * The tenant id, as Lambda passes it to a function in tenant isolation mode: set on
   * `context.tenantId` and in the invoke store. Absent by default.
   */
  tenantId?: string;
  /** Fail the invocation with Lambda's "Task timed out after N seconds" when the handler overruns. Off by default. */
  enforceTimeout?: boolean;
}

export interface InvokeResult {
  result?: unknown;
  /** What the handler threw (or rejected with); absent on success. */
  error?: unknown;
  context: Context;
  requestId: string;
  /** The full `Root=1-...;Parent=...;Sampled=1` header of this invocation (empty without one). */
  traceId: string;
  /** Just the root, `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`, as X-Ray documents carry it in `trace_id`. */
  rootTraceId: string;
  /** The `Parent=` of the header: the `parent_id` of the X-Ray SDK's top-level subsegments in this invocation. */
  parentId: string;
}

type StoreContext = Record<string | symbol, unknown>;
const { REQUEST_ID, TENANT_ID, X_RAY_TRACE_ID } = InvokeStoreBase.PROTECTED_KEYS;

// Always the multi-context (AsyncLocalStorage) store, so sequential and
// concurrent invocations in one test process share the same store, exactly
// as the runtime installs it on `globalThis.awslambda.InvokeStore`.
const storePromise = InvokeStore.getInstanceAsync(true);

// One execution environment serves one batch at a time: overlapping calls to
// `invoke`/`invokeConcurrently` queue, so each sees (and restores) only its
// own environment variables.
let queue: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

function runtimeEnv(
  options: InvokeOptions,
  concurrency: number | undefined,
): Record<string, string | undefined> {
  const functionName = options.functionName ?? 'test-function';
  const region = options.region ?? 'us-east-1';
  return {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: options.functionVersion ?? '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryMb ?? 128),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(options.functionVersion ?? '$LATEST'),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: 'index.handler',
    AWS_LAMBDA_INITIALIZATION_TYPE: concurrency === undefined ? 'on-demand' : 'lambda-managed-instances',
    AWS_LAMBDA_MAX_CONCURRENCY: concurrency === undefined ? undefined : String(concurrency),
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    ...(options.xrayDaemonAddress ? { AWS_XRAY_DAEMON_ADDRESS: options.xrayDaemonAddress } : {}),
    ...options.env,
  };
}

function logStreamName(version: string): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomUUID().replaceAll('-', '')}`;
}

/** Sets `vars` and returns a function that puts every touched key back exactly (absent keys deleted again). */
function applyEnv(vars: Record<string, string | undefined>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(vars)) {
    if (!saved.has(key)) saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
  error.name = 'Sandbox.Timedout';
  return error;
}

async function runOne(
  handler: LambdaHandler,
  event: unknown,
  options: InvokeOptions,
  traceHeader: string,
): Promise<InvokeResult> {
  const store = await storePromise;
  const requestId = options.requestId ?? randomUUID();
  const timeoutMs = options.timeoutMs ?? 3000;
  // Legacy context.succeed/fail/done settle the invocation too.
  let settle: (error: unknown, result?: unknown) => void = () => {};
  const settled = new Promise<unknown>((resolve, reject) => {
    settle = (error, result) => (error == null ? resolve(result) : reject(error));
  });
  const context = createContext({
    requestId,
    functionName: options.functionName ?? 'test-function',
    functionVersion: options.functionVersion ?? '$LATEST',
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    memoryMb: options.memoryMb ?? 128,
    timeoutMs,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? logStreamName('$LATEST'),
    tenantId: options.tenantId,
    settle: (error, result) => settle(error, result),
  });
  const storeContext: StoreContext = { [REQUEST_ID]: requestId };
  if (traceHeader) storeContext[X_RAY_TRACE_ID] = traceHeader;
  if (options.tenantId !== undefined) storeContext[TENANT_ID] = options.tenantId;
  const base = {
    context,
    requestId,
    traceId: traceHeader,
    rootTraceId: rootOf(traceHeader),
    parentId: parentOf(traceHeader) ?? '',
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    const running = store.run(storeContext, async () =>
      Promise.race([(handler as (e: unknown, c: Context) => unknown)(event, context), settled]),
    );
    const guarded = options.enforceTimeout
      ? Promise.race([
          running,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(timeoutError(timeoutMs)), timeoutMs);
          }),
        ])
      : running;
    return { ...base, result: await guarded };
  } catch (error) {
    return { ...base, error };
  } finally {
    clearTimeout(timer);
  }
}

// Invocations queue one batch at a time, so invoking from inside an
// invocation would wait for itself forever: fail loudly instead.
function assertNotNested(): void {
  if (globalThis.awslambda?.InvokeStore?.hasContext()) {
    throw new Error(
      'invoke() called from inside an invocation: the harness runs one invocation batch at a time',
    );
  }
}

/**
 * Invokes `handler` the way a single-concurrency Lambda environment does:
 * runtime environment variables (with `_X_AMZN_TRACE_ID` for this invocation),
 * a complete context, the runtime's invocation store. Never rejects: the
 * handler's error lands in `error`. The environment is restored afterwards.
 * Throws synchronously only for a harness misuse (malformed `traceId`,
 * invoking from inside an invocation).
 */
export function invoke(
  handler: LambdaHandler,
  event: unknown,
  options: InvokeOptions = {},
): Promise<InvokeResult> {
  assertNotNested();
  const traceHeader = options.traceId === null ? '' : newTraceHeader(options.traceId);
  return exclusive(async () => {
    const restore = applyEnv({
      ...runtimeEnv(options, undefined),
      _X_AMZN_TRACE_ID: traceHeader === '' ? undefined : traceHeader,
    });
    try {
      return await runOne(handler, event, options, traceHeader);
    } finally {
      restore();
    }
  });
}

/** Options of {@link invokeConcurrently}: those of `invoke` that are not per invocation, plus tenant ids. */
export interface ConcurrentInvokeOptions extends Omit<InvokeOptions, 'requestId' | 'traceId' | 'tenantId'> {
  /** The tenant id of each invocation, by event index (tenant isolation mode); absent entries have none. */
  tenantIds?: readonly (string | undefined)[];
}

/**
 * Invokes `handler` once per event, all started in the same tick and
 * interleaved in this process, as Lambda Managed Instances do:
 * `AWS_LAMBDA_MAX_CONCURRENCY` is set, and each invocation's request id and
 * trace id live only in its invocation-store context (no per-invocation
 * `_X_AMZN_TRACE_ID`). Results come back in event order.
 */
export function invokeConcurrently(
  handler: LambdaHandler,
  events: readonly unknown[],
  options: ConcurrentInvokeOptions = {},
): Promise<InvokeResult[]> {
  assertNotNested();
  return exclusive(async () => {
    await storePromise;
    const restore = applyEnv({
      ...runtimeEnv(options, Math.max(events.length, 1)),
      _X_AMZN_TRACE_ID: undefined,
    });
    try {
      const { tenantIds, ...shared } = options;
      return await Promise.all(
        events.map((event, i) => {
          const tenantId = tenantIds?.[i];
          return runOne(
            handler,
            event,
            tenantId === undefined ? shared : { ...shared, tenantId },
            newTraceHeader(),
          );
        }),
      );
    } finally {
      restore();
    }
  });
}
