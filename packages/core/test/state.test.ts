import { invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as core from '../src/index.ts';
import {
  currentInvocationState,
  type InvocationState,
  invocationState,
  recordSecurityEvent,
  type SecurityEvent,
} from '../src/index.ts';

// state.ts keeps process-level facts (has this process served an invocation
// yet, events recorded at init). A test about the cold process imports a fresh
// copy of the module (`coldCore`), so no test depends on which ran before it.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  coldStart: boolean;
  requestId: string | undefined;
  events: SecurityEvent[];
  redactions: Record<string, number>;
  sameStateInHandler: boolean;
}

type Core = typeof core;

/** A fresh copy of core's modules: a process that has served no invocation and recorded nothing. */
async function coldCore(): Promise<Core> {
  vi.resetModules();
  return import('../src/index.ts');
}

/** A Middy handler whose middleware reads the state in `after`, the way the logger and metrics do. */
function observed(
  handlerBody: (event: { n: number }) => Promise<void>,
  { invocationState, currentInvocationState } = core,
) {
  let handlerState: InvocationState | undefined;
  return middy(async (event: { n: number }) => {
    handlerState = currentInvocationState();
    await handlerBody(event);
    return { handlerState: currentInvocationState() };
  }).use({
    before: (request) => {
      invocationState(request);
    },
    after: (request) => {
      const state = invocationState(request);
      const response = request.response as { handlerState?: InvocationState };
      const seen: Seen = {
        coldStart: state.coldStart,
        requestId: state.requestId,
        events: [...state.securityEvents],
        redactions: { ...state.redactions },
        sameStateInHandler: response.handlerState === state && handlerState !== undefined,
      };
      request.response = seen;
    },
  });
}

