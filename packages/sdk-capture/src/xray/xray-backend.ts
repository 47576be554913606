import xraySdk from 'aws-xray-sdk-core';
import { DaemonSocket } from '../daemon-socket.ts';
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
import type { Reporter } from '../report.ts';
import { createReporter } from '../report.ts';
import { formatTraceHeader, parseTraceHeader, type TraceContext } from '../trace-header.ts';
import { xrayFields } from './blocks.ts';
import { xrayCause } from './cause.ts';

type Segment = InstanceType<typeof xraySdk.Segment>;
type Subsegment = InstanceType<typeof xraySdk.Subsegment>;

/** The slice of a Powertools `Tracer` the X-Ray backend can keep in step with the handler span. */
export interface PowertoolsTracerLike {
  /** False turns the X-Ray backend off (Powertools' `POWERTOOLS_TRACE_ENABLED=false`). */
  isTracingEnabled(): boolean;
  /** The tracer's current segment, restored when the handler span ends. */
  getSegment(): unknown;
  /** Makes the handler span the tracer's current segment while the handler runs. */
  setSegment(segment: never): void;
}

/** Options of `xrayBackend` (`@lambda-sentinel/sdk-capture/xray`). */
export interface XrayBackendOptions {
  /**
   * Your Powertools `Tracer`: while an invocation runs, its current segment
   * is the handler subsegment, so `tracer.putAnnotation()` and friends in
   * handler code land there; `isTracingEnabled() === false` turns tracing off.
   * Build it with `captureHTTPsRequests: false`: Sentinel traces HTTP itself.
   */
  tracer?: PowertoolsTracerLike;
  /**
   * `host:port` of the X-Ray daemon. Default: `AWS_XRAY_DAEMON_ADDRESS`, as
   * Lambda sets it and the X-Ray SDK reads it at load. The adapter sends its
   * subsegments there itself; setting it also changes the SDK's address for
   * the whole process (its only public way), for other code using the SDK.
   */
  daemonAddress?: string;
}

// The X-Ray daemon protocol: a header line, then the segment document.
const DAEMON_HEADER = '{"format":"json","version":1}\n';

/** Where an invocation's handler subsegment goes when it ends. */
interface Emitter {
  socket: DaemonSocket;
  report: Reporter;
}

const OUTCOME_FLAGS: Record<Exclude<Outcome, 'ok'>, (s: Subsegment) => void> = {
  error: (s) => s.addErrorFlag(),
  fault: (s) => s.addFaultFlag(),
  throttle: (s) => {
    s.addErrorFlag();
    s.addThrottleFlag();
  },
};

/** One X-Ray subsegment; its `aws` / `http` / `sql` blocks are rendered from its attributes at `end()`. */
class XraySpan implements TraceSpan {
  readonly subsegment: Subsegment;
  readonly #kind: SpanKind;
  readonly #root: string;
  readonly #attributes: Record<string, SpanAttributes[string]> = {};
  #marked = false;
  #ended = false;

  constructor(subsegment: Subsegment, kind: SpanKind, root: string, attributes?: SpanAttributes) {
    this.subsegment = subsegment;
    this.#kind = kind;
    this.#root = root;
    if (attributes) this.setAttributes(attributes);
  }

