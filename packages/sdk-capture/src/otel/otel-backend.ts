import {
  type Attributes,
  type Context,
  defaultTextMapSetter,
  SpanKind as OtelSpanKind,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { withoutHttpCapture } from '../active-trace.ts';
import { ATTR } from '../attributes.ts';
import type {
  AnnotationValue,
  InvocationStart,
  InvocationTrace,
  Outcome,
  RedactedError,
  SpanAttributes,
  SpanKind,
  TraceBackend,
  TraceSpan,
} from '../port.ts';
import { createReporter } from '../report.ts';
import { parseTraceHeader } from '../trace-header.ts';
import { XrayDaemonUdpExporter } from './daemon-udp-exporter.ts';
import { type AwsCredentials, OtlpHttpExporter } from './otlp-http-exporter.ts';

/** Where the `otel` backend sends spans. */
export type OtelExporterChoice = 'xray-udp' | 'otlp-http' | 'xray-otlp';

/** Options of `otelBackend` (`@lambda-sentinel/sdk-capture/otel`); all have defaults from the environment. */
export interface OtelBackendOptions {
  /**
   * - `xray-udp` (default): OTLP over UDP to the X-Ray daemon Lambda runs
   *   beside the function (`AWS_XRAY_DAEMON_ADDRESS`) — no network round trip;
   * - `otlp-http`: OTLP/HTTP protobuf to a collector, e.g. the ADOT or
   *   OpenTelemetry Collector layer on `http://localhost:4318/v1/traces`;
   * - `xray-otlp`: SigV4-signed OTLP/HTTP to X-Ray's OTLP endpoint
   *   (`https://xray.<region>.amazonaws.com/v1/traces`; needs Transaction Search
   *   and `xray:PutSpans`);
   * - any OpenTelemetry `SpanExporter`.
   *
   * Default: `SENTINEL_OTEL_EXPORTER`, then `xray-udp`.
   */
  exporter?: OtelExporterChoice | SpanExporter;
  /**
   * Where to: `host:port` for `xray-udp` (default `AWS_XRAY_DAEMON_ADDRESS`);
   * the traces URL for `otlp-http` (default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
   * then `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`, then localhost:4318) and
   * for `xray-otlp` (default the regional X-Ray endpoint).
   */
  endpoint?: string;
  /** Region of the X-Ray OTLP endpoint and of the resource. Default `AWS_REGION`. */
  region?: string;
  /** Credentials for `xray-otlp`. Default: the function's role, from the environment. */
  credentials?: () => Promise<AwsCredentials>;
  /** `service.name` of the resource. Default `OTEL_SERVICE_NAME`, `POWERTOOLS_SERVICE_NAME`, then the function name. */
  serviceName?: string;
  /** How long an invocation waits for its spans to be exported. Default 2000 ms. */
  exportTimeoutMs?: number;
}

const EXPORTERS: readonly OtelExporterChoice[] = ['xray-udp', 'otlp-http', 'xray-otlp'];
// Spans kept between exports at most (late spans of concurrent invocations included).
const MAX_BUFFERED_SPANS = 4096;
const MAX_METADATA_LENGTH = 4096;

const propagator = new AWSXRayPropagator();

/** Collects ended spans until the invocation that owns them exports. */
class SpanBuffer implements SpanProcessor {
  #spans: ReadableSpan[] = [];
  dropped = 0;

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.#spans.length < MAX_BUFFERED_SPANS) this.#spans.push(span);
    else this.dropped++;
  }

  drain(): ReadableSpan[] {
    const spans = this.#spans;
    this.#spans = [];
    return spans;
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}

function otelAttributes(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) out[key] = value as Attributes[string];
  }
  return out;
}

/** `1-5759e988-bd862e3fe1be46a994272793` from an OpenTelemetry trace id. */
function xrayTraceId(otelTraceId: string): string {
  return `1-${otelTraceId.slice(0, 8)}-${otelTraceId.slice(8)}`;
}

class OtelSpan implements TraceSpan {
  readonly span: Span;
  #failed = false;
  #ended = false;

  constructor(span: Span) {
    this.span = span;
  }

