/**
 * The tracing port: the small interface every capture (handler span, AWS SDK
 * v3, HTTP, SQL) and `@lambda-sentinel/trace-annotations` speak to. Two
 * adapters implement it — `xray` (aws-xray-sdk-core, public API only) and
 * `otel` (OpenTelemetry JS) — and no capture code imports either vendor SDK.
 *
 * Attribute keys are OpenTelemetry semantic-convention names (`rpc.service`,
 * `http.request.method`, `url.full`, `db.query.text`...): a neutral
 * vocabulary the `otel` adapter exports as is and the `xray` adapter maps to
 * X-Ray's `aws`, `http` and `sql` blocks, as the AWS X-Ray exporter of the
 * OpenTelemetry Collector does.
 */

/** A value X-Ray can index as an annotation and OpenTelemetry can carry as an attribute. */
export type AnnotationValue = string | number | boolean;

/** Span attributes; `undefined` values are skipped. */
export type SpanAttributes = Readonly<Record<string, AnnotationValue | readonly string[] | undefined>>;

/**
 * `client`: a call that leaves the function (AWS SDK, HTTP, SQL) — an X-Ray
 * `remote` or `aws` subsegment, an OpenTelemetry CLIENT span. `internal`:
 * work inside the function.
 */
export type SpanKind = 'client' | 'internal';

/**
 * How a span or invocation ended, in X-Ray's terms: `error` is a client-side
 * failure (4xx, a refused caller), `fault` a server-side one (5xx, an
 * exception), `throttle` a 429 (also an error).
 */
export type Outcome = 'ok' | 'error' | 'fault' | 'throttle';

/**
 * An error as it may be recorded: already passed through the redactor.
 * Build one with `redactError()`; never hand a raw error to a trace.
 */
export interface RedactedError {
  /** The error's name (or its `code` when more telling). */
  name: string;
  /** The message, redacted. */
  message: string;
  /** The stack, redacted; frames only, no source lines. */
  stack?: string;
  /** The redacted `cause`, a few levels deep at most. */
  cause?: RedactedError;
}

/** One unit of traced work inside an invocation. */
export interface TraceSpan {
  /** Adds or replaces attributes (semantic-convention keys). Ignored after `end()`. */
  setAttributes(attributes: SpanAttributes): void;
  /** Records a (redacted) error on the span and marks it with `outcome` (default `fault`). */
  recordError(error: RedactedError, outcome?: Exclude<Outcome, 'ok'>): void;
  /** Ends the span; `outcome` marks it unless an error already did. Idempotent. */
  end(outcome?: Outcome): void;
  /**
   * The `X-Amzn-Trace-Id` value a downstream call made within this span
   * carries, so the callee joins this trace under this span.
   */
  traceHeader(): string;
}

/** The trace of one invocation: its handler span and everything under it. */
export interface InvocationTrace {
  /** The X-Ray root id, `1-xxxxxxxx-<24 hex>`. */
  readonly traceId: string;
  /** The handler span; the default parent of every span started in this invocation. */
  readonly handlerSpan: TraceSpan;
  /** Starts a span under `parent` (default: the handler span). After `end()`, returns an inert span. */
  startSpan(name: string, kind: SpanKind, attributes?: SpanAttributes, parent?: TraceSpan): TraceSpan;
  /**
   * A searchable key on the handler span: an X-Ray annotation, an
   * OpenTelemetry attribute listed in `aws.xray.annotations`. Keys and
   * values are shaped to X-Ray's limits by the caller.
   */
  annotate(key: string, value: AnnotationValue): void;
  /** Non-indexed data on the handler span (X-Ray metadata, an OpenTelemetry attribute). */
  addMetadata(key: string, value: unknown, namespace?: string): void;
  /** Records the invocation's (redacted) error on the handler span. */
  recordError(error: RedactedError, outcome?: Exclude<Outcome, 'ok'>): void;
  /**
   * Ends the handler span and sends the invocation's spans on their way. An
   * adapter that must wait for them to leave the process (Lambda may freeze
   * it right after the response) returns a promise that resolves then and
   * never rejects; one whose sending needs no waiting returns nothing.
   * Idempotent.
   */
  end(outcome?: Outcome): Promise<void> | void;
}

/** What an adapter needs to start an invocation's trace. */
export interface InvocationStart {
  /** The invocation's `X-Amzn-Trace-Id` (`Root=...;Parent=...;Sampled=1`); undefined when Lambda gave none. */
  traceHeader: string | undefined;
  /** The handler span's name, e.g. `## index.handler`. */
  name: string;
  /** Facts about the invocation (`faas.invocation_id`, `faas.coldstart`, ...). */
  attributes?: SpanAttributes;
}

/**
 * A tracing backend. `startInvocation` returns undefined when the invocation
 * is not traced (no header, not sampled, backend disabled): capture then
 * records nothing and costs next to nothing.
 */
export interface TraceBackend {
  /** `xray`, `otel`, or a custom backend's name. */
  readonly name: string;
  /** Opens the trace of one invocation; undefined when it is not traced. */
  startInvocation(start: InvocationStart): InvocationTrace | undefined;
}
