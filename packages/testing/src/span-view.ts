import type { OtlpSpan, OtlpValue } from './otlp-decode.ts';
import type { TraceDocument } from './trace-document.ts';

/**
 * One span as X-Ray would show it, whichever backend sent it: an X-Ray
 * (sub)segment document as is, an OpenTelemetry span translated the way
 * X-Ray translates OTLP (client spans with `rpc.system=aws-api` are `aws`
 * subsegments, other client spans `remote`; attributes listed in
 * `aws.xray.annotations` are annotations; status ERROR with a 4xx status
 * code is an error, 429 a throttle, otherwise a fault). Lets one contract
 * test hold both tracing adapters to the same trace.
 */
export interface SpanView {
  id: string;
  parentId?: string;
  /** X-Ray root form, `1-xxxxxxxx-<24 hex>`. */
  traceId: string;
  name: string;
  namespace?: 'aws' | 'remote';
  annotations: Record<string, string | number | boolean>;
  /** AWS calls: the service and operation. */
  aws?: { service?: string; operation?: string; region?: string; tableName?: string; requestId?: string };
  http?: { method?: string; url?: string; status?: number };
  sql?: { databaseType?: string; query?: string; url?: string; user?: string };
  error: boolean;
  fault: boolean;
  throttle: boolean;
  /** Recorded exceptions, outermost first. */
  exceptions: { type?: string; message?: string }[];
  inProgress: boolean;
  /** Epoch seconds (fractional). */
  start?: number;
  end?: number;
  /** What was received, for assertions the view does not cover. */
  raw: TraceDocument | OtlpSpan;
}

type Obj = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** An X-Ray (sub)segment document (flattened by the collector) as a `SpanView`. */
export function spanFromXray(doc: TraceDocument): SpanView {
  const aws = doc.aws as Obj | undefined;
  const http = doc.http as { request?: Obj; response?: Obj } | undefined;
  const sql = doc.sql as Obj | undefined;
  const cause = doc.cause as { exceptions?: { type?: string; message?: string }[] } | undefined;
  const view: SpanView = {
    id: doc.id,
    traceId: doc.trace_id ?? '',
    name: doc.name,
    annotations: doc.annotations ?? {},
    error: doc.error === true,
    fault: doc.fault === true,
    throttle: doc.throttle === true,
    exceptions: (cause?.exceptions ?? []).map((e) => ({
      ...(e.type !== undefined ? { type: e.type } : {}),
      ...(e.message !== undefined ? { message: e.message } : {}),
    })),
    inProgress: doc.in_progress === true,
    raw: doc,
  };
  if (doc.parent_id) view.parentId = doc.parent_id;
  if (typeof doc.start_time === 'number') view.start = doc.start_time;
  if (typeof doc.end_time === 'number') view.end = doc.end_time;
  if (doc.namespace === 'aws' || doc.namespace === 'remote') view.namespace = doc.namespace;
  if (aws) {
    view.aws = strip({
      service: doc.name,
      operation: str(aws.operation),
      region: str(aws.region),
      tableName: str(aws.table_name),
      requestId: str(aws.request_id),
    });
  }
  if (http) {
    view.http = strip({
      method: str(http.request?.method),
      url: str(http.request?.url),
      status: num(http.response?.status),
    });
  }
  if (sql) {
    view.sql = strip({
      databaseType: str(sql.database_type),
      query: str(sql.sanitized_query),
      url: str(sql.url),
      user: str(sql.user),
    });
  }
  return view;
}

function strip<T extends Obj>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}

function xrayRoot(otelTraceId: string): string {
  return `1-${otelTraceId.slice(0, 8)}-${otelTraceId.slice(8)}`;
}

/** An OpenTelemetry span (from the OTLP receiver) as X-Ray would show it. */
export function spanFromOtlp(span: OtlpSpan): SpanView {
  const a = span.attributes;
  const listed = Array.isArray(a['aws.xray.annotations']) ? (a['aws.xray.annotations'] as OtlpValue[]) : [];
  const annotations: SpanView['annotations'] = {};
  for (const key of listed) {
    const value = typeof key === 'string' ? a[key] : undefined;
    if (
      typeof key === 'string' &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    ) {
      annotations[key] = value;
    }
  }
  const status = num(a['http.response.status_code']);
  const failed = span.status.code === 'error';
  const view: SpanView = {
    id: span.spanId,
    traceId: xrayRoot(span.traceId),
    name: span.name,
    annotations,
    error: failed && status !== undefined && status >= 400 && status <= 499,
    fault: failed && (status === undefined || status < 400 || status >= 500),
    throttle: failed && status === 429,
    exceptions: span.events
      .filter((event) => event.name === 'exception')
      .map((event) =>
        strip({
          type: str(event.attributes['exception.type']),
          message: str(event.attributes['exception.message']),
        }),
      ),
    inProgress: false,
    start: Number(span.startTimeUnixNano) / 1e9,
    end: Number(span.endTimeUnixNano) / 1e9,
    raw: span,
  };
  if (span.parentSpanId) view.parentId = span.parentSpanId;
  if (span.kind === 'client') view.namespace = a['rpc.system'] === 'aws-api' ? 'aws' : 'remote';
  if (a['rpc.system'] === 'aws-api') {
    const tables = a['aws.dynamodb.table_names'];
    view.aws = strip({
      service: str(a['rpc.service']),
      operation: str(a['rpc.method']),
      region: str(a['cloud.region']),
      tableName: Array.isArray(tables) && tables.length === 1 ? str(tables[0]) : undefined,
      requestId: str(a['aws.request_id']),
    });
  }
  if (a['http.request.method'] !== undefined || (status !== undefined && view.aws === undefined)) {
    view.http = strip({ method: str(a['http.request.method']), url: str(a['url.full']), status });
  } else if (status !== undefined) {
    view.http = { status };
  }
  if (a['db.system.name'] !== undefined) {
    view.sql = strip({
      databaseType: str(a['db.system.name']),
      query: str(a['db.query.text']),
      user: str(a['db.user']),
    });
  }
  return view;
}
