import { invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentInvocationState, invocationState, isReplaying, recordSecurityEvent } from '../src/index.ts';

// The AWS Durable Execution SDK's context carries `durableExecutionMode`: `ReplayMode` while the
// handler replays operations already checkpointed, `ExecutionMode` from the first new one
// (`ReplaySucceededContext` inside a child context rebuilt from its checkpoint). Middy's durable
// mode hands that context to middlewares as `request.context`. The end-to-end test with the real
// SDK and its local runner is packages/preset/test/durable.test.ts; here the context is a plain
// object with the same field, so hostile and odd values can be put in it.

/** Invokes `handler` as Lambda would, with the durable SDK's mode field on its context. */
function invokeDurable(handler: (event: never, context: never) => unknown, mode: unknown) {
  const durable = (event: unknown, context: object) =>
    handler(event as never, Object.assign(context, { durableExecutionMode: mode }) as never);
  return invoke(durable, {});
}

/** A handler whose middleware and body see the state the way Sentinel's middlewares do. */
function durableHandler(body: (mode: { set(value: unknown): void }) => Promise<void> | void) {
  return middy(async (_event: unknown, context: Context) => {
    const durable = context as Context & { durableExecutionMode?: unknown };
    await body({ set: (value) => (durable.durableExecutionMode = value) });
    return 'done';
  }).use({ before: (request) => void invocationState(request) });
}

describe('isReplaying: the durable context read live', () => {
  it('follows the mode as the SDK switches it from ReplayMode to ExecutionMode', async () => {
    const seen: boolean[] = [];
    const handler = durableHandler((mode) => {
      seen.push(isReplaying());
      const replayed = recordSecurityEvent({ type: 'replayed_narration', message: 'again' });
      expect(replayed.replayed).toBe(true);
      mode.set('ExecutionMode');
      seen.push(isReplaying());
      recordSecurityEvent({ type: 'new_work', message: 'first time' });
      const state = currentInvocationState();
      expect(state?.durableReplay).toBe(true);
      expect(state?.securityEvents.map((event) => event.type)).toEqual(['new_work']);
    });
    const run = await invokeDurable(handler, 'ReplayMode');
    expect(run.error).toBeUndefined();
    expect(seen).toEqual([true, false]);
  });

  it('keeps the events that report something that happened again (keepWhenReplaying)', async () => {
    const handler = durableHandler(() => {
      recordSecurityEvent({ type: 'guard_violation', message: 'spawned again', keepWhenReplaying: true });
      expect(currentInvocationState()?.securityEvents).toHaveLength(1);
    });
    const run = await invokeDurable(handler, 'ReplayMode');
    expect(run.error).toBeUndefined();
  });

  it('ReplaySucceededContext is a replay too; a first invocation (ExecutionMode) is none', async () => {
    for (const [mode, replaying] of [
      ['ReplaySucceededContext', true],
      ['ExecutionMode', false],
    ] as const) {
      let seen: boolean | undefined;
      let flagged: boolean | undefined;
      const handler = durableHandler(() => {
        seen = isReplaying();
        flagged = currentInvocationState()?.durableReplay;
      });
      await invokeDurable(handler, mode);
      expect(seen).toBe(replaying);
      expect(flagged).toBe(replaying ? true : undefined);
    }
  });

  it('without a durable context, nothing is a replay', async () => {
    let seen: boolean | undefined;
    const handler = middy(async () => {
      seen = isReplaying();
      recordSecurityEvent({ type: 'plain', message: 'kept' });
      expect(currentInvocationState()?.securityEvents).toHaveLength(1);
    }).use({ before: (request) => void invocationState(request) });
    await invoke(handler, {});
    expect(seen).toBe(false);
    expect(isReplaying({ internal: {}, context: undefined })).toBe(false);
  });

  it('a mode that is no documented replay value is taken as new work: signals are never lost to garbage', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .string({ maxLength: 300 })
            .filter((value) => value !== 'ReplayMode' && value !== 'ReplaySucceededContext'),
          fc.constantFrom('replaymode', 'REPLAYMODE', ' ReplayMode', 'ReplayMode\u0000', 'Replay'),
          fc.anything(),
        ),
        async (mode) => {
          let events = -1;
          let replaying: boolean | undefined;
          const handler = durableHandler(() => {
            replaying = isReplaying();
            recordSecurityEvent({ type: 'kept', message: 'garbage mode' });
            events = currentInvocationState()?.securityEvents.length ?? -1;
          });
          const run = await invokeDurable(handler, mode);
          expect(run.error).toBeUndefined();
          expect(replaying).toBe(false);
          expect(events).toBe(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rule 1: a context whose mode getter or `in` check throws breaks nothing, and suppresses nothing', async () => {
    const throwingGetter = {
      get durableExecutionMode(): string {
        throw new Error('hostile getter');
      },
    };
    const throwingHas = new Proxy(
      { awsRequestId: 'hostile-proxy' },
      {
        has() {
          throw new Error('hostile has');
        },
      },
    );
    for (const context of [throwingGetter, throwingHas]) {
      const request = { internal: {}, context } as Parameters<typeof invocationState>[0];
      expect(() => invocationState(request)).not.toThrow();
      expect(isReplaying(request)).toBe(false);
      const event = recordSecurityEvent({ type: 'kept', message: 'hostile context' }, request);
      expect(event.replayed).toBeUndefined();
      expect(invocationState(request).securityEvents).toHaveLength(1);
      expect(invocationState(request).durableReplay).toBeUndefined();
    }
  });
});
