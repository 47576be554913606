import { startOtlpReceiver } from './otlp-receiver.ts';
import { type SpanView, spanFromOtlp, spanFromXray } from './span-view.ts';
import { startXRayCollector } from './xray-collector.ts';

/**
 * The receiving end of either tracing backend behind one interface, so one
 * contract test holds both adapters to the same trace: `xray` is the X-Ray
 * daemon's JSON segment protocol (`startXRayCollector`), `otel` the daemon's
 * OTLP datagrams (`startOtlpReceiver`). Point the backend at `address`.
 */
export interface TraceSink {
  readonly kind: 'xray' | 'otel';
  /** `127.0.0.1:PORT`: the daemon address for the backend. */
  readonly address: string;
  /** Every span of one trace, as X-Ray would show it. */
  spans(rootTraceId: string): SpanView[];
  /** Waits until the trace's handler span (named `handlerName`) has ended and at least `count` spans arrived. */
  trace(
    rootTraceId: string,
    count?: number,
    handlerName?: string,
  ): Promise<{ handler: SpanView; spans: SpanView[] }>;
  /** Everything received, serialised: for "no secret anywhere" checks. */
  raw(): string;
  /** How many spans (or segment documents) arrived in all. */
  count(): number;
  clear(): void;
  close(): Promise<void>;
}

const DEFAULT_HANDLER = '## index.handler';

export async function startTraceSink(kind: 'xray' | 'otel'): Promise<TraceSink> {
  let spans: (root: string) => SpanView[];
  let wait: (met: () => boolean) => Promise<unknown>;
  let rest: Pick<TraceSink, 'address' | 'raw' | 'count' | 'clear' | 'close'>;
  if (kind === 'xray') {
    const collector = await startXRayCollector();
    spans = (root) => collector.byTrace(root).map(spanFromXray);
    wait = (met) => collector.waitFor(met);
    rest = {
      address: collector.address,
      raw: () => JSON.stringify(collector.documents),
      count: () => collector.documents.length,
      clear: () => collector.clear(),
      close: () => collector.close(),
    };
  } else {
    const receiver = await startOtlpReceiver();
    spans = (root) => receiver.byTrace(root).map(spanFromOtlp);
    wait = (met) => receiver.waitFor(met);
    rest = {
      address: receiver.udpAddress,
      raw: () => JSON.stringify(receiver.spans, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
      count: () => receiver.spans.length,
      clear: () => receiver.clear(),
      close: () => receiver.close(),
    };
  }
  return {
    kind,
    ...rest,
    spans,
    async trace(root, count = 1, handlerName = DEFAULT_HANDLER) {
      const done = () => {
        const all = spans(root);
        return all.length >= count && all.some((span) => span.name === handlerName && !span.inProgress);
      };
      await wait(done);
      const all = spans(root);
      const handler = all.find((span) => span.name === handlerName);
      if (!handler) throw new Error(`no ${handlerName} span in trace ${root}`);
      return { handler, spans: all };
    },
  };
}

/** A sink for each tracing backend, for a test that runs with both; `close()` closes both. */
export interface TraceSinks {
  readonly xray: TraceSink;
  readonly otel: TraceSink;
  close(): Promise<void>;
}

/** Starts one {@link TraceSink} per backend: `sinks[backend]` is the one to point that backend at. */
export async function startTraceSinks(): Promise<TraceSinks> {
  const xray = await startTraceSink('xray');
  const otel = await startTraceSink('otel');
  return {
    xray,
    otel,
    async close() {
      await xray.close();
      await otel.close();
    },
  };
}
