import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InvokeOptions } from './invoke.ts';
import { type CapturedOutput, parseLines } from './output.ts';
import { newTraceHeader, parentOf, rootOf } from './trace-id.ts';

/** One invocation for a worker of {@link invokeManagedInstance}. */
export interface ManagedInvocation {
  event: unknown;
  /** The tenant id (tenant isolation mode): `context.tenantId` and the invoke store. Absent by default. */
  tenantId?: string;
}

/** Options of {@link invokeManagedInstance}; the function's identity is given as to `invoke`. */
export interface ManagedInstanceOptions
  extends Pick<InvokeOptions, 'functionName' | 'functionVersion' | 'region' | 'accountId' | 'memoryMb'> {
  /** The export each worker calls. Default `handler`. */
  handlerName?: string;
  /** The function timeout: an invocation still running after it fails with Lambda's "Task timed out". Default 3000. */
  timeoutMs?: number;
  /** Extra environment of the execution environment (every worker); `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /**
   * Environment for one worker only, by worker index, over `env`. Lambda gives every worker the
   * same environment: this is a test instrument, e.g. to show that what one worker's init sets up
   * stays in that worker.
   */
  workerEnv?: (worker: number) => Record<string, string | undefined>;
  /** `127.0.0.1:PORT` of an X-Ray daemon (e.g. a trace sink's `address`): sets `AWS_XRAY_DAEMON_ADDRESS`. */
  xrayDaemonAddress?: string;
  /**
   * The most this call may take, init included: past it every worker is terminated and the call
   * rejects. Default 30 s.
   */
  deadlineMs?: number;
}

/** What one invocation in a worker gave. */
export interface ManagedInvocationResult {
  /** What the handler returned (structured-cloned from the worker); absent on failure. */
  result?: unknown;
  /** The handler's error, by name and message; absent on success. */
  error?: { name: string; message: string };
  requestId: string;
  /** The invocation's full `Root=...;Parent=...;Sampled=1` header (in the invoke store only, as on LMI). */
  traceId: string;
  /** The root, `1-xxxxxxxx-...`, as X-Ray documents carry it. */
  rootTraceId: string;
  /** The `Parent=` of the header. */
  parentId: string;
  tenantId?: string;
}

/** What one worker thread did: its invocations' results and everything it wrote, init included. */
export interface ManagedWorkerResult extends Omit<CapturedOutput<never>, 'result' | 'error'> {
  /** The worker's `threadId`. */
  threadId: number;
  /** One per invocation given to this worker, in order. */
  invocations: ManagedInvocationResult[];
  /** The worker's exit code after it was stopped (`terminate()` gives 1). */
  exitCode: number;
}

// The worker side: what the Node.js runtime does in each worker thread of a
// Lambda Managed Instances execution environment. It installs the runtime's
// invoke store (one per thread: each has its own globals), captures what the
// thread writes to stdout/stderr, imports the handler module itself (init
// runs once per worker), reports ready, and on "go" starts all its
// invocations in the same tick, each in its own invoke-store context.
const WORKER = `
import { Console } from 'node:console';
import { parentPort, threadId, workerData } from 'node:worker_threads';
const { plan, moduleUrl, handlerName, invokeStoreUrl, timeoutMs, arn, functionName, functionVersion, memoryMb } = workerData;
const { InvokeStore, InvokeStoreBase } = await import(invokeStoreUrl);
const store = await InvokeStore.getInstanceAsync(true);
const { REQUEST_ID, X_RAY_TRACE_ID, TENANT_ID } = InvokeStoreBase.PROTECTED_KEYS;
const lines = [];
const partial = ['', ''];
[process.stdout, process.stderr].forEach((stream, index) => {
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const pieces = (partial[index] + text).split('\\n');
    partial[index] = pieces.pop() ?? '';
    lines.push(...pieces);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  };
});
globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
const allLines = () => [...lines, ...partial.filter((rest) => rest !== '')];
const describe = (error) => ({
  name: String(error?.name ?? typeof error),
  message: String(error?.message ?? error),
});
let handler;
try {
  const mod = await import(moduleUrl);
  handler = mod[handlerName];
  if (typeof handler !== 'function') throw new TypeError(handlerName + ' is not a function exported by the handler module');
} catch (error) {
  parentPort.postMessage({ type: 'failed', error: describe(error), lines: allLines() });
  await new Promise(() => {});
}
parentPort.postMessage({ type: 'ready' });
await new Promise((resolve) => parentPort.once('message', resolve));
const invokeOne = async (planned) => {
  const deadline = Date.now() + timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion,
    invokedFunctionArn: arn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: planned.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...(planned.tenantId !== undefined ? { tenantId: planned.tenantId } : {}),
  };
  const storeContext = { [REQUEST_ID]: planned.requestId, [X_RAY_TRACE_ID]: planned.traceId };
  if (planned.tenantId !== undefined) storeContext[TENANT_ID] = planned.tenantId;
  let timer;
  try {
    const running = store.run(storeContext, async () => handler(planned.event, context));
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error('Task timed out after ' + (timeoutMs / 1000).toFixed(2) + ' seconds');
        error.name = 'Sandbox.Timedout';
        reject(error);
      }, timeoutMs);
    });
    return { result: await Promise.race([running, timedOut]) };
  } catch (error) {
    return { error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
};
const outcomes = await Promise.all(plan.map(invokeOne));
// Timers the handler's last awaits scheduled (metrics, trace flushes) settle before the output is read.
await new Promise((resolve) => setTimeout(resolve, 20));
let invocations;
try {
  invocations = structuredClone(outcomes);
} catch {
  invocations = outcomes.map((o) => (o.error ? o : { error: { name: 'DataCloneError', message: 'the result could not be cloned' } }));
}
parentPort.postMessage({ type: 'done', threadId, invocations, lines: allLines() });
`;

