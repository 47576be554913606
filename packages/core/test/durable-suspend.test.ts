import { describe, expect, it } from 'vitest';
import {
  claimInvocationEnd,
  finishIfSuspended,
  finishSuspendedInvocation,
  invocationState,
  isDurableSuspended,
  type RequestLike,
  type SuspendFinisher,
} from '../src/index.ts';

// The finisher registry behind sentinelDurableExecution(): what each middleware registers in
// `before` runs when its durable invocation ends suspended, instead of `after`.

// A durable invocation's request: its context is the durable SDK's, with `durableExecutionMode`.
const request = (): RequestLike => ({
  internal: {},
  context: { awsRequestId: 'req-1', durableExecutionMode: 'ExecutionMode' },
});

describe('finishSuspendedInvocation', () => {
  it('runs the registered finishers inside out (reverse of registration, as after runs), with the request', async () => {
    const req = request();
    const order: string[] = [];
    const seen: unknown[] = [];
    // Registered in `before` order: outermost middleware first.
    for (const name of ['outer', 'middle', 'inner']) {
      finishIfSuspended(req, (r) => {
        order.push(name);
        seen.push(r);
      });
    }
    expect(order).toEqual([]);
    expect(await finishSuspendedInvocation(req)).toBe(true);
    expect(order).toEqual(['inner', 'middle', 'outer']);
    expect(seen).toEqual([req, req, req]);
  });

  it('marks the invocation suspended before any finisher runs', async () => {
    const req = request();
    expect(isDurableSuspended(req)).toBe(false);
    expect(invocationState(req).durableSuspended).toBeUndefined();
    let during: boolean | undefined;
    finishIfSuspended(req, () => {
      during = invocationState(req).durableSuspended;
    });
    await finishSuspendedInvocation(req);
    expect(during).toBe(true);
    expect(isDurableSuspended(req)).toBe(true);
  });

  it('waits for each finisher before the next, and before it resolves', async () => {
    const req = request();
    const order: string[] = [];
    finishIfSuspended(req, () => void order.push('outer'));
    finishIfSuspended(req, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('inner (slow)');
    });
    await finishSuspendedInvocation(req);
    expect(order).toEqual(['inner (slow)', 'outer']);
  });

  it('isolates each finisher: one that throws or rejects never stops the next nor reaches the caller (rule 1)', async () => {
    const req = request();
    const order: string[] = [];
    finishIfSuspended(req, () => void order.push('outer'));
    finishIfSuspended(req, () => {
      order.push('throws');
      throw new Error('instrumentation failure');
    });
    finishIfSuspended(req, async () => {
      order.push('rejects');
      throw new Error('async instrumentation failure');
    });
    finishIfSuspended(req, () => {
      order.push('throws a non-error');
      throw 'a string';
    });
    await expect(finishSuspendedInvocation(req)).resolves.toBe(true);
    expect(order).toEqual(['throws a non-error', 'rejects', 'throws', 'outer']);
  });

  it('finishes an invocation at most once, also when asked again concurrently', async () => {
    const req = request();
    let runs = 0;
    finishIfSuspended(req, async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      runs++;
    });
    const results = await Promise.all([finishSuspendedInvocation(req), finishSuspendedInvocation(req)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await finishSuspendedInvocation(req)).toBe(false);
    expect(runs).toBe(1);
  });

  it('registers a finisher once per invocation, however often the same function is given', async () => {
    const req = request();
    let runs = 0;
    const finish: SuspendFinisher = () => void runs++;
    finishIfSuspended(req, finish);
    finishIfSuspended(req, finish);
    await finishSuspendedInvocation(req);
    expect(runs).toBe(1);
  });

  it('keeps invocations apart: finishing one runs none of another’s finishers (rule 2)', async () => {
    const a = request();
    const b = { internal: {}, context: { awsRequestId: 'req-2', durableExecutionMode: 'ExecutionMode' } };
    const ran: string[] = [];
    const finish: SuspendFinisher = (r) => void ran.push(r === a ? 'a' : 'b');
    finishIfSuspended(a, finish);
    finishIfSuspended(b, finish);
    await finishSuspendedInvocation(a);
    expect(ran).toEqual(['a']);
    expect(isDurableSuspended(b)).toBe(false);
    expect(claimInvocationEnd(b, finish)).toBe(true);
  });

  it('answers true with nothing registered, and false for a request that cannot carry state', async () => {
    expect(await finishSuspendedInvocation(request())).toBe(true);
    const frozen = Object.freeze({ context: {} }) as RequestLike;
    expect(await finishSuspendedInvocation(frozen)).toBe(false);
    expect(isDurableSuspended(frozen)).toBe(false);
  });
});

describe('claimInvocationEnd', () => {
  it('a chain that settles after its invocation was finished as suspended finishes nothing twice', async () => {
    const req = request();
    let runs = 0;
    const finish: SuspendFinisher = () => void runs++;
    finishIfSuspended(req, finish);
    await finishSuspendedInvocation(req);
    // The late `after` / `onError` asks first, and is told no.
    expect(claimInvocationEnd(req, finish)).toBe(false);
    // Also a middleware that never registered (its `before` did not run) finishes nothing then.
    expect(claimInvocationEnd(req, () => {})).toBe(false);
    expect(runs).toBe(1);
  });

  it('a middleware that finished in after is not finished again by a later suspension', async () => {
    const req = request();
    const ran: string[] = [];
    const finishedInAfter: SuspendFinisher = () => void ran.push('claimed');
    const other: SuspendFinisher = () => void ran.push('other');
    finishIfSuspended(req, other);
    finishIfSuspended(req, finishedInAfter);
    expect(claimInvocationEnd(req, finishedInAfter)).toBe(true);
    expect(await finishSuspendedInvocation(req)).toBe(true);
    expect(ran).toEqual(['other']);
  });

  it('answers true (finish as usual) without a registration or without usable state', () => {
    expect(claimInvocationEnd(request(), () => {})).toBe(true);
    expect(claimInvocationEnd(Object.freeze({ context: {} }) as RequestLike, () => {})).toBe(true);
  });
});

describe('finishIfSuspended outside durable functions', () => {
  it('registers nothing for an invocation whose context is not a durable one', async () => {
    const plain: RequestLike = { internal: {}, context: { awsRequestId: 'req-plain' } };
    const ran: string[] = [];
    finishIfSuspended(plain, () => void ran.push('finish'));
    expect([...invocationState(plain).slots.keys()]).toEqual([]);
    await finishSuspendedInvocation(plain);
    expect(ran).toEqual([]);
  });
});

describe('finishIfSuspended with hostile input', () => {
  it('never throws: not a function, a request that cannot carry state, a throwing getter', async () => {
    const req = request();
    expect(() => finishIfSuspended(req, undefined as never)).not.toThrow();
    expect(() => finishIfSuspended(req, 'finish' as never)).not.toThrow();
    expect(() => finishIfSuspended(req, { call: () => {} } as never)).not.toThrow();
    expect(() => finishIfSuspended(Object.freeze({ context: {} }) as RequestLike, () => {})).not.toThrow();
    const hostile = {
      get internal(): Record<string, unknown> {
        throw new Error('hostile');
      },
      context: {},
    } as RequestLike;
    expect(() => finishIfSuspended(hostile, () => {})).not.toThrow();
    await expect(finishSuspendedInvocation(hostile)).resolves.toBe(false);
    expect(claimInvocationEnd(hostile, () => {})).toBe(true);
    expect(isDurableSuspended(hostile)).toBe(false);
    // What was refused is not run later.
    await expect(finishSuspendedInvocation(req)).resolves.toBe(true);
  });
});
