import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { captureOutput, invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createMetrics, emfMetrics } from '../src/index.ts';

// As in the logger's test: a plain context carries the durable SDK's `durableExecutionMode`,
// switched by the handler as the SDK would; packages/preset/test/durable.test.ts runs the real SDK.

describe('emfMetrics in a durable function that replays', () => {
  it('drops user metrics added while replaying (still checked), keeps those of new work and its own figures', async () => {
    const metrics = createMetrics({ namespace: 'Durable', serviceName: 'orders' });
    let refused: unknown;
    const handler = middy(async (_event: unknown, context: Context) => {
      metrics.addMetric('OrdersSeen', MetricUnit.Count, 1);
      try {
        metrics.addMetric('', MetricUnit.Count, 1);
      } catch (error) {
        refused = error;
      }
      (context as Context & { durableExecutionMode?: string }).durableExecutionMode = 'ExecutionMode';
      metrics.addMetric('OrdersShipped', MetricUnit.Count, 1);
    }).use(emfMetrics({ metrics }));
    const durable = (event: unknown, context: Context) =>
      handler(event, Object.assign(context, { durableExecutionMode: 'ReplayMode' }));
    const { emf, result } = await captureOutput(() => invoke(durable, {}));
    expect(result?.error).toBeUndefined();
    expect(refused).toBeInstanceOf(RangeError);
    const [doc, ...rest] = emf;
    expect(rest).toHaveLength(0);
    expect(doc).not.toHaveProperty('OrdersSeen');
    expect(doc?.OrdersShipped).toBe(1);
    expect(typeof doc?.Duration).toBe('number');
    expect(doc?.durable_replay).toBe('true');
  });
});
