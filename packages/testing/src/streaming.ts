import { Writable } from 'node:stream';
import { type InvokeOptions, type InvokeResult, invoke } from './invoke.ts';

/**
 * A stand-in for the Lambda Node.js runtime's response streaming globals,
 * `awslambda.streamifyResponse` and `awslambda.HttpResponseStream`, which only the runtime
 * defines (Middy's `executionModeStreamifyResponse` calls them). It follows the runtime interface
 * client's documented behaviour: `streamifyResponse(fn)` marks `fn` as a streaming handler, which
 * the runtime then calls as `fn(event, responseStream, context)`; `HttpResponseStream.from(stream,
 * metadata)` sets the content type `application/vnd.awslambda.http-integration-response` and, just
 * before the first body write, writes the metadata as JSON followed by eight NUL bytes.
 */

/** The marker the runtime reads on a streaming handler. */
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER = new Uint8Array(8);

/** What the stand-in response stream received. */
export interface StreamedResponse {
  /** The content type set on the stream (`HttpResponseStream.from` sets the HTTP integration one). */
  contentType?: string;
  /** The HTTP metadata (`statusCode`, `headers`, `cookies`) written before the body, if any. */
  prelude?: Record<string, unknown>;
  /** Body bytes, after the prelude and its delimiter. */
  body: Buffer;
  /** True once the handler ended the stream. */
  ended: boolean;
}

/** One call of the runtime's response stream, for ordering checks. */
export type ResponseStreamEvent = 'first-body-byte' | 'end';

type WriteFn = (chunk: string | Uint8Array) => void;

class ResponseStandIn extends Writable {
  readonly received: StreamedResponse = { body: Buffer.alloc(0), ended: false };
  _onBeforeFirstWrite?: (write: WriteFn) => void;
  #raw: Buffer[] = [];
  #preludeDone = false;
  #sawBody = false;
  readonly onEvent: (event: ResponseStreamEvent) => void;

  constructor(onEvent: (event: ResponseStreamEvent) => void) {
    super();
    this.onEvent = onEvent;
  }

  setContentType(type: string): void {
    this.received.contentType = type;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#preludeDone) {
      this.#preludeDone = true;
      const hook = this._onBeforeFirstWrite;
      if (hook) {
        const parts: Buffer[] = [];
        hook((part) => parts.push(Buffer.from(part)));
        const text = parts[0]?.toString('utf8');
        if (text) this.received.prelude = JSON.parse(text) as Record<string, unknown>;
      }
    }
    if (chunk.length > 0 && !this.#sawBody) {
      this.#sawBody = true;
      this.onEvent('first-body-byte');
    }
    this.#raw.push(chunk);
    this.received.body = Buffer.concat(this.#raw);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.received.ended = true;
    this.onEvent('end');
    callback();
  }
}

/**
 * Installs the stand-in `awslambda.streamifyResponse` and `awslambda.HttpResponseStream` on
 * `globalThis.awslambda` (keeping what is there, such as the invoke store). Call it before
 * building a handler with Middy's streamify mode, which calls `streamifyResponse` at once.
 */
export function installStreamingRuntime(): void {
  const g = globalThis as unknown as { awslambda?: Record<string, unknown> };
  g.awslambda ??= {};
  g.awslambda.streamifyResponse ??= <T extends object>(handler: T): T => {
    (handler as Record<symbol, unknown>)[HANDLER_STREAMING] = 'response';
    return handler;
  };
  g.awslambda.HttpResponseStream ??= {
    from(stream: ResponseStandIn, metadata: Record<string, unknown>): ResponseStandIn {
      stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
      const json = JSON.stringify(metadata);
      stream._onBeforeFirstWrite = (write) => {
        write(json);
        write(DELIMITER);
      };
      return stream;
    },
  };
}

/** {@link invoke}'s result plus what the response stream received. */
export interface StreamingInvokeResult extends InvokeResult {
  /** What the handler wrote to the response stream. */
  response: StreamedResponse;
}

/**
 * Invokes a streaming handler (one made by `awslambda.streamifyResponse`, e.g. Middy with
 * `executionMode: executionModeStreamifyResponse`) as the runtime does: with the event, a
 * response stream (the stand-in above) and the context, in the environment {@link invoke} sets.
 * `onEvent` hears the stream's first body byte and its end, in order with everything else.
 */
export async function invokeStreaming(
  handler: (event: never, responseStream: never, context: never) => unknown,
  event: unknown,
  options: InvokeOptions & { onEvent?: (event: ResponseStreamEvent) => void } = {},
): Promise<StreamingInvokeResult> {
  const { onEvent = () => {}, ...invokeOptions } = options;
  const stream = new ResponseStandIn(onEvent);
  const result = await invoke(
    (e: unknown, context: unknown) => handler(e as never, stream as never, context as never),
    event,
    invokeOptions,
  );
  return { ...result, response: stream.received };
}
