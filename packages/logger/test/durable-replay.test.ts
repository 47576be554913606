import { recordSecurityEvent } from '@lambda-sentinel/core';
import { captureOutput, invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLogger, EVENT_MESSAGE, redactedLogging } from '../src/index.ts';

// The durable SDK's context reports `durableExecutionMode`: `ReplayMode` while recorded work is
// replayed, `ExecutionMode` from the first new operation. Here a plain context carries it and the
// handler switches it as the SDK would; packages/preset/test/durable.test.ts runs the real SDK.

type DurableLike = Context & { durableExecutionMode?: string };

function durableLogging() {
  const logger = createLogger({ serviceName: 'durable' });
  const handler = middy(async (_event: unknown, context: Context) => {
    const durable = context as DurableLike;
    logger.info('replayed narration');
    logger.createChild().warn('replayed child line');
    recordSecurityEvent({ type: 'order_reviewed', message: 'replayed, not kept' });
    recordSecurityEvent({ type: 'guard_violation', message: 'happened again', keepWhenReplaying: true });
    durable.durableExecutionMode = 'ExecutionMode';
    logger.info('new work');
    return 'ok';
  }).use(redactedLogging({ logger, logEvent: true }));
  return (event: unknown, context: Context) =>
    handler(event, Object.assign(context, { durableExecutionMode: 'ReplayMode' }));
}

describe('redactedLogging in a durable function that replays', () => {
  it('prints no line while replaying, every line once new work starts, and its own report of the invocation', async () => {
    const { logs, result } = await captureOutput(() => invoke(durableLogging(), { id: 1 }));
    expect(result?.error).toBeUndefined();
    const messages = logs.map((line) => line.message);
    expect(messages).not.toContain('replayed narration');
    expect(messages).not.toContain('replayed child line');
    // The event line is written in `before`, still replaying: the first invocation printed it.
    expect(messages).not.toContain(EVENT_MESSAGE);
    expect(messages).toContain('new work');
    const events = logs.flatMap((line) =>
      line.security_event ? [(line.security_event as { type: string }).type] : [],
    );
    expect(events).toEqual(['guard_violation']);
  });
});