let workerFile: string | undefined;

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (module.startsWith('file:')) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

function logStreamName(version: string): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomUUID().replaceAll('-', '')}`;
}

interface WorkerMessage {
  type: 'ready' | 'failed' | 'done';
  error?: { name: string; message: string };
  threadId?: number;
  invocations?: { result?: unknown; error?: { name: string; message: string } }[];
  lines?: string[];
}

/**
 * Runs a handler module the way Lambda Managed Instances run a Node.js
 * function: `perWorker.length` real worker threads in one execution
 * environment, each importing the module itself (init once per worker, with
 * its own module state and its own runtime invoke store), then running its
 * invocations concurrently — `AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances`,
 * `AWS_LAMBDA_MAX_CONCURRENCY` (all invocations), `AWS_LAMBDA_NODEJS_WORKER_COUNT`,
 * and each invocation's request id, trace header and tenant id only in its
 * invoke-store context and context object. Every worker starts invoking once
 * all have finished init, so invocations interleave across threads too.
 *
 * `module` is a file path or `file:` URL that plain Node can import, such as
 * a bundle from {@link bundleHandler}. Each worker's stdout and stderr are
 * captured in the worker and returned with its results; UDP the handler
 * sends (X-Ray, OTLP) goes where its environment points. Workers are
 * terminated when done, whatever handles the handler left open, so the call
 * returns; past `deadlineMs` it terminates them and rejects.
 */
export async function invokeManagedInstance(
  module: string | URL,
  perWorker: readonly (readonly ManagedInvocation[])[],
  options: ManagedInstanceOptions = {},
): Promise<ManagedWorkerResult[]> {
  if (perWorker.length === 0) return [];
  if (!workerFile) {
    workerFile = join(mkdtempSync(join(tmpdir(), 'sentinel-lmi-')), 'lmi-worker.mjs');
    writeFileSync(workerFile, WORKER);
  }
  const functionName = options.functionName ?? 'test-function';
  const functionVersion = options.functionVersion ?? '$LATEST';
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const memoryMb = options.memoryMb ?? 128;
  const total = perWorker.reduce((sum, invocations) => sum + invocations.length, 0);
  const env: Record<string, string> = {};
  const base: Record<string, string | undefined> = {
    ...process.env,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(functionVersion),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: 'index.handler',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances',
    AWS_LAMBDA_MAX_CONCURRENCY: String(Math.max(total, 1)),
    AWS_LAMBDA_NODEJS_WORKER_COUNT: String(perWorker.length),
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    _X_AMZN_TRACE_ID: undefined,
    ...(options.xrayDaemonAddress ? { AWS_XRAY_DAEMON_ADDRESS: options.xrayDaemonAddress } : {}),
    ...options.env,
  };
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;

  const plans = perWorker.map((invocations) =>
    invocations.map((invocation) => {
      const traceId = newTraceHeader();
      return {
        event: invocation.event,
        requestId: randomUUID(),
        traceId,
        ...(invocation.tenantId !== undefined ? { tenantId: invocation.tenantId } : {}),
      };
    }),
  );
  const invokeStoreUrl = pathToFileURL(
    createRequire(import.meta.url).resolve('@aws/lambda-invoke-store'),
  ).href;
  const envOf = (w: number): Record<string, string> => {
    const own = options.workerEnv?.(w);
    if (!own) return env;
    const merged: Record<string, string | undefined> = { ...env, ...own };
    return Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  };
  const workers = plans.map(
    (plan, w) =>
      new Worker(workerFile!, {
        env: envOf(w),
        stdout: true,
        stderr: true,
        workerData: {
          plan,
          moduleUrl: moduleUrl(module),
          handlerName: options.handlerName ?? 'handler',
          invokeStoreUrl,
          timeoutMs: options.timeoutMs ?? 3000,
          arn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
          functionName,
          functionVersion,
          memoryMb,
        },
      }),
  );
  const exits = workers.map((worker) => new Promise<number>((done) => worker.once('exit', done)));
  // Whatever the worker writes outside our capture (it should be nothing) is drained, not printed.
  for (const worker of workers) {
    worker.stdout.resume();
    worker.stderr.resume();
  }
  const next = (worker: Worker, type: 'ready' | 'done'): Promise<WorkerMessage> =>
    new Promise((settle, fail) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'failed') {
          cleanup();
          fail(
            new Error(
              `worker init failed: ${message.error?.name}: ${message.error?.message}\n${(message.lines ?? []).join('\n')}`,
            ),
          );
        } else if (message.type === type) {
          cleanup();
          settle(message);
        }
      };
      const onError = (error: Error) => {
        cleanup();
        fail(error);
      };
      const onExit = (code: number) => {
        cleanup();
        fail(new Error(`worker exited with code ${code} before it was ${type}`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });

  let deadline: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, fail) => {
    deadline = setTimeout(
      () => fail(new Error(`invokeManagedInstance: not done after ${options.deadlineMs ?? 30_000} ms`)),
      options.deadlineMs ?? 30_000,
    );
  });
  let messages: WorkerMessage[] = [];
  let failure: unknown;
  try {
    const run = async () => {
      await Promise.all(workers.map((worker) => next(worker, 'ready')));
      const finished = workers.map((worker) => next(worker, 'done'));
      for (const worker of workers) worker.postMessage('go');
      return Promise.all(finished);
    };
    messages = await Promise.race([run(), expired]);
  } catch (error) {
    failure = error;
  } finally {
    clearTimeout(deadline);
  }
  // Handlers leave sockets and timers open (trace exporters, metrics samplers): stop the threads.
  await Promise.all(workers.map((worker) => worker.terminate()));
  const exitCodes = await Promise.all(exits);
  if (failure !== undefined) throw failure;
  return messages.map((message, w) => {
    const plan = plans[w]!;
    return {
      threadId: message.threadId ?? -1,
      exitCode: exitCodes[w]!,
      ...parseLines(message.lines ?? []),
      invocations: (message.invocations ?? []).map((outcome, i) => {
        const planned = plan[i]!;
        return {
          ...outcome,
          requestId: planned.requestId,
          traceId: planned.traceId,
          rootTraceId: rootOf(planned.traceId),
          parentId: parentOf(planned.traceId) ?? '',
          ...(planned.tenantId !== undefined ? { tenantId: planned.tenantId } : {}),
        };
      }),
    };
  });
}

/**
 * A plan for {@link invokeManagedInstance}: `workers` workers with `perWorker`
 * invocations each, invocation `n` (numbered across workers: worker `w`'s
 * `i`th is `w * perWorker + i`) built by `invocation(n, w)`.
 */
export function managedPlan(
  workers: number,
  perWorker: number,
  invocation: (n: number, worker: number) => ManagedInvocation,
): ManagedInvocation[][] {
  return Array.from({ length: workers }, (_, w) =>
    Array.from({ length: perWorker }, (_, i) => invocation(w * perWorker + i, w)),
  );
}

/**
 * Sorts what the workers of {@link invokeManagedInstance} wrote (log lines,
 * EMF documents, ...) by the invocation each record names, checking
 * ownership on the way: a record naming the request id of an invocation that
 * another worker ran, or of no invocation at all, throws with the record
 * quoted. Records for which `requestIdOf` gives `undefined` (init lines, say)
 * are left out: check those yourself.
 *
 * @param recordsOf - the records of one worker, e.g. `(worker) => worker.logs`.
 * @param requestIdOf - the request id a record names, e.g. `(line) => line.function_request_id`.
 * @returns each invocation's records as `[worker][index in that worker's plan]`, in the order written.
 */
export function recordsByInvocation<T>(
  workers: readonly ManagedWorkerResult[],
  recordsOf: (worker: ManagedWorkerResult) => readonly T[],
  requestIdOf: (record: T) => unknown,
): T[][][] {
  const place = new Map<string, { worker: number; index: number }>();
  workers.forEach((worker, w) => {
    worker.invocations.forEach((invocation, index) => {
      place.set(invocation.requestId, { worker: w, index });
    });
  });
  return workers.map((worker, w) => {
    const own: T[][] = worker.invocations.map(() => []);
    for (const record of recordsOf(worker)) {
      const id = requestIdOf(record);
      if (id === undefined) continue;
      const where = typeof id === 'string' ? place.get(id) : undefined;
      if (where === undefined) {
        throw new Error(`worker ${w} wrote a record of no invocation: ${JSON.stringify(record)}`);
      }
      if (where.worker !== w) {
        throw new Error(
          `worker ${w} wrote a record of worker ${where.worker}'s invocation ${where.index}: ${JSON.stringify(record)}`,
        );
      }
      own[where.index]!.push(record);
    }
    return own;
  });
}
