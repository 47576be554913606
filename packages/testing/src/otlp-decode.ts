// The protobuf code OpenTelemetry JS generated from the official
// opentelemetry-proto definitions (shipped by @opentelemetry/otlp-transformer
// up to 0.57, aliased here as otlp-proto-definitions). Decoding with it checks
// what our exporters encode against OpenTelemetry's own schema, not ours.
import protoRoot from 'otlp-proto-definitions/build/src/generated/root.js';

/** An attribute or event value as decoded, flattened to plain JavaScript. */
export type OtlpValue = string | number | boolean | OtlpValue[] | { [key: string]: OtlpValue } | null;

/** One span of an OTLP ExportTraceServiceRequest, flattened with its resource and scope. */
export interface OtlpSpan {
  /** 32 hex. */
  traceId: string;
  /** 16 hex. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, OtlpValue>;
  events: { name: string; attributes: Record<string, OtlpValue> }[];
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  resource: Record<string, OtlpValue>;
  scope: string;
}

interface Decoded {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: RawSpan[] }[];
  }[];
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  /** Which member of the oneof is set. */
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | { toString(): string };
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: Uint8Array;
}
interface RawSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: number | { toString(): string };
  endTimeUnixNano: number | { toString(): string };
  attributes?: KeyValue[];
  events?: { name: string; attributes?: KeyValue[] }[];
  status?: { code?: number; message?: string };
}

const requestType = (
  protoRoot as unknown as {
    opentelemetry: {
      proto: {
        collector: {
          trace: { v1: { ExportTraceServiceRequest: { decode(bytes: Uint8Array): Decoded } } };
        };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const KINDS: OtlpSpan['kind'][] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS: OtlpSpan['status']['code'][] = ['unset', 'ok', 'error'];

function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '';
}

function value(any: AnyValue | undefined): OtlpValue {
  if (!any) return null;
  // The generated code names the set member of the `value` oneof.
  switch (any.value) {
    case 'stringValue':
      return any.stringValue ?? '';
    case 'boolValue':
      return any.boolValue ?? false;
    case 'intValue':
      return Number(any.intValue?.toString() ?? 0);
    case 'doubleValue':
      return any.doubleValue ?? 0;
    case 'arrayValue':
      return (any.arrayValue?.values ?? []).map(value);
    case 'kvlistValue':
      return attributes(any.kvlistValue?.values);
    case 'bytesValue':
      return Buffer.from(any.bytesValue ?? []).toString('base64');
    default:
      return null;
  }
}

function attributes(list: KeyValue[] | undefined): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  for (const kv of list ?? []) out[kv.key] = value(kv.value);
  return out;
}

/** Decodes an OTLP/protobuf `ExportTraceServiceRequest` into flat spans. Throws on malformed input. */
export function decodeTraceRequest(bytes: Uint8Array): OtlpSpan[] {
  const decoded = requestType.decode(bytes);
  const spans: OtlpSpan[] = [];
  for (const resourceSpans of decoded.resourceSpans ?? []) {
    const resource = attributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const parent = hex(span.parentSpanId);
        spans.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          ...(parent ? { parentSpanId: parent } : {}),
          name: span.name,
          kind: KINDS[span.kind] ?? 'unspecified',
          startTimeUnixNano: BigInt(span.startTimeUnixNano.toString()),
          endTimeUnixNano: BigInt(span.endTimeUnixNano.toString()),
          attributes: attributes(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name,
            attributes: attributes(event.attributes),
          })),
          status: {
            code: STATUS[span.status?.code ?? 0] ?? 'unset',
            ...(span.status?.message ? { message: span.status.message } : {}),
          },
          resource,
          scope: scopeSpans.scope?.name ?? '',
        });
      }
    }
  }
  return spans;
}
