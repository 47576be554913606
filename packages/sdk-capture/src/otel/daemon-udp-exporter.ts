import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { DaemonSocket } from '../daemon-socket.ts';
import { encodeTraceRequest } from './otlp-encode.ts';

// The daemon protocol AWS's OpenTelemetry distribution speaks in Lambda
// ("ADOT lite"): the X-Ray daemon header line, then `T1S` (sampled traces)
// and the base64 of an OTLP ExportTraceServiceRequest.
const HEADER = '{"format":"json","version":1}\n';
const SAMPLED_TRACES_PREFIX = 'T1S';
const PREAMBLE = Buffer.from(`${HEADER}${SAMPLED_TRACES_PREFIX}`, 'latin1');
// A UDP datagram carries at most 65,507 bytes; base64 grows the payload by 4/3.
const MAX_PAYLOAD_BYTES = Math.floor((65_507 - HEADER.length - SAMPLED_TRACES_PREFIX.length) * 0.75) - 16;

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
  readonly #socket: DaemonSocket;

  /** `address`: `host:port`; default `AWS_XRAY_DAEMON_ADDRESS`, then `127.0.0.1:2000`. */
  constructor(address?: string) {
    this.#socket = new DaemonSocket(address);
    ({ host: this.host, port: this.port } = this.#socket);
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
      payload = encodeTraceRequest(spans);
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
    // The header and prefix are ASCII, and so is base64: one buffer, no intermediate copies.
    const base64 = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64');
    const message = Buffer.allocUnsafe(PREAMBLE.length + base64.length);
    PREAMBLE.copy(message, 0);
    message.write(base64, PREAMBLE.length, 'latin1');
    this.#socket.send(message, done);
  }

  async shutdown(): Promise<void> {
    this.#socket.close();
  }

  async forceFlush(): Promise<void> {}
}
