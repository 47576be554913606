// Rule 7 for durable functions: Middy's durable mode, the durable SDK and sentinel() bundled by
// esbuild into one ESM file with no node_modules beside it, imported from there and run by the
// SDK's local runner through its replays.
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';
import { bundleHandler, captureOutput } from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_LAMBDA_FUNCTION_NAME = 'fulfilment';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';

const PRESET = new URL('../src/index.ts', import.meta.url).pathname;
const source = `
import middy from '@middy/core';
import { executionModeDurableContext } from '@middy/core/DurableContext';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createLogger } from '@lambda-sentinel/logger';
import { createMetrics } from '@lambda-sentinel/metrics';
import { sentinel } from ${JSON.stringify(PRESET)};

const logger = createLogger({ serviceName: 'fulfilment' });
const metrics = createMetrics({ serviceName: 'fulfilment', namespace: 'DurableBundle' });

export const handler = middy({ executionMode: executionModeDurableContext })
  .use(sentinel({ serviceName: 'fulfilment', logger, metrics, tracing: false, allow: [{ kind: 'unknown' }] }))
  .handler(async (_event, context) => {
    logger.info('workflow started');
    metrics.addMetric('WorkflowsStarted', MetricUnit.Count, 1);
    const a = await context.step('reserve', async () => 1);
    await context.wait({ seconds: 1 });
    const b = await context.step('charge', async () => 2);
    logger.info('workflow done', { total: a + b });
    return a + b;
  });
`;

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

describe('a bundled durable handler', () => {
  it('runs from a folder without node_modules and logs and counts replayed work once', {
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
    expect(emf.find((doc) => doc.Duration !== undefined)?.durable_replay).toBe('true');
  });
});
