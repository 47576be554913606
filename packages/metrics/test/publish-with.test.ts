/**
 * `publishStoredMetricsWith` is a shortcut: whatever the handler stored (metrics, dimensions,
 * metadata, names that collide with ours, more than 100 metrics, nothing at all), it must print
 * exactly the documents that adding each figure and calling `publishStoredMetrics()` prints.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createMetrics, type SentinelMetrics } from '@lambda-sentinel/metrics';
import { captureOutput } from '@lambda-sentinel/testing';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ExtraFigures } from '../src/sentinel-metrics.ts';
import { validEmf } from './emf-spec.ts';

const TOKEN = `ghp_${'Q7xK9pLm2'.repeat(4)}`;

interface Stored {
  metrics: Array<[string, number]>;
  dimensions: Array<[string, string]>;
  metadata: Array<[string, string]>;
}

// Names drawn partly from ours, so collisions between the handler's figures and ours happen often.
const name = fc.constantFrom(
  'Duration',
  'Errors',
  'request_id',
  'outcome',
  'Orders',
  'Step',
  'tenant',
  'note',
);
const stored: fc.Arbitrary<Stored> = fc.record({
  metrics: fc.oneof(
    fc.array(fc.tuple(name, fc.integer({ min: 0, max: 9 })), { maxLength: 6 }),
    // past CloudWatch's 100 metrics per document, with ours added
    fc
      .integer({ min: 94, max: 101 })
      .map((n) => Array.from({ length: n }, (_, i) => [`M${i}`, i] as [string, number])),
  ),
  dimensions: fc.array(fc.tuple(name, fc.constantFrom('a', 'b', 'jane@example.com')), { maxLength: 2 }),
  metadata: fc.array(fc.tuple(name, fc.constantFrom('x', `deployed with ${TOKEN}`)), { maxLength: 3 }),
});
const extra: fc.Arbitrary<ExtraFigures> = fc.record({
  metrics: fc.constantFrom<ExtraFigures['metrics']>(
    [
      ['Duration', MetricUnit.Milliseconds, 12.5],
      ['CpuTime', MetricUnit.Milliseconds, 3.25],
      ['Errors', MetricUnit.Count, 0],
    ],
    [['Duration', MetricUnit.Milliseconds, 1]],
  ),
  metadata: fc.constantFrom<ExtraFigures['metadata']>(
    { request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678', outcome: 'success' },
    { outcome: 'error', concurrent_invocations: '3', note: 'x' },
  ),
});

function store(metrics: SentinelMetrics, { metrics: values, dimensions, metadata }: Stored) {
  for (const [key, value] of dimensions) metrics.addDimension(key, value);
  for (const [key, value] of metadata) metrics.addMetadata(key, value);
  for (const [key, value] of values) metrics.addMetric(key, MetricUnit.Count, value);
}

/** What the documents say, without the timestamp (each publish reads the clock). */
async function printed(publish: () => void) {
  const out = await captureOutput(async () => {
    try {
      publish();
    } catch (error) {
      return (error as Error).name;
    }
    return 'ok';
  });
  const docs = validEmf(out).map(({ _aws, ...rest }) => ({
    ...rest,
    _aws: { ...(_aws as object), Timestamp: 0 },
  }));
  return { outcome: out.result, docs, text: out.lines.join('\n') };
}

