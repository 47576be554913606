/**
 * `@lambda-sentinel/preset/durable`: a Middy execution mode for Lambda durable functions that
 * reports every invocation, also one that suspends. Its own entry point, so functions that are
 * not durable never bundle the AWS Durable Execution SDK.
 *
 * ```ts
 * import { sentinelDurableExecution } from '@lambda-sentinel/preset/durable';
 *
 * export const handler = middy({ executionMode: sentinelDurableExecution() })
 *   .use(sentinel({ serviceName: 'fulfilment' }))
 *   .handler(async (event, context) => { ... });
 * ```
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type DurableExecutionConfig,
  type DurableExecutionInvocationOutput,
  withDurableExecution,
} from '@aws/durable-execution-sdk-js';
import { finishSuspendedInvocation, type RequestLike } from '@lambda-sentinel/core';
import type { PluginExecutionMode } from '@middy/core';

export type { DurableExecutionConfig } from '@aws/durable-execution-sdk-js';

// Middy 7.9's own lists (`lambdaContextKeys` and `executionContextKeys` of `@middy/util`): the
// keys its durable mode copies from the Lambda context onto the durable context, so middlewares
// see the same context as in the standard mode.
const LAMBDA_CONTEXT_KEYS = [
  'functionName',
  'functionVersion',
  'invokedFunctionArn',
  'memoryLimitInMB',
  'awsRequestId',
  'logGroupName',
  'logStreamName',
  'identity',
  'clientContext',
  'callbackWaitsForEmptyEventLoop',
] as const;
const EXECUTION_CONTEXT_KEYS = ['tenantId'] as const;

type AnyFunction = (...args: never[]) => unknown;
type Middleware = (request: MiddyRequest) => unknown;

/** The slice of Middy's request this mode touches. */
interface MiddyRequest {
  context: Record<string, unknown> & {
    lambdaContext?: Record<string, unknown>;
    executionContext?: Record<string, unknown>;
  };
}

/** What Middy hands an execution mode (`@middy/core`'s `middy()`, 7.x). */
interface MiddyPlugin {
  requestStart(request: MiddyRequest): void;
  requestEnd(request: MiddyRequest): unknown;
}
interface MiddyInternals {
  middyRequest(event: unknown, context: unknown): MiddyRequest;
  runRequest(
    request: MiddyRequest,
    before: Middleware[],
    handler: AnyFunction,
    after: Middleware[],
    onError: Middleware[],
    plugin: MiddyPlugin,
  ): Promise<unknown>;
}

/** Where the request of the invocation running in this async context is left for the wrapper. */
interface InvocationSlot {
  request?: RequestLike;
}

function copyKeys(to: Record<string, unknown>, from: unknown, keys: readonly string[]): void {
  if (from === null || typeof from !== 'object') return;
  for (const key of keys) to[key] = (from as Record<string, unknown>)[key];
}

/**
 * The durable context as Middy's standard mode presents a Lambda context: its keys copied from
 * the Lambda context, and `getRemainingTimeInMillis()` too (Middy 7.9 leaves it out, so
 * `emfMetrics` could not publish before the timeout).
 */
function normaliseContext(context: MiddyRequest['context']): void {
  copyKeys(context, context.executionContext, EXECUTION_CONTEXT_KEYS);
  const lambda = context.lambdaContext;
  copyKeys(context, lambda, LAMBDA_CONTEXT_KEYS);
  const remaining = lambda?.getRemainingTimeInMillis;
  if (typeof context.getRemainingTimeInMillis !== 'function' && typeof remaining === 'function') {
    context.getRemainingTimeInMillis = () => (remaining as () => number).call(lambda);
  }
}

/** True for the SDK's answer to an invocation that suspended (its documented wire contract). */
function isPending(output: unknown): boolean {
  return (
    output !== null &&
    typeof output === 'object' &&
    (output as Partial<DurableExecutionInvocationOutput>).Status === 'PENDING'
  );
}

/**
 * A Middy execution mode for Lambda durable functions: use it in place of Middy's
 * `executionModeDurableContext`, as `middy({ executionMode: sentinelDurableExecution() })`.
 *
 * It runs the middlewares and the handler inside the AWS Durable Execution SDK's
 * `withDurableExecution` exactly as Middy's mode does (the durable context normalised to look
 * like a Lambda context, Middy's `requestStart` / `requestEnd` hooks), with `config` passed on
 * to the SDK. In addition, when an invocation ends suspended — at a wait, a callback or a retry
 * delay, where the handler's promise never settles and the SDK answers `{ Status: 'PENDING' }`
 * — it runs the Sentinel middlewares' end-of-invocation work for that invocation (core's
 * `finishSuspendedInvocation`) before answering Lambda: the EMF document (marked
 * `durable_suspended`), the WARN line and count of each security event, the handler span ended
 * and annotated `durable_suspended`, console hooks released. Under Middy's own mode none of
 * that happens for a suspended invocation. Never changes the SDK's answer.
 *
 * @param config - handed to `withDurableExecution` unchanged (client, plugins, ...).
 */
export function sentinelDurableExecution(config?: DurableExecutionConfig): PluginExecutionMode {
  const mode = (
    { middyRequest, runRequest }: MiddyInternals,
    beforeMiddlewares: Middleware[],
    initialHandler: AnyFunction,
    afterMiddlewares: Middleware[],
    onErrorMiddlewares: Middleware[],
    plugin: MiddyPlugin,
  ) => {
    let lambdaHandler = initialHandler;
    // Links each invocation the SDK runs to the call Lambda made, also when invocations overlap
    // (Lambda Managed Instances): a slot per call, carried through the SDK by async context.
    const invocations = new AsyncLocalStorage<InvocationSlot>();

    const durable = withDurableExecution(async (event: unknown, context: unknown) => {
      const request = middyRequest(event, context);
      const slot = invocations.getStore();
      if (slot) slot.request = request as unknown as RequestLike;
      plugin.requestStart(request);
      normaliseContext(request.context);

      // As Middy's durable mode: the handler's error wins over a failing `requestEnd`.
      let handlerError: unknown;
      let hasError = false;
      let response: unknown;
      try {
        response = await runRequest(
          request,
          beforeMiddlewares,
          lambdaHandler,
          afterMiddlewares,
          onErrorMiddlewares,
          plugin,
        );
      } catch (error) {
        handlerError = error;
        hasError = true;
      }
      try {
        await plugin.requestEnd(request);
      } catch (hookError) {
        if (!hasError) throw hookError;
        if (typeof handlerError === 'object' && handlerError !== null)
          (handlerError as { cause?: unknown }).cause ??= hookError;
      }
      if (hasError) throw handlerError;
      return response;
    }, config);

    const handler = async (event: unknown, context: unknown): Promise<DurableExecutionInvocationOutput> => {
      const slot: InvocationSlot = {};
      const output = await invocations.run(slot, () => durable(event as never, context as never));
      // Suspended: the chain never settles, so no after/onError ran. Finish Sentinel's work now.
      if (slot.request && isPending(output)) await finishSuspendedInvocation(slot.request);
      return output;
    };
    return Object.assign(handler, {
      handler(replace: AnyFunction) {
        lambdaHandler = replace;
        return handler;
      },
    });
  };
  return mode as unknown as PluginExecutionMode;
}
