import {
  claimInvocationEnd,
  finishIfSuspended,
  finishWhenInvocationEnds,
  invocationState,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import { createRedactor } from '@lambda-sentinel/redact';
import type { MiddlewareObj, Request } from '@middy/core';
import { type ActiveInvocation, enterInvocation, leaveInvocation } from './active-trace.ts';
import { ATTR } from './attributes.ts';
import { captureClient, isAwsClient } from './capture-client.ts';
import { enableHttpCapture } from './capture-http.ts';
import { errorStatus, outcomeOfStatus, responseStatus } from './outcome.ts';
import type { InvocationTrace, Outcome, TraceBackend } from './port.ts';
import { redactError } from './redacted-error.ts';
import { createReporter } from './report.ts';
import {
  type BackendSettings,
  checkBackendSettings,
  loadBackend,
  resolveTracingChoice,
  type TracingChoice,
} from './select-backend.ts';
import { currentTraceHeader } from './trace-header.ts';
import type { PowertoolsTracerLike } from './xray/xray-backend.ts';

/** A redactor as `@lambda-sentinel/redact`'s `createRedactor()` returns it. */
export interface SdkCaptureRedactor {
  (value: unknown): unknown;
  /** Returns `value` with every secret and personal datum replaced. */
  redactString(value: string): string;
}

export interface SdkCaptureOptions extends BackendSettings {
  /**
   * Where traces go: `'xray'` (aws-xray-sdk-core), `'otel'` (OpenTelemetry),
   * your own `TraceBackend`, or `false` (no tracing). Default:
   * `SENTINEL_TRACING`, then `'xray'`.
   */
  backend?: TracingChoice;
  /**
   * Your Powertools `Tracer`, for the `xray` backend: handler code's
   * `tracer.putAnnotation()` lands on the handler span, and
   * `isTracingEnabled() === false` turns tracing off. Build it with
   * `captureHTTPsRequests: false`. Ignored by `otel`.
   */
  tracer?: PowertoolsTracerLike;
  /** AWS SDK v3 clients to capture now (same as `captureClient` on each). */
  clients?: readonly unknown[];
  /** Record the handler's response (redacted) as metadata. Off by default: responses carry personal data. */
  captureResponse?: boolean;
  /** Trace outbound `http`/`https` and `fetch`. Default true. */
  captureHttp?: boolean;
  /** Redactor applied to recorded errors, URLs and responses. Default: `createRedactor()`. */
  redact?: SdkCaptureRedactor;
}

/**
 * Slot (core's `invocationState(request).slots`) holding the invocation's
 * `InvocationTrace`, where `traceAnnotations` finds it.
 */
export const INVOCATION_TRACE_SLOT = 'sdk-capture.invocationTrace';

/**
 * Annotation (X-Ray) / attribute (OpenTelemetry) set to `true` on the handler span of a durable
 * invocation that ended suspended (a wait, a callback, a retry delay): the span is ended, not
 * a fault, when the invocation hands back `PENDING`.
 */
export const DURABLE_SUSPENDED = 'durable_suspended';

const OPTIONS = new Set([
  'backend',
  'tracer',
  'xray',
  'otel',
  'clients',
  'captureResponse',
  'captureHttp',
  'redact',
]);
const INTERNAL_KEY = '@lambda-sentinel/sdk-capture';

function checkOptions(options: SdkCaptureOptions): void {
  if (!options || typeof options !== 'object') {
    throw new SentinelConfigError('options', "expected an object, e.g. { backend: 'otel' }");
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new SentinelConfigError(key, `unknown option; expected one of ${[...OPTIONS].join(', ')}`);
    }
  }
  const tracer = options.tracer as Partial<PowertoolsTracerLike> | undefined;
  if (
    tracer !== undefined &&
    (typeof tracer?.setSegment !== 'function' || typeof tracer.isTracingEnabled !== 'function')
  ) {
    throw new SentinelConfigError(
      'tracer',
      'expected a Powertools Tracer (new Tracer() from @aws-lambda-powertools/tracer)',
    );
  }
  if (options.clients !== undefined) {
    if (!Array.isArray(options.clients))
      throw new SentinelConfigError('clients', 'expected an array of AWS SDK v3 clients');
    options.clients.forEach((client, i) => {
      if (!isAwsClient(client)) {
        throw new SentinelConfigError(
          'clients',
          `item ${i} is not an AWS SDK v3 client (no middlewareStack)`,
        );
      }
    });
  }
  for (const flag of ['captureResponse', 'captureHttp'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new SentinelConfigError(flag, 'expected a boolean');
    }
  }
  if (options.redact !== undefined && typeof options.redact?.redactString !== 'function') {
    throw new SentinelConfigError('redact', 'expected a redactor from createRedactor()');
  }
  checkBackendSettings(options);
}

// Lambda sets `_HANDLER` once for the life of the process: read it until it is set, then keep it
// (each `process.env` read is a call into the runtime, about 0.25 µs).
let handlerSetting: string | undefined;

function handlerName(request: Request): string {
  handlerSetting ||= process.env._HANDLER;
  return `## ${handlerSetting || request.context?.functionName || 'handler'}`;
}

/**
 * How the invocation ended, in X-Ray's terms: the status of an HTTP-shaped
 * response or of the error, a refused caller (a `source_rejected` security
 * event) as 403 — an error, not a fault — and any other error as a fault.
 */
