import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import {
  finishIfSuspended,
  finishSuspendedInvocation,
  finishWhenInvocationEnds,
  type StreamingRequestLike,
} from '../src/index.ts';

// The end of an invocation as a middleware's `after` sees it: now, after a streamed body, or not
// at all once the invocation was finished as a suspended durable one.

const durableRequest = (response?: unknown): StreamingRequestLike => ({
  internal: {},
  context: { awsRequestId: 'req-end', durableExecutionMode: 'ExecutionMode' },
  response,
});

describe('finishWhenInvocationEnds', () => {
  it('finishes now, without an error, and hands back what finish returned', async () => {
    const seen: unknown[] = [];
    const done = Promise.resolve();
    const returned = finishWhenInvocationEnds(
      durableRequest({ statusCode: 200 }),
      () => {},
      (error) => {
        seen.push(error);
        return done;
      },
    );
    expect(returned).toBe(done);
    expect(seen).toEqual([undefined]);
  });

  it('finishes after the last byte of a streamed body, and returns nothing meanwhile', async () => {
    const request = durableRequest(Readable.from(['a', 'b']));
    const seen: unknown[] = [];
    expect(
      finishWhenInvocationEnds(
        request,
        () => {},
        (error) => void seen.push(error),
      ),
    ).toBeUndefined();
    expect(seen).toEqual([]);
    expect(await text(request.response as Readable)).toBe('ab');
    expect(seen).toEqual([undefined]);
  });

  it('does not finish an invocation already finished as suspended, nor let a suspension finish it twice', async () => {
    const suspended = durableRequest();
    const ranSuspended: string[] = [];
    const finishSuspended = () => void ranSuspended.push('suspended');
    finishIfSuspended(suspended, finishSuspended);
    await finishSuspendedInvocation(suspended);
    let finished = false;
    expect(
      finishWhenInvocationEnds(suspended, finishSuspended, () => {
        finished = true;
      }),
    ).toBeUndefined();
    expect(finished).toBe(false);
    expect(ranSuspended).toEqual(['suspended']);

    // Finished in `after` first: a suspension reported later skips this middleware.
    const ended = durableRequest();
    const ranLate: string[] = [];
    const lateSuspended = () => void ranLate.push('suspended');
    finishIfSuspended(ended, lateSuspended);
    finishWhenInvocationEnds(ended, lateSuspended, () => void ranLate.push('after'));
    await finishSuspendedInvocation(ended);
    expect(ranLate).toEqual(['after']);
  });
});
