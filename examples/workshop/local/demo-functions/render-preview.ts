/**
 * A function the demo adds (not part of the app): a stand-in for any code
 * path an attacker can force into CPU-bound work. It blocks the event loop
 * for 300 ms against budgets of 100 ms event-loop delay and 150 ms CPU.
 */
import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import { guardOptions } from '../../src/shared/guard.ts';
import { instrumentation } from '../../src/shared/observability.ts';

export const handler = middy(async () => {
  const until = Date.now() + 300;
  while (Date.now() < until) {
    // busy: the event loop is blocked for 300 ms
  }
  return { ok: true };
}).use(
  sentinel({
    ...instrumentation('render-preview'),
    serviceName: 'render-preview',
    allow: [{ kind: 'unknown' }],
    budgets: { eventLoopDelayMs: 100, cpuMs: 150 },
    guard: guardOptions(),
  }),
);