function invocationOutcome(request: Request): { outcome: Outcome; status: number | undefined } {
  const refused = invocationState(request).securityEvents.some((event) => event.type === 'source_rejected');
  const status =
    responseStatus(request.response) ??
    (request.error === undefined ? undefined : errorStatus(request.error)) ??
    (refused && request.error !== undefined ? 403 : undefined);
  const outcome = outcomeOfStatus(status);
  if (outcome === 'ok' && request.error !== undefined && request.response === undefined) {
    return { outcome: 'fault', status };
  }
  return { outcome, status };
}

/**
 * Opens the invocation's handler span (`## <handler>`) in `before` and ends
 * it in `after` and `onError`, so the AWS SDK, HTTP and SQL spans of the
 * invocation nest under it — per invocation, also when Lambda Managed
 * Instances run several at once — and waits for the spans to leave the
 * process before the response does. Works with either tracing backend and
 * bundled. Responses are not recorded unless asked; errors, URLs and SQL
 * are recorded redacted. A no-op when the invocation is not traced.
 */
export function sdkCapture(options: SdkCaptureOptions = {}): MiddlewareObj {
  checkOptions(options);
  const choice = resolveTracingChoice(options.backend, 'backend');
  const captureResponse = options.captureResponse ?? false;
  const captureHttp = options.captureHttp ?? true;
  const redactor = options.redact ?? (createRedactor() as SdkCaptureRedactor);
  for (const client of options.clients ?? []) captureClient(client);
  if (captureHttp) enableHttpCapture();

  const report = createReporter();

  // Loaded now, awaited by the first invocation: its cold start is traced too.
  let backend: TraceBackend | undefined;
  const loading = loadBackend(choice, options).then(
    (loaded) => {
      backend = loaded;
      return loaded;
    },
    (error: unknown) => {
      report('loading the tracing backend', error);
      return undefined;
    },
  );

  const opened = (request: Request): ActiveInvocation | undefined =>
    (request.internal as Record<string, unknown>)[INTERNAL_KEY] as ActiveInvocation | undefined;

  // Rule 1 throughout: whatever the tracing backend does, the handler's result and error pass
  // through. The hooks stay synchronous unless there is something to wait for (loading the
  // backend once, an export): a promise per hook per invocation is measurable.
  const open = (request: Request, ready: TraceBackend): void => {
    try {
      const state = invocationState(request);
      const trace = ready.startInvocation({
        traceHeader: currentTraceHeader(),
        name: handlerName(request),
        attributes: {
          [ATTR.invocationId]: request.context?.awsRequestId,
          [ATTR.coldStart]: state.coldStart,
        },
      });
      if (!trace) return;
      const active: ActiveInvocation = { trace, redactor, captureHttp };
      (request.internal as Record<string, unknown>)[INTERNAL_KEY] = active;
      state.slots.set(INVOCATION_TRACE_SLOT, trace);
      enterInvocation(active);
    } catch (error) {
      report('opening the handler span', error);
    }
  };

  const endTrace = (trace: InvocationTrace, outcome: Outcome): Promise<void> | void => {
    try {
      return trace.end(outcome);
    } catch (error) {
      report('ending the handler span', error);
      return undefined;
    }
  };

  // Rule 3: runs in after AND onError, so every invocation's span is ended and exported.
  // `suspended`: a durable invocation that ended suspended (a wait, a callback): no fault, its
  // span says so.
  const finish = (request: Request, suspended = false): Promise<void> | undefined => {
    const active = opened(request);
    if (!active) return undefined;
    (request.internal as Record<string, unknown>)[INTERNAL_KEY] = undefined;
    const { trace } = active;
    let outcome: Outcome = 'fault';
    try {
      if (suspended) {
        outcome = 'ok';
        trace.annotate(DURABLE_SUSPENDED, true);
      } else {
        const ended = invocationOutcome(request);
        outcome = ended.outcome;
        if (ended.status !== undefined) trace.handlerSpan.setAttributes({ [ATTR.httpStatus]: ended.status });
        if (request.error !== undefined) {
          trace.recordError(redactError(request.error, redactor), outcome === 'ok' ? 'fault' : outcome);
        } else if (captureResponse && request.response !== undefined) {
          trace.addMetadata(`${handlerName(request).slice(3)} response`, redactor(request.response));
        }
      }
    } catch (error) {
      report('recording the outcome', error);
    }
    const exported = endTrace(trace, outcome);
    if (!exported) {
      leaveInvocation(active);
      return undefined;
    }
    return exported.then(
      () => leaveInvocation(active),
      (error: unknown) => {
        report('ending the handler span', error);
        leaveInvocation(active);
      },
    );
  };

  // Durable functions: an invocation that suspends runs no after/onError; its span ends here.
  const finishSuspended = (request: unknown): Promise<void> | undefined => finish(request as Request, true);

  return {
    name: 'sdkCapture',
    before(request) {
      finishIfSuspended(request, finishSuspended);
      if (backend) return open(request, backend);
      // Only until the backend has loaded: the cold-start invocation waits for it.
      return loading.then((ready) => (ready ? open(request, ready) : undefined));
    },
    // Response streaming: the handler span ends after the streamed body's last byte.
    after(request) {
      return finishWhenInvocationEnds(request, finishSuspended, () => finish(request));
    },
    onError(request) {
      return claimInvocationEnd(request, finishSuspended) ? finish(request) : undefined;
    },
  };
}