describe('per-invocation state', () => {
  it('carries events recorded at init into the first invocation only, and marks only it cold', async () => {
    const cold = await coldCore();
    const { currentInvocationState, recordSecurityEvent } = cold;
    expect(currentInvocationState()).toBeUndefined();
    const atInit = recordSecurityEvent({
      type: 'guard_violation',
      message: 'recorded at init',
      recordedBy: 'init',
    });
    expect(atInit.duringInit).toBe(true);

    const handler = observed(async () => {
      recordSecurityEvent({ type: 'source_rejected', severity: 'high', message: 'in first' });
    }, cold);
    const first = (await invoke(handler, { n: 0 })).result as Seen;
    expect(first.coldStart).toBe(true);
    expect(first.events.map((e) => [e.type, e.duringInit ?? false])).toEqual([
      ['guard_violation', true],
      ['source_rejected', false],
    ]);

    const second = (await invoke(handler, { n: 1 })).result as Seen;
    expect(second.coldStart).toBe(false);
    expect(second.events.map((e) => e.type)).toEqual(['source_rejected']);

    const batch = await invokeConcurrently(handler, [{ n: 2 }, { n: 3 }]);
    expect(batch.map((r) => (r.result as Seen).coldStart)).toEqual([false, false]);
  });

  it('isolates 50 interleaved invocations: each middleware sees only its own events and redactions', async () => {
    // A fresh copy: no state an earlier test left current outside the invoke store.
    const cold = await coldCore();
    const { recordSecurityEvent, countRedactions, currentInvocationState } = cold;
    const events = Array.from({ length: 50 }, (_, n) => ({ n }));
    const handler = observed(async ({ n }) => {
      // Records from handler code (no request), with awaits between, so the
      // invocations' steps interleave.
      for (let i = 0; i <= n % 4; i++) {
        await sleep((n * 7 + i * 3) % 5);
        recordSecurityEvent({ type: 'secret_redacted', message: `event ${i}`, detail: { n, i } });
        countRedactions({ jwt: 1, email: n });
      }
    }, cold);
    // Warm first: the cold start belongs to an earlier invocation.
    await invoke(
      observed(async () => {}, cold),
      { n: -1 },
    );
    const results = await invokeConcurrently(handler, events);

    for (const [n, outcome] of results.entries()) {
      expect(outcome.error).toBeUndefined();
      const seen = outcome.result as Seen;
      expect(seen.requestId).toBe(outcome.requestId);
      expect(seen.sameStateInHandler).toBe(true);
      expect(seen.coldStart).toBe(false);
      const count = (n % 4) + 1;
      expect(seen.events.map((e) => e.detail)).toEqual(Array.from({ length: count }, (_, i) => ({ n, i })));
      expect(seen.redactions).toEqual(n === 0 ? { jwt: count } : { jwt: count, email: n * count });
    }
    expect(currentInvocationState()).toBeUndefined();
  });

  it('keeps events recorded before any middleware touched the state in their own invocation (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 12 }), async (delays) => {
        // No middleware at all: handler code is the first to touch the state.
        const plain = async (event: { n: number; delay: number }) => {
          await sleep(event.delay);
          recordSecurityEvent({ type: 'budget_exceeded', message: 'plain', detail: { n: event.n } });
          await sleep(4 - event.delay);
          return currentInvocationState()?.securityEvents.map((e) => e.detail.n);
        };
        const results = await invokeConcurrently(
          plain,
          delays.map((delay, n) => ({ n, delay })),
        );
        results.forEach((outcome, n) => {
          expect(outcome.result).toEqual([n]);
        });
        // And nothing leaked into a later invocation as an "init" event.
        const next = (await invoke(
          observed(async () => {}),
          { n: 0 },
        )) as { result: Seen };
        expect(next.result.events).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it('gives a middleware the same state as the request hand-off, across before, after and onError', async () => {
    const states: InvocationState[] = [];
    const handler = middy(async () => {
      recordSecurityEvent({ type: 'guard_violation', message: 'then fails' });
      throw new Error('handler failed');
    }).use({
      before: (request) => {
        states.push(invocationState(request));
      },
      onError: (request) => {
        states.push(invocationState(request));
      },
    });
    const outcome = await invoke(handler, {});
    expect((outcome.error as Error).message).toBe('handler failed');
    expect(states[0]).toBe(states[1]);
    expect(states[0]?.securityEvents.map((e) => e.type)).toEqual(['guard_violation']);
    expect(states[0]?.requestId).toBe(outcome.requestId);
  });

  it('records against an explicit request even with no invoke store context', () => {
    const request = { internal: {}, context: { awsRequestId: 'explicit' } };
    recordSecurityEvent({ type: 'source_rejected', message: 'explicit' }, request);
    const state = invocationState(request);
    expect(state.requestId).toBe('explicit');
    expect(state.securityEvents.map((e) => e.message)).toEqual(['explicit']);
  });

  it('caps the events kept per invocation', async () => {
    const handler = observed(async () => {
      for (let i = 0; i < 150; i++) recordSecurityEvent({ type: 'guard_violation', message: `${i}` });
    });
    expect(((await invoke(handler, { n: 0 })).result as Seen).events).toHaveLength(100);
  });
});

describe('recordSecurityEvent input', () => {
  it('normalises: default severity, flat primitive detail only, time stamped', () => {
    const before = Date.now();
    const event = recordSecurityEvent(
      {
        type: 'secret_redacted',
        message: 'a secret was redacted',
        detail: {
          family: 'jwt',
          count: 2,
          ok: true,
          gone: undefined,
          nested: { a: 1 } as never,
          fn: (() => 1) as never,
        },
      },
      { internal: {} },
    );
    expect(event).toMatchObject({
      type: 'secret_redacted',
      severity: 'medium',
      message: 'a secret was redacted',
    });
    expect(event.detail).toEqual({ family: 'jwt', count: 2, ok: true, gone: undefined });
    expect(event.time).toBeGreaterThanOrEqual(before);
  });

  it('throws a clear TypeError for malformed events', () => {
    const request = { internal: {} };
    const record = (input: unknown) => () => recordSecurityEvent(input as never, request);
    expect(record(null)).toThrow(new TypeError('recordSecurityEvent: expected an object'));
    expect(record('source_rejected')).toThrow(TypeError);
    expect(record({ type: 'Source Rejected', message: 'x' })).toThrow(/type must be snake_case/);
    expect(record({ type: `a${'b'.repeat(64)}`, message: 'x' })).toThrow(/at most 64 characters/);
    expect(record({ message: 'no type' })).toThrow(/type must be snake_case/);
    expect(record({ type: 'ok_type', severity: 'urgent', message: 'x' })).toThrow(
      /severity must be low, medium, high or critical; got "urgent"/,
    );
    expect(invocationState(request).securityEvents).toEqual([]);
  });

  it('accepts exactly the snake_case types and never throws anything but TypeError (property)', () => {
    const snake = 'abcxyz0189_'.split('');
    // Valid types up to the 64-character limit, near misses just past it or one character off,
    // and anything at all; size 'max' so lengths reach the limit rather than about ten.
    const accepted = fc
      .tuple(
        fc.constantFrom('a', 'q', 'z'),
        fc.string({ unit: fc.constantFrom(...snake), maxLength: 63, size: 'max' }),
      )
      .map(([head, rest]) => head + rest);
    const atLimit = accepted.map((type) => type.padEnd(64, '_'));
    const nearMiss = fc.oneof(
      accepted.map((type) => type.padEnd(65, '_')), // one past the limit
      fc
        .tuple(accepted, fc.constantFrom('A', '-', ' ', '.', 'é', '\n', 'Z'))
        .map(([type, bad]) => type + bad),
      fc.tuple(fc.constantFrom('_', '0', '9', 'A'), accepted).map(([head, type]) => head + type.slice(1)),
    );
    const seen = { valid: 0, invalid: 0, at64: 0, at65: 0 };
    fc.assert(
      fc.property(fc.oneof(accepted, atLimit, nearMiss, fc.anything()), (type) => {
        const request = { internal: {} };
        let thrown: unknown;
        try {
          recordSecurityEvent({ type: type as string, message: 'm' }, request);
        } catch (error) {
          thrown = error;
        }
        const valid = typeof type === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(type);
        seen[valid ? 'valid' : 'invalid']++;
        if (typeof type === 'string' && type.length === 64) seen.at64++;
        if (typeof type === 'string' && type.length === 65) seen.at65++;
        if (valid) expect(thrown).toBeUndefined();
        else expect(thrown).toBeInstanceOf(TypeError);
      }),
      { numRuns: 500 },
    );
    // The generator reached both answers and both sides of the limit.
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(0);
  });
});