  setAttributes(attributes: SpanAttributes): void {
    if (!this.#ended) this.span.setAttributes(otelAttributes(attributes));
  }

  recordError(error: RedactedError, _outcome?: Exclude<Outcome, 'ok'>): void {
    if (this.#ended) return;
    // One `exception` event per error of the cause chain, outermost first.
    for (
      let current: RedactedError | undefined = error, n = 0;
      current && n < 6;
      current = current.cause, n++
    ) {
      this.span.recordException({
        name: current.name,
        message: current.message,
        ...(current.stack ? { stack: current.stack } : {}),
      });
    }
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    this.#failed = true;
  }

  end(outcome: Outcome = 'ok'): void {
    if (this.#ended) return;
    this.#ended = true;
    // X-Ray tells error from fault by http.response.status_code (4xx / 5xx or none).
    if (outcome !== 'ok' && !this.#failed) this.span.setStatus({ code: SpanStatusCode.ERROR });
    this.span.end();
  }

  traceHeader(): string {
    const carrier: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, this.span), carrier, defaultTextMapSetter);
    return carrier['x-amzn-trace-id'] ?? '';
  }
}

const INERT_SPAN: TraceSpan = {
  setAttributes: () => {},
  recordError: () => {},
  end: () => {},
  traceHeader: () => '',
};

const OTEL_KIND: Record<SpanKind, OtelSpanKind> = {
  client: OtelSpanKind.CLIENT,
  internal: OtelSpanKind.INTERNAL,
};

class OtelInvocation implements InvocationTrace {
  readonly traceId: string;
  readonly handlerSpan: OtelSpan;
  readonly #tracer: Tracer;
  readonly #flush: () => Promise<void> | undefined;
  readonly #annotationKeys = new Set<string>();
  #ended = false;

  constructor(
    tracer: Tracer,
    parent: Context,
    start: InvocationStart,
    flush: () => Promise<void> | undefined,
  ) {
    this.#tracer = tracer;
    this.#flush = flush;
    const span = tracer.startSpan(
      start.name,
      { kind: OtelSpanKind.INTERNAL, attributes: otelAttributes(start.attributes ?? {}) },
      parent,
    );
    this.handlerSpan = new OtelSpan(span);
    this.traceId = xrayTraceId(span.spanContext().traceId);
  }

  startSpan(name: string, kind: SpanKind, attributes?: SpanAttributes, parent?: TraceSpan): TraceSpan {
    if (this.#ended) return INERT_SPAN;
    const parentSpan = parent instanceof OtelSpan ? parent.span : this.handlerSpan.span;
    const span = this.#tracer.startSpan(
      name,
      { kind: OTEL_KIND[kind], attributes: otelAttributes(attributes ?? {}) },
      trace.setSpan(ROOT_CONTEXT, parentSpan),
    );
    return new OtelSpan(span);
  }

  annotate(key: string, value: AnnotationValue): void {
    if (this.#ended) return;
    this.handlerSpan.span.setAttribute(key, value);
    this.#annotationKeys.add(key);
  }

  addMetadata(key: string, value: unknown, namespace?: string): void {
    if (this.#ended) return;
    const serialised = typeof value === 'string' ? value : JSON.stringify(value);
    if (serialised === undefined) return;
    this.handlerSpan.span.setAttribute(
      namespace ? `${namespace}.${key}` : key,
      serialised.length > MAX_METADATA_LENGTH ? `${serialised.slice(0, MAX_METADATA_LENGTH)}…` : serialised,
    );
  }

  recordError(error: RedactedError, outcome?: Exclude<Outcome, 'ok'>): void {
    if (!this.#ended) this.handlerSpan.recordError(error, outcome);
  }

  end(outcome?: Outcome): Promise<void> | undefined {
    if (this.#ended) return undefined;
    this.#ended = true;
    if (this.#annotationKeys.size > 0) {
      this.handlerSpan.span.setAttribute(ATTR.xrayAnnotations, [...this.#annotationKeys]);
    }
    this.handlerSpan.end(outcome);
    return this.#flush();
  }
}

function chooseExporter(options: OtelBackendOptions): SpanExporter {
  const choice = options.exporter ?? (process.env.SENTINEL_OTEL_EXPORTER || 'xray-udp');
  if (typeof choice === 'object') return choice;
  const env = process.env;
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const timeoutMs = options.exportTimeoutMs ?? 2000;
  switch (choice) {
    case 'xray-udp':
      return new XrayDaemonUdpExporter(options.endpoint);
    case 'otlp-http': {
      const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
      const url =
        options.endpoint ??
        env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (base ? `${base}/v1/traces` : 'http://localhost:4318/v1/traces');
      return new OtlpHttpExporter({ url, timeoutMs });
    }
    case 'xray-otlp': {
      if (!region) throw new TypeError('otel.region: the X-Ray OTLP endpoint needs a region (or AWS_REGION)');
      return new OtlpHttpExporter({
        url: options.endpoint ?? `https://xray.${region}.amazonaws.com/v1/traces`,
        sigv4Region: region,
        timeoutMs,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
    }
    default:
      throw new TypeError(
        `otel.exporter: expected one of ${EXPORTERS.join(', ')} or a SpanExporter; got ${JSON.stringify(choice)}`,
      );
  }
}

/** The OpenTelemetry resource of a Lambda function (https://opentelemetry.io/docs/specs/semconv/resource/faas/). */
function lambdaResource(options: OtelBackendOptions) {
  const env = process.env;
  const attributes: Attributes = {
    'service.name':
      options.serviceName ??
      env.OTEL_SERVICE_NAME ??
      env.POWERTOOLS_SERVICE_NAME ??
      env.AWS_LAMBDA_FUNCTION_NAME ??
      'lambda',
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
    // X-Ray parses stack traces by language.
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
  };
  const region = options.region ?? env.AWS_REGION;
  if (region) attributes['cloud.region'] = region;
  if (env.AWS_LAMBDA_FUNCTION_NAME) attributes['faas.name'] = env.AWS_LAMBDA_FUNCTION_NAME;
  if (env.AWS_LAMBDA_FUNCTION_VERSION) attributes['faas.version'] = env.AWS_LAMBDA_FUNCTION_VERSION;
  if (env.AWS_LAMBDA_LOG_GROUP_NAME) attributes['aws.log.group.names'] = [env.AWS_LAMBDA_LOG_GROUP_NAME];
  return resourceFromAttributes(attributes);
}

/**
 * The OpenTelemetry adapter: OpenTelemetry JS's SDK, with the AWS X-Ray
 * propagator writing the outbound `X-Amzn-Trace-Id`. Each invocation's handler span is a child of the function
 * segment Lambda started (the trace header's `Parent`), so its spans join
 * the X-Ray trace; annotations become attributes listed in
 * `aws.xray.annotations`. An invocation exports its spans — and any that
 * ended late in other invocations — before its `end()` resolves, so nothing
 * waits in a frozen sandbox. Export failures are reported once and never
 * reach the handler. Registers nothing globally: the OpenTelemetry API's
 * global tracer provider and context manager stay yours.
 */
export function otelBackend(options: OtelBackendOptions = {}): TraceBackend {
  const exporter = chooseExporter(options);
  const timeoutMs = options.exportTimeoutMs ?? 2000;
  const buffer = new SpanBuffer();
  const report = createReporter();
  const provider = new TracerProvider({ resource: lambdaResource(options), spanProcessors: [buffer] });
  const tracer = provider.getTracer('@lambda-sentinel/sdk-capture');

  // Our exporters bound their own time (a datagram send, a fetch with a timeout); only an
  // exporter of yours gets a timer per export, so a hung one cannot hold the invocation.
  const ownExporter = exporter instanceof XrayDaemonUdpExporter || exporter instanceof OtlpHttpExporter;
  const flush = (): Promise<void> | undefined => {
    const spans = buffer.drain();
    if (spans.length === 0) return undefined;
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) report('exporting spans', error);
        resolve();
      };
      if (!ownExporter) {
        timer = setTimeout(
          () => finish(new Error(`export did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        );
        timer.unref();
      }
      try {
        withoutHttpCapture(() => exporter.export(spans, (result) => finish(result.error)));
      } catch (error) {
        finish(error);
      }
    });
  };

  return {
    name: 'otel',
    startInvocation(start: InvocationStart): InvocationTrace | undefined {
      // The same parser and gate as the X-Ray adapter (size cap, a Parent to attach to, sampled);
      // the remote parent is the function segment Lambda started.
      const header = parseTraceHeader(start.traceHeader);
      if (!header?.sampled) return undefined;
      const parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: header.root.slice(2).replace('-', ''),
        spanId: header.parent,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });
      return new OtelInvocation(tracer, parent, start, flush);
    },
  };
}
