// Rule 7 for durable functions: Middy, sentinelDurableExecution() (with the durable SDK) and
// sentinel() bundled by esbuild into one ESM file with no node_modules beside it, imported from
// there and run by the SDK's local runner through its replays and suspensions.
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { bundleHandler, captureOutput } from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_LAMBDA_FUNCTION_NAME = 'fulfilment';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';

const PRESET = new URL('../src/index.ts', import.meta.url).pathname;
const DURABLE = new URL('../src/durable.ts', import.meta.url).pathname;
const source = `
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { recordSecurityEvent } from '@lambda-sentinel/core';
import { createLogger } from '@lambda-sentinel/logger';
import { createMetrics } from '@lambda-sentinel/metrics';
import { sentinel } from ${JSON.stringify(PRESET)};
import { sentinelDurableExecution } from ${JSON.stringify(DURABLE)};

const logger = createLogger({ serviceName: 'fulfilment' });
const metrics = createMetrics({ serviceName: 'fulfilment', namespace: 'DurableBundle' });

export const handler = middy({ executionMode: sentinelDurableExecution() })
  .use(sentinel({ serviceName: 'fulfilment', logger, metrics, tracing: false, allow: [{ kind: 'unknown' }] }))
  .handler(async (_event, context) => {
    logger.info('workflow started');
    metrics.addMetric('WorkflowsStarted', MetricUnit.Count, 1);
    const a = await context.step('reserve', async () => {
      recordSecurityEvent({ type: 'order_flagged', message: 'inside the first step' });
      return 1;
    });
    await context.wait({ seconds: 1 });
    const b = await context.step('charge', async () => 2);
    logger.info('workflow done', { total: a + b });
    return a + b;
  });
`;

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

describe('a bundled durable handler', () => {
  it('runs from a folder without node_modules, logs and counts replayed work once, and reports the invocation that suspended', {
    timeout: 60_000,
  }, async () => {
    const bundle = await bundleHandler({ source, resolveDir: import.meta.dirname, format: 'esm' });
    expect(bundle.inputs.some((input) => input.includes('durable-execution-sdk-js'))).toBe(true);
    const { handler } = (await import(bundle.file)) as { handler: unknown };
    const runner = new LocalDurableTestRunner({ handlerFunction: handler as never });
    const { result, logs, emf } = await captureOutput(() => runner.run({ payload: { order: 1 } }));
    expect(result?.getStatus()).toBe('SUCCEEDED');
    expect(result?.getResult()).toBe(3);
    expect(result!.getInvocations().length).toBeGreaterThanOrEqual(2);
    expect(logs.filter((line) => line.message === 'workflow started')).toHaveLength(1);
    expect(logs.filter((line) => line.message === 'workflow done')).toHaveLength(1);
    const started = emf.reduce(
      (n, doc) => n + (typeof doc.WorkflowsStarted === 'number' ? doc.WorkflowsStarted : 0),
      0,
    );
    expect(started).toBe(1);
    // Every invocation publishes its document: the first suspended at the wait, the last resumed.
    const invocations = result!.getInvocations().length;
    const documents = emf.filter((doc) => doc.Duration !== undefined);
    expect(documents).toHaveLength(invocations);
    expect(documents[0]?.durable_suspended).toBe('true');
    expect(documents.filter((doc) => doc.durable_suspended === 'true')).toHaveLength(invocations - 1);
    expect(documents.at(-1)?.durable_replay).toBe('true');
    expect(documents.at(-1)?.durable_suspended).toBeUndefined();
    // The event recorded in the invocation that suspended: one WARN line, one count.
    const flagged = logs.filter(
      (line) => (line.security_event as { type?: string } | undefined)?.type === 'order_flagged',
    );
    expect(flagged).toHaveLength(1);
    const counted = emf.filter((doc) => doc.event_type === 'order_flagged');
    expect(counted.reduce((n, doc) => n + (doc.SecurityEvents as number), 0)).toBe(1);
  });
});
