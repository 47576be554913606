import { createSocket } from 'node:dgram';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTraceRequest, type OtlpSpan } from './otlp-decode.ts';
import { Waiters } from './waiters.ts';

export type { OtlpSpan, OtlpValue } from './otlp-decode.ts';

/** One OTLP/HTTP request as received. */
export interface OtlpHttpRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface OtlpReceiver {
  /** `127.0.0.1:PORT`: where the X-Ray daemon would listen (`AWS_XRAY_DAEMON_ADDRESS`); takes `T1S` OTLP datagrams. */
  readonly udpAddress: string;
  /** `http://127.0.0.1:PORT/v1/traces`: an OTLP/HTTP protobuf collector. */
  readonly httpUrl: string;
  /** Every span received, over either transport, in arrival order. */
  readonly spans: readonly OtlpSpan[];
  /** Every HTTP request (headers and raw body), e.g. to check a SigV4 signature. */
  readonly requests: readonly OtlpHttpRequest[];
  /** Payloads that did not decode, kept for debugging. */
  readonly malformed: readonly string[];
  /** Datagrams received (one per export over UDP). */
  readonly datagrams: readonly Buffer[];
  /** The spans of one trace, by X-Ray root id (`1-xxxxxxxx-<24 hex>`) or OpenTelemetry id (32 hex). */
  byTrace(traceId: string): OtlpSpan[];
  /** Resolves once `predicate(spans)` holds; rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: (spans: readonly OtlpSpan[]) => boolean, timeoutMs?: number): Promise<OtlpSpan[]>;
  /** The HTTP status the collector answers with (default 200), e.g. 503 to play a failing collector. */
  respondWith(status: number): void;
  clear(): void;
  close(): Promise<void>;
}

const DAEMON_HEADER = '{"format":"json","version":1}\n';

/** `1-5759e988-bd862e3fe1be46a994272793` → `5759e988bd862e3fe1be46a994272793`. */
export function otelTraceId(traceId: string): string {
  return traceId.startsWith('1-') ? traceId.slice(2).replace('-', '') : traceId;
}

/**
 * A local OpenTelemetry sink: a UDP port speaking the X-Ray daemon's OTLP
 * format (`{"format":"json","version":1}\nT1S<base64 protobuf>`, as AWS's
 * OpenTelemetry distribution sends it in Lambda) and an OTLP/HTTP endpoint,
 * both on 127.0.0.1, both decoding with OpenTelemetry's own protobuf
 * definitions.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const requests: OtlpHttpRequest[] = [];
  const malformed: string[] = [];
  const datagrams: Buffer[] = [];
  const waiters = new Waiters(
    'OTLP receiver',
    spans,
    () => `received ${spans.length} span(s): ${spans.map((span) => span.name).join(', ')}`,
  );
  let status = 200;

  const accept = (bytes: Uint8Array, raw: string): void => {
    try {
      spans.push(...decodeTraceRequest(bytes));
    } catch {
      malformed.push(raw.slice(0, 200));
    }
    waiters.notify();
  };

  const udp = createSocket('udp4');
  udp.on('message', (message) => {
    datagrams.push(message);
    const text = message.toString('utf8');
    if (!text.startsWith(DAEMON_HEADER) || !text.startsWith('T1', DAEMON_HEADER.length)) {
      malformed.push(text.slice(0, 200));
      return;
    }
    accept(Buffer.from(text.slice(DAEMON_HEADER.length + 3), 'base64'), text);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, '127.0.0.1', () => {
      udp.off('error', reject);
      resolve();
    });
  });

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      if (status === 200) accept(body, body.toString('base64'));
      res.statusCode = status;
      res.setHeader('content-type', 'application/x-protobuf');
      res.end();
    });
  });
  http.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => http.once('listening', resolve));
  const httpPort = (http.address() as AddressInfo).port;

  return {
    udpAddress: `127.0.0.1:${udp.address().port}`,
    httpUrl: `http://127.0.0.1:${httpPort}/v1/traces`,
    spans,
    requests,
    malformed,
    datagrams,
    byTrace: (traceId) => spans.filter((span) => span.traceId === otelTraceId(traceId)),
    waitFor: (predicate, timeoutMs) => waiters.waitFor(predicate, timeoutMs),
    respondWith(code) {
      status = code;
    },
    clear() {
      spans.length = 0;
      requests.length = 0;
      malformed.length = 0;
      datagrams.length = 0;
    },
    close: async () => {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
