import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { invocationState, type RequestLike } from './state.ts';

/**
 * Response streaming (Middy's `executionModeStreamifyResponse`, Lambda's
 * `awslambda.streamifyResponse`): Middy runs the `after` middlewares when the handler returns,
 * and only then writes its body to the response stream. A handler that returns a stream
 * (a Node `Readable` or a web `ReadableStream`, as the response or as its `body`) is still
 * sending when `after` runs, so the logger, metrics and tracing finish what they would finish
 * in `after` when that stream ends instead: the invocation's Duration covers the streaming,
 * the handler span ends after the last byte, and a stream that fails is reported as an error.
 */

/** Finishes a middleware's invocation work; `error` is set when the response stream failed. */
export type StreamEndFinisher = (error: unknown) => void | Promise<void>;

/** What a request carries in this module: Middy's `response` and `error` too. */
export interface StreamingRequestLike extends RequestLike {
  /** Middy's `request.response`: possibly a stream, or an object whose `body` is one. */
  response?: unknown;
  /** Middy's `request.error`, set here when the response stream fails. */
  error?: unknown;
}

const SLOT = '@lambda-sentinel/response-stream';

/** True for what Middy's streamify mode pipes as a body: a Node `Readable` or a web `ReadableStream`. */
function isStreamBody(value: unknown): value is Readable | ReadableStream {
  if (value === null || typeof value !== 'object') return false;
  try {
    if ('_readableState' in value) return true;
    // Web streams are checked by shape first and only then against the global class: importing
    // `node:stream/web` (or touching the global) loads every web stream module, ~5 ms of cold
    // start a function that never streams should not pay.
    return (
      typeof (value as ReadableStream).getReader === 'function' &&
      typeof (value as ReadableStream).pipeThrough === 'function' &&
      value instanceof globalThis.ReadableStream
    );
  } catch {
    return false;
  }
}

function streamOf(
  request: StreamingRequestLike,
): { body: Readable | ReadableStream; set(next: Readable): void } | undefined {
  const response = request.response;
  if (isStreamBody(response)) return { body: response, set: (next) => (request.response = next) };
  if (response !== null && typeof response === 'object') {
    const body = (response as { body?: unknown }).body;
    if (isStreamBody(body)) return { body, set: (next) => ((response as { body?: unknown }).body = next) };
  }
  return undefined;
}

async function runAll(
  request: StreamingRequestLike,
  finishers: StreamEndFinisher[],
  error: unknown,
): Promise<void> {
  if (error !== undefined) request.error ??= error;
  // In the order they were deferred: inner middlewares first, as `after` runs them.
  for (const finish of finishers) {
    try {
      await finish(error);
    } catch {
      // Rule 1: each middleware reports its own failures; one never stops the next.
    }
  }
}

/**
 * Call from `after`: when the response is a stream still to be sent (response streaming),
 * `finish` runs once it has been sent to the end (or has failed) and this returns true;
 * otherwise it returns false and the caller finishes now. The first middleware to defer wraps
 * the stream in a pass-through whose end runs every deferred `finish`, in the order deferred,
 * before the stream's end reaches Lambda. Never throws (rule 1): if the stream cannot be
 * wrapped it returns false.
 */
export function deferUntilStreamEnds(request: StreamingRequestLike, finish: StreamEndFinisher): boolean {
  try {
    const state = invocationState(request);
    const existing = state.slots.get(SLOT) as StreamEndFinisher[] | undefined;
    if (existing) {
      existing.push(finish);
      return true;
    }
    const target = streamOf(request);
    if (!target) return false;
    const finishers: StreamEndFinisher[] = [finish];
    let done = false;
    const finishOnce = (error: unknown): Promise<void> => {
      if (done) return Promise.resolve();
      done = true;
      return runAll(request, finishers, error);
    };
    const wrapper = new Transform({
      transform(chunk, _encoding, callback) {
        callback(null, chunk);
      },
      flush(callback) {
        finishOnce(undefined).then(() => callback(), callback);
      },
      destroy(error, callback) {
        finishOnce(error ?? new Error('response stream closed before its end')).then(
          () => callback(error),
          () => callback(error),
        );
      },
    });
    const body = target.body;
    // Node streams as isStreamBody knows them (by their state, whichever copy of `stream` made them).
    const source = '_readableState' in body ? (body as Readable) : Readable.fromWeb(body as ReadableStream);
    pipeline(source, wrapper, () => {});
    target.set(wrapper);
    state.slots.set(SLOT, finishers);
    return true;
  } catch {
    return false;
  }
}