  setAttributes(attributes: SpanAttributes): void {
    if (this.#ended) return;
    for (const [key, value] of Object.entries(attributes))
      if (value !== undefined) this.#attributes[key] = value;
  }

  recordError(error: RedactedError, outcome: Exclude<Outcome, 'ok'> = 'fault'): void {
    if (this.#ended) return;
    this.subsegment.addAttribute('cause', xrayCause(error));
    this.mark(outcome);
  }

  mark(outcome: Outcome): void {
    if (this.#marked || outcome === 'ok') return;
    this.#marked = true;
    OUTCOME_FLAGS[outcome](this.subsegment);
  }

  end(outcome: Outcome = 'ok'): void {
    if (this.#ended) return;
    this.mark(outcome);
    const { namespace, aws, http, sql } = xrayFields(this.#kind, this.#attributes);
    if (namespace) this.subsegment.namespace = namespace;
    if (aws) this.subsegment.addAttribute('aws', aws);
    if (http) this.subsegment.addAttribute('http', http);
    if (sql) this.subsegment.addSqlData(sql);
    this.#ended = true;
    this.subsegment.close();
  }

  traceHeader(): string {
    return formatTraceHeader(this.#root, this.subsegment.id, true);
  }
}

/** A span started after its invocation ended: records nothing. */
const INERT_SPAN: TraceSpan = {
  setAttributes: () => {},
  recordError: () => {},
  end: () => {},
  traceHeader: () => '',
};

/** True when `subsegment` and everything under it is closed: nothing in it can still be sent. */
function closedThroughout(subsegment: Subsegment): boolean {
  if (!subsegment.isClosed()) return false;
  for (const child of subsegment.subsegments ?? []) if (!closedThroughout(child)) return false;
  return true;
}

/**
 * Root segments of ended invocations, reused by the next ones. The SDK's `Segment` constructor
 * draws two random ids (a trace id and a segment id) that an invocation's root immediately
 * replaces with its trace header's `Root` and `Parent`: `crypto.randomBytes` costs 1–6 µs a call
 * (an OpenSSL lock and DRBG each time), the price of a root built per invocation. A root is
 * reused only once every subsegment it held is closed, so no late subsegment of one invocation
 * can ever be sent under the next one's trace id; one still open keeps its root to itself.
 */
class RootPool {
  // More than one root is free only after concurrent invocations (Lambda Managed Instances).
  static readonly MAX_FREE = 64;
  readonly #free: Segment[] = [];

  take(name: string, context: TraceContext): Segment {
    const reused = this.#free.pop();
    if (reused === undefined) {
      const root = new xraySdk.Segment(name, context.root);
      root.id = context.parent;
      return root;
    }
    // The fields the constructor sets per segment; the rest (service, origin, SDK data) are the process's.
    reused.name = name;
    reused.trace_id = context.root;
    reused.id = context.parent;
    reused.start_time = Date.now() / 1000;
    delete reused.subsegments;
    return reused;
  }

  /** Returns `root` for reuse if nothing under it is still open. */
  give(root: Segment): void {
    if (this.#free.length >= RootPool.MAX_FREE) return;
    for (const subsegment of root.subsegments ?? []) if (!closedThroughout(subsegment)) return;
    this.#free.push(root);
  }
}

class XrayInvocation implements InvocationTrace {
  readonly traceId: string;
  readonly handlerSpan: XraySpan;
  readonly #root: Segment;
  readonly #roots: RootPool;
  readonly #tracer: PowertoolsTracerLike | undefined;
  readonly #previousTracerSegment: unknown;
  readonly #emitter: Emitter;
  #ended = false;

  constructor(
    root: Segment,
    roots: RootPool,
    name: string,
    tracer: PowertoolsTracerLike | undefined,
    emitter: Emitter,
  ) {
    this.traceId = root.trace_id;
    this.#root = root;
    this.#roots = roots;
    this.#emitter = emitter;
    this.handlerSpan = new XraySpan(root.addNewSubsegment(name), 'internal', root.trace_id);
    this.#tracer = tracer;
    if (tracer) {
      this.#previousTracerSegment = tracer.getSegment();
      tracer.setSegment(this.handlerSpan.subsegment as never);
    }
  }

  startSpan(name: string, kind: SpanKind, attributes?: SpanAttributes, parent?: TraceSpan): TraceSpan {
    if (this.#ended) return INERT_SPAN;
    const parentSegment = parent instanceof XraySpan ? parent.subsegment : this.handlerSpan.subsegment;
    return new XraySpan(parentSegment.addNewSubsegment(name), kind, this.traceId, attributes);
  }

  annotate(key: string, value: AnnotationValue): void {
    if (!this.#ended) this.handlerSpan.subsegment.addAnnotation(key, value);
  }

  addMetadata(key: string, value: unknown, namespace?: string): void {
    if (!this.#ended) this.handlerSpan.subsegment.addMetadata(key, value, namespace);
  }

  recordError(error: RedactedError, outcome?: Exclude<Outcome, 'ok'>): void {
    this.handlerSpan.recordError(error, outcome);
  }

  end(outcome?: Outcome): void {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.handlerSpan.end(outcome);
      // Our root is never closed (Lambda emits the function segment), so the SDK does not stream
      // the handler subsegment by itself: send it, as its public flush() would, but over a socket
      // kept for the process (the SDK opens and closes one per send in Lambda).
      const { subsegment } = this.handlerSpan;
      if (subsegment.segment?.notTraced !== true && !subsegment.notTraced) {
        const message = Buffer.from(`${DAEMON_HEADER}${subsegment.format()}`, 'utf8');
        const { socket, report } = this.#emitter;
        socket.send(message, (error) => {
          if (error) report('sending the trace to the X-Ray daemon', error);
        });
      }
    } finally {
      if (this.#tracer && this.#previousTracerSegment !== undefined) {
        this.#tracer.setSegment(this.#previousTracerSegment as never);
      }
      this.#roots.give(this.#root);
    }
  }
}

/**
 * The X-Ray adapter: aws-xray-sdk-core through its public API only. Each
 * invocation gets a root `Segment` of its own, built from its trace header
 * (`Root` as trace id, `Parent` — Lambda's function segment — as id) and
 * never closed or emitted, so its subsegments attach to the function segment
 * Lambda emits. Nothing depends on the SDK's process-wide context or Lambda
 * facade, so concurrent invocations (Lambda Managed Instances) each keep
 * their own trace, and a second copy of the SDK in a bundle changes nothing.
 */
export function xrayBackend(options: XrayBackendOptions = {}): TraceBackend {
  if (options.daemonAddress) xraySdk.setDaemonAddress(options.daemonAddress);
  const { tracer } = options;
  const emitter: Emitter = { socket: new DaemonSocket(options.daemonAddress), report: createReporter() };
  const roots = new RootPool();
  return {
    name: 'xray',
    startInvocation(start: InvocationStart): InvocationTrace | undefined {
      if (process.env.AWS_XRAY_SDK_ENABLED === 'false') return undefined;
      if (tracer && !tracer.isTracingEnabled()) return undefined;
      const context = parseTraceHeader(start.traceHeader);
      if (!context?.sampled) return undefined;
      return new XrayInvocation(roots.take(start.name, context), roots, start.name, tracer, emitter);
    },
  };
}
