import { createSocket, type Socket } from 'node:dgram';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

// The daemon protocol AWS's OpenTelemetry distribution speaks in Lambda
// ("ADOT lite"): the X-Ray daemon header line, then `T1S` (sampled traces)
// and the base64 of an OTLP ExportTraceServiceRequest.
const HEADER = '{"format":"json","version":1}\n';
const SAMPLED_TRACES_PREFIX = 'T1S';
// A UDP datagram carries at most 65,507 bytes; base64 grows the payload by 4/3.
const MAX_PAYLOAD_BYTES = Math.floor((65_507 - HEADER.length - SAMPLED_TRACES_PREFIX.length) * 0.75) - 16;

/** `host:port`, or the X-Ray SDK's `udp:host:port tcp:host:port` form. Default `127.0.0.1:2000`. */
export function parseDaemonAddress(value: string | undefined): { host: string; port: number } {
  const fallback = { host: '127.0.0.1', port: 2000 };
  if (!value) return fallback;
  const udp = value.split(/\s+/).find((part) => part.startsWith('udp:')) ?? value.split(/\s+/)[0] ?? '';
  const address = udp.startsWith('udp:') ? udp.slice(4) : udp;
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) return fallback;
  return { host: address.slice(0, colon), port };
}

/**
 * Sends spans to the X-Ray daemon Lambda runs beside every traced function,
 * as OTLP over UDP: no network round trip inside the invocation. Batches too
 * large for one datagram are split.
 */
export class XrayDaemonUdpExporter implements SpanExporter {
  /** The daemon's host. */
  readonly host: string;
  /** The daemon's UDP port. */
  readonly port: number;
  #socket: Socket | undefined;

  /** `address`: `host:port`; default `AWS_XRAY_DAEMON_ADDRESS`, then `127.0.0.1:2000`. */
  constructor(address?: string) {
    ({ host: this.host, port: this.port } = parseDaemonAddress(
      address ?? process.env.AWS_XRAY_DAEMON_ADDRESS,
    ));
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    // Callbacks rather than promises: this runs once per invocation.
    this.#send(spans, (error) =>
      resultCallback(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS }),
    );
  }

  #send(spans: ReadableSpan[], done: (error?: Error) => void): void {
    if (spans.length === 0) {
      done();
      return;
    }
    let payload: Uint8Array | undefined;
    try {
      payload = ProtobufTraceSerializer.serializeRequest(spans);
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (!payload) {
      done(new Error('OTLP serialisation produced nothing'));
      return;
    }
    if (payload.byteLength > MAX_PAYLOAD_BYTES && spans.length > 1) {
      const half = Math.ceil(spans.length / 2);
      this.#send(spans.slice(0, half), (error) =>
        error ? done(error) : this.#send(spans.slice(half), done),
      );
      return;
    }
    const message = Buffer.from(
      `${HEADER}${SAMPLED_TRACES_PREFIX}${Buffer.from(payload).toString('base64')}`,
      'utf8',
    );
    try {
      this.#ensureSocket().send(message, this.port, this.host, (error) => {
        // A socket that failed once is not trusted again.
        if (error) this.#close();
        done(error ?? undefined);
      });
    } catch (error) {
      this.#close();
      done(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #ensureSocket(): Socket {
    if (!this.#socket) {
      const socket = createSocket('udp4');
      socket.on('error', () => this.#close());
      // Never keeps the process (or a frozen Lambda sandbox) alive.
      socket.unref();
      this.#socket = socket;
    }
    return this.#socket;
  }

  #close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close();
    } catch {
      // Already closed.
    }
  }

  async shutdown(): Promise<void> {
    this.#close();
  }

  async forceFlush(): Promise<void> {}
}
