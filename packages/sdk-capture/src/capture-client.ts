import { activeInvocation, currentScope, withoutHttpCapture } from './active-trace.ts';
import { ATTR, AWS_API } from './attributes.ts';
import { errorStatus, outcomeOfStatus } from './outcome.ts';
import type { SpanAttributes } from './port.ts';
import { redactError } from './redacted-error.ts';
import { createReporter } from './report.ts';

/** The slice of an AWS SDK v3 client capture needs. */
export interface AwsClientLike {
  /** The client's middleware stack, where capture adds its span middleware. */
  middlewareStack: {
    /** `middlewareStack.add(middleware, options)`. */
    add: unknown;
    /** `middlewareStack.addRelativeTo(middleware, options)`, when the client has it. */
    addRelativeTo?: unknown;
  };
  /** The client's configuration, for the span's service name and region. */
  config?: {
    /** The service id, e.g. `DynamoDB`: the span's name. */
    serviceId?: unknown;
    /** The region, or the provider the SDK resolves it from. */
    region?: unknown;
  };
}

type Handler = (args: { input?: unknown; request?: unknown }) => Promise<{ output?: unknown }>;
type Middleware = (next: Handler, context: { commandName?: string; clientName?: string }) => Handler;
type AddMiddleware = (
  middleware: Middleware,
  options: { step: string; name: string; priority?: string; override?: boolean },
) => void;

// Process-wide on purpose: a client is captured once for its whole life,
// whichever invocation or module got to it first.
const capturedClients = new WeakSet<object>();
const report = createReporter();

export function isAwsClient(value: unknown): value is AwsClientLike {
  const stack = (value as { middlewareStack?: { add?: unknown } } | null)?.middlewareStack;
  return typeof stack?.add === 'function';
}

// The input fields that name the resource a call touches, as the X-Ray SDK
// records them. Identifiers only: never item contents, message bodies or keys.
const RESOURCE_INPUTS: readonly [string, string][] = [
  ['QueueUrl', ATTR.queueUrl],
  ['TopicArn', ATTR.topicArn],
  ['SecretId', ATTR.secretArn],
  ['Bucket', ATTR.bucket],
  ['StreamName', ATTR.streamName],
  ['FunctionName', ATTR.functionName],
  ['stateMachineArn', ATTR.stateMachineArn],
];
const MAX_RESOURCE_LENGTH = 256;

function resourceAttributes(input: unknown): SpanAttributes {
  if (input === null || typeof input !== 'object') return {};
  const fields = input as Record<string, unknown>;
  const attributes: Record<string, string | string[]> = {};
  const table = fields.TableName;
  if (typeof table === 'string' && table.length <= MAX_RESOURCE_LENGTH) attributes[ATTR.tableNames] = [table];
  for (const [field, attribute] of RESOURCE_INPUTS) {
    const value = fields[field];
    if (typeof value === 'string' && value.length <= MAX_RESOURCE_LENGTH) attributes[attribute] = value;
  }
  return attributes;
}

function serviceName(client: AwsClientLike, context: { clientName?: string }): string {
  const id = client.config?.serviceId;
  if (typeof id === 'string' && id) return id;
  return context.clientName?.replace(/Client$/, '') || 'AWS';
}

async function regionOf(client: AwsClientLike): Promise<string | undefined> {
  const region = client.config?.region;
  try {
    const value = typeof region === 'function' ? await (region as () => unknown)() : region;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function metadataOf(value: unknown): { httpStatusCode?: number; requestId?: string } {
  const meta = (value as { $metadata?: unknown } | null | undefined)?.$metadata;
  return meta && typeof meta === 'object' ? (meta as { httpStatusCode?: number; requestId?: string }) : {};
}

/**
 * One span per call, opened outermost (`initialize`) so it covers retries.
 * The call's own HTTP request runs with HTTP capture off, so it is not
 * traced a second time as a `remote` call.
 */
function captureMiddleware(client: AwsClientLike): Middleware {
  return (next, context) => async (args) => {
    const active = activeInvocation();
    if (!active) return next(args);
    const service = serviceName(client, context);
    const span = active.trace.startSpan(service, 'client', {
      [ATTR.rpcSystem]: AWS_API,
      [ATTR.rpcService]: service,
      [ATTR.rpcMethod]: context.commandName?.replace(/Command$/, ''),
      [ATTR.region]: await regionOf(client),
      ...resourceAttributes(args.input),
    });
    try {
      const result = await withoutHttpCapture(() => next(args), span);
      const meta = metadataOf(result.output);
      span.setAttributes({ [ATTR.requestId]: meta.requestId, [ATTR.httpStatus]: meta.httpStatusCode });
      span.end('ok');
      return result;
    } catch (error) {
      const meta = metadataOf(error);
      const status = errorStatus(error);
      span.setAttributes({ [ATTR.requestId]: meta.requestId, [ATTR.httpStatus]: status });
      // No status: the call never got an answer (network, timeout) — a fault.
      const outcome = status === undefined ? 'fault' : outcomeOfStatus(status);
      span.recordError(redactError(error, active.redactor), outcome === 'ok' ? 'fault' : outcome);
      span.end();
      throw error;
    }
  };
}

/** Gives the call's HTTP request the span's trace header, so the AWS service joins this trace. */
const traceHeaderMiddleware: Middleware = (next) => (args) => {
  const span = currentScope()?.span;
  const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
  if (span && headers && typeof headers === 'object') {
    const header = span.traceHeader();
    if (header) {
      for (const key of Object.keys(headers))
        if (key.toLowerCase() === 'x-amzn-trace-id') delete headers[key];
      headers['X-Amzn-Trace-Id'] = header;
    }
  }
  return next(args);
};

/**
 * Traces every call of an AWS SDK v3 client as a span under the running
 * invocation's handler span — an X-Ray `aws` subsegment (service,
 * operation, region, request id, table / queue / topic / secret / bucket
 * named), an OpenTelemetry CLIENT span with the AWS SDK conventions —
 * through the client's own middleware stack, so it works bundled and with
 * either tracing backend. Error messages are recorded redacted. Call it at
 * module scope where the client is created; calling it again on the same
 * client does nothing. Returns the client.
 */
export function captureClient<T>(client: T): T;
/** @deprecated The tracer is no longer needed: `captureClient(client)`. */
export function captureClient<T>(tracer: unknown, client: T): T;
export function captureClient<T>(first: T | unknown, second?: T): T {
  const client = (second === undefined ? first : second) as T;
  if (!isAwsClient(client) || capturedClients.has(client)) return client;
  capturedClients.add(client);
  try {
    const add = client.middlewareStack.add as AddMiddleware;
    add.call(client.middlewareStack, captureMiddleware(client), {
      step: 'initialize',
      name: 'lambdaSentinelCapture',
      priority: 'high',
      override: true,
    });
    add.call(client.middlewareStack, traceHeaderMiddleware, {
      step: 'build',
      name: 'lambdaSentinelTraceHeader',
      priority: 'low',
      override: true,
    });
  } catch (error) {
    // Rule 1: an unexpected client shape leaves the client working, untraced.
    report('capturing an AWS client', error);
  }
  return client;
}
