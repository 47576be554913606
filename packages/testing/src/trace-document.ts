/**
 * An X-Ray segment or subsegment document as the SDK emits it to the daemon
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html).
 * Only the fields the kit reads are typed; everything else is kept as sent.
 */
export interface TraceDocument {
  id: string;
  name: string;
  /** Root trace id `1-xxxxxxxx-y...`; set on every document `byTrace` returns. */
  trace_id?: string;
  /** The enclosing (sub)segment; set on every nested subsegment `byTrace` returns. */
  parent_id?: string;
  /** `'subsegment'` on subsegments sent on their own (what the SDK does in Lambda). */
  type?: string;
  start_time?: number;
  end_time?: number;
  in_progress?: boolean;
  namespace?: string;
  fault?: boolean;
  error?: boolean;
  throttle?: boolean;
  annotations?: Record<string, string | number | boolean>;
  metadata?: Record<string, unknown>;
  subsegments?: TraceDocument[];
  [field: string]: unknown;
}

function isDocument(value: unknown): value is TraceDocument {
  return typeof value === 'object' && value !== null && typeof (value as TraceDocument).id === 'string';
}

/**
 * Every (sub)segment in `docs` as one flat list: nested subsegments are
 * lifted out with `parent_id` (and the enclosing `trace_id`) filled in and
 * without their own `subsegments`. Documents streamed more than once (an
 * in-progress document followed by the completed one) are merged by id: a
 * completed version wins over an in-progress one, otherwise the later one.
 */
export function flattenDocuments(docs: readonly TraceDocument[]): TraceDocument[] {
  const byId = new Map<string, TraceDocument>();
  const visit = (doc: TraceDocument, parentId: string | undefined, traceId: string | undefined): void => {
    const { subsegments, ...own } = doc;
    const flat: TraceDocument = { ...own };
    const trace = flat.trace_id ?? traceId;
    if (trace !== undefined) flat.trace_id = trace;
    if (flat.parent_id === undefined && parentId !== undefined) flat.parent_id = parentId;
    const previous = byId.get(flat.id);
    if (!previous || previous.in_progress || !flat.in_progress) byId.set(flat.id, flat);
    for (const child of Array.isArray(subsegments) ? subsegments : []) {
      if (isDocument(child)) visit(child, flat.id, trace);
    }
  };
  for (const doc of docs) visit(doc, undefined, undefined);
  return [...byId.values()];
}

export { isDocument };