describe('publishStoredMetricsWith', () => {
  it('prints what addMetric + addMetadata + publishStoredMetrics print, whatever was stored', async () => {
    await fc.assert(
      fc.asyncProperty(stored, extra, fc.boolean(), async (handlerStored, ours, throwOnEmpty) => {
        const build = () => {
          const metrics = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
          if (throwOnEmpty) metrics.setThrowOnEmptyMetrics(true);
          // A handler's misuse (a metric name twice with two units) throws in either path alike.
          store(metrics, handlerStored);
          return metrics;
        };
        const longWay = await printed(() => {
          const metrics = build();
          try {
            for (const [key, unit, value] of ours.metrics) metrics.addMetric(key, unit, value);
            for (const [key, value] of Object.entries(ours.metadata)) metrics.addMetadata(key, value);
          } finally {
            metrics.publishStoredMetrics();
          }
        });
        const shortcut = await printed(() => {
          build().publishStoredMetricsWith(ours);
        });
        expect(shortcut.docs).toEqual(longWay.docs);
        expect(shortcut.outcome).toBe(longWay.outcome);
        expect(shortcut.text).not.toContain(TOKEN);
        expect(shortcut.text).not.toContain('jane@example.com');
      }),
      { numRuns: 300 },
    );
  });

  it('takes the shortcut when nothing collides (no figure goes through addOwnMetric), the long way when one does', async () => {
    const figures: ExtraFigures = {
      metrics: [['Duration', MetricUnit.Milliseconds, 1]],
      metadata: { outcome: 'success' },
    };
    const plain = createMetrics({ namespace: 'Shop', serviceName: 'cart' }).addMetric(
      'Orders',
      MetricUnit.Count,
      1,
    );
    const plainAdds = vi.spyOn(plain, 'addOwnMetric');
    await captureOutput(async () => plain.publishStoredMetricsWith(figures));
    expect(plainAdds).not.toHaveBeenCalled();
    const colliding = createMetrics({ namespace: 'Shop', serviceName: 'cart' }).addMetadata(
      'outcome',
      'mine',
    );
    const collidingAdds = vi.spyOn(colliding, 'addOwnMetric');
    const [doc] = validEmf(await captureOutput(async () => colliding.publishStoredMetricsWith(figures)));
    expect(collidingAdds).toHaveBeenCalledTimes(1);
    expect(doc?.outcome).toBe('success');
  });

  it('takes the long way for an instance built with POWERTOOLS_DEV set (Powertools then prints through the console)', async () => {
    const figures: ExtraFigures = { metrics: [['Duration', MetricUnit.Milliseconds, 1]], metadata: {} };
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    let dev: SentinelMetrics;
    try {
      dev = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
    } finally {
      vi.unstubAllEnvs();
    }
    // Read when the instance was built, as Powertools reads it: unsetting it later changes nothing.
    const devAdds = vi.spyOn(dev, 'addOwnMetric');
    await captureOutput(async () => dev.publishStoredMetricsWith(figures));
    expect(devAdds).toHaveBeenCalledTimes(1);
    const plain = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
    const plainAdds = vi.spyOn(plain, 'addOwnMetric');
    await captureOutput(async () => plain.publishStoredMetricsWith(figures));
    expect(plainAdds).not.toHaveBeenCalled();
  });

  it('leaves the stores empty afterwards, so the next invocation starts clean', async () => {
    const metrics = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
    metrics.addDimension('tenant', 'a').addMetadata('note', 'x').addMetric('Orders', MetricUnit.Count, 1);
    await captureOutput(async () => metrics.publishStoredMetricsWith({ metrics: [], metadata: {} }));
    expect(metrics.hasStoredMetrics()).toBe(false);
    const out = await captureOutput(async () =>
      metrics.publishStoredMetricsWith({ metrics: [['Duration', MetricUnit.Milliseconds, 1]], metadata: {} }),
    );
    const [doc] = validEmf(out);
    expect(doc).not.toHaveProperty('tenant');
    expect(doc).not.toHaveProperty('note');
    expect(doc).not.toHaveProperty('Orders');
  });

  it('prints nothing when metrics are disabled, and still clears', async () => {
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    try {
      const metrics = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
      metrics.addMetric('Orders', MetricUnit.Count, 1);
      const out = await captureOutput(async () =>
        metrics.publishStoredMetricsWith({
          metrics: [['Duration', MetricUnit.Milliseconds, 1]],
          metadata: {},
        }),
      );
      expect(validEmf(out)).toEqual([]);
      expect(metrics.hasStoredMetrics()).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
      else process.env.POWERTOOLS_METRICS_DISABLED = previous;
    }
  });
});
