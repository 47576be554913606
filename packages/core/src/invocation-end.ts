import { claimInvocationEnd, type SuspendFinisher } from './durable-suspend.ts';
import { deferUntilStreamEnds, type StreamingRequestLike } from './response-stream.ts';

/**
 * For a middleware's `after`: runs its end-of-invocation `finish` when the invocation is really
 * over. Not at all when the invocation was already finished as a suspended durable one (the
 * middleware's `finishSuspended`, registered with `finishIfSuspended`, ran instead); after the
 * last byte of a streamed response body, with the stream's error if it failed; otherwise now,
 * returning what `finish` returned (a promise `after` should hand back to Middy). The one place
 * the two ways an invocation ends late — suspension and streaming — meet, so every Sentinel
 * middleware ends the same way.
 */
export function finishWhenInvocationEnds<R extends void | Promise<void> | undefined>(
  request: StreamingRequestLike,
  finishSuspended: SuspendFinisher,
  finish: (error: unknown) => R,
): R | undefined {
  if (!claimInvocationEnd(request, finishSuspended)) return undefined;
  if (deferUntilStreamEnds(request, finish)) return undefined;
  return finish(undefined);
}
