import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SentinelConfigError } from '@lambda-sentinel/core';
import { createMetrics } from '@lambda-sentinel/metrics';
import { captureOutput } from '@lambda-sentinel/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emfProblems, validEmf } from './emf-spec.ts';

describe('createMetrics', () => {
  it('defaults namespace and service, with low-cardinality default dimensions', async () => {
    const metrics = createMetrics({
      env: { AWS_LAMBDA_FUNCTION_NAME: 'checkout-fn', SENTINEL_TAGS: 'owner=payments,environment=prod' },
    });
    const out = await captureOutput(() =>
      metrics.addMetric('Orders', MetricUnit.Count, 1).publishStoredMetrics(),
    );
    const [doc] = validEmf(out);
    expect(doc?._aws.CloudWatchMetrics[0]?.Namespace).toBe('LambdaSentinel');
    expect(doc?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'environment']]);
    expect(doc?.service).toBe('checkout-fn');
    expect(doc?.environment).toBe('prod');
    expect(doc).not.toHaveProperty('owner');
  });

  it('reads POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME; options win', async () => {
    const env = { POWERTOOLS_METRICS_NAMESPACE: 'Shop', POWERTOOLS_SERVICE_NAME: 'cart' };
    const fromEnv = createMetrics({ env });
    const explicit = createMetrics({ env, namespace: 'Other', serviceName: 'basket', environment: 'dev' });
    const out = await captureOutput(() => {
      fromEnv.addMetric('A', MetricUnit.Count, 1).publishStoredMetrics();
      explicit.addMetric('B', MetricUnit.Count, 1).publishStoredMetrics();
    });
    const [a, b] = validEmf(out);
    expect([a?._aws.CloudWatchMetrics[0]?.Namespace, a?.service, a?.environment]).toEqual([
      'Shop',
      'cart',
      undefined,
    ]);
    expect(a?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect([b?._aws.CloudWatchMetrics[0]?.Namespace, b?.service, b?.environment]).toEqual([
      'Other',
      'basket',
      'dev',
    ]);
  });

  it.each([
    ['namespace', { namespace: 'AWS/Lambda' }],
    ['namespace', { namespace: 'bad\nname' }],
    ['serviceName', { serviceName: 'café' }],
    ['environment', { environment: ' ' }],
    ['SENTINEL_TAGS', { env: { SENTINEL_TAGS: 'novalue' } }],
    ['namespaces', { namespaces: 'x' }],
  ])('rejects a bad %s at construction', (option, options) => {
    expect(() => createMetrics(options as never)).toThrowError(SentinelConfigError);
    expect(() => createMetrics(options as never)).toThrowError(new RegExp(`^${option}:`));
  });

  it('single metrics inherit namespace and default dimensions, validated too', async () => {
    const metrics = createMetrics({ namespace: 'Shop', serviceName: 'cart', environment: 'dev' });
    const out = await captureOutput(() => {
      metrics
        .singleMetric()
        .addDimension('region_name', 'eu-west-1')
        .addMetric('Refunds', MetricUnit.Count, 3);
      metrics.singleMetric().addDimension('bad', 'é').addMetric('Refunds', MetricUnit.Count, 1);
    });
    const docs = validEmf(out);
    expect(docs).toHaveLength(2);
    expect(docs[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'environment', 'region_name'],
    ]);
    expect(docs[0]?._aws.CloudWatchMetrics[0]?.Namespace).toBe('Shop');
    expect(docs[1]).not.toHaveProperty('bad');
  });
});

describe('createMetrics: what users pass never breaks a document', () => {
  it('Powertools alone lets these through; the validator catches them', async () => {
    const plain = new Metrics({ namespace: 'Test', serviceName: 'svc' });
    const out = await captureOutput(() => {
      plain.addMetric('NotANumber', MetricUnit.Count, Number.NaN).publishStoredMetrics();
      plain.addDimension('region', 'zürich').addMetric('Ok', MetricUnit.Count, 1).publishStoredMetrics();
      plain.addMetric('_aws', MetricUnit.Count, 1).publishStoredMetrics();
    });
    // the third line replaced the EMF metadata itself: not even recognisable as EMF any more
    expect(out.emf.map((doc) => emfProblems(doc).length > 0)).toEqual([true, true]);
  });

  it('bad metric names and values throw a clear RangeError at the call', () => {
    const metrics = createMetrics({ serviceName: 'svc' });
    expect(() => metrics.addMetric('NotANumber', MetricUnit.Count, Number.NaN)).toThrowError(/finite number/);
    expect(() => metrics.addMetric('Big', MetricUnit.Count, Number.POSITIVE_INFINITY)).toThrowError(
      /finite number/,
    );
    expect(() => metrics.addMetric('_aws', MetricUnit.Count, 1)).toThrowError(/reserved/);
    expect(() => metrics.addMetric('naïve', MetricUnit.Count, 1)).toThrowError(/ASCII/);
    expect(() => metrics.addMetric('x', 'Furlongs' as never, 1)).toThrowError(/Invalid metric unit/);
    expect(() => metrics.addMetadata('_aws', 'x')).toThrowError(/_aws/);
    // found by the property below: Powertools stores metrics in a plain object
    expect(() => metrics.addMetric('toString', MetricUnit.Count, 1)).toThrowError(/built-in/);
    expect(() => metrics.addMetric('__proto__', MetricUnit.Count, 1)).toThrowError(/built-in/);
  });

  it('bad dimensions are dropped with a warning', async () => {
    const metrics = createMetrics({ serviceName: 'svc' });
    const out = await captureOutput(() => {
      metrics.addDimension('city', 'zürich');
      metrics.addDimension(':colon', 'x');
      metrics.addDimensions({ ok: 'yes', blank: '  ', long: 'x'.repeat(1025) });
      metrics.setDefaultDimensions({ tier: '\u0000' });
      metrics.addMetric('Orders', MetricUnit.Count, 1).publishStoredMetrics();
    });
    const [doc] = validEmf(out);
    expect(doc?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'ok']]);
    expect(out.lines.filter((line) => line.includes('dropped'))).toHaveLength(5);
  });

  it('property: any name, value or dimension either throws at the call or yields a valid document', async () => {
    // size 'max': without it fast-check keeps strings to about ten characters, far from the limits.
    const text = fc.oneof(
      fc.string({ maxLength: 300, size: 'max' }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom('_aws', 'toString', '__proto__', 'constructor'),
    );
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.oneof(fc.double(), fc.integer()),
        fc.constantFrom(...Object.values(MetricUnit), 'Furlongs'),
        fc.dictionary(text, fc.oneof(text, fc.string({ maxLength: 1100, size: 'max' })), { maxKeys: 5 }),
        async (name, value, unit, dimensions) => {
          const metrics = createMetrics({ serviceName: 'svc' });
          const out = await captureOutput(() => {
            metrics.addDimensions(dimensions);
            try {
              metrics.addMetric(name, unit as never, value);
            } catch (error) {
              expect(error).toBeInstanceOf(RangeError);
              metrics.addMetric('Fallback', MetricUnit.Count, 1);
            }
            metrics.publishStoredMetrics();
          });
          validEmf(out);
          if (out.error) {
            // A metric named like a dimension: Powertools refuses at publish with a clear error
            // and prints nothing (emfMetrics reports it; the handler's result is unaffected).
            expect(String(out.error)).toMatch(/EMF key collision/);
            expect(Object.keys(dimensions)).toContain(name);
            expect(out.emf).toHaveLength(0);
          } else {
            expect(out.emf).toHaveLength(1);
          }
        },
      ),
      // Shrinking a 1 000-character string one step per run takes minutes: report the first failure as found.
      { numRuns: 300, endOnFailure: true },
    );
  });

  /**
   * Printable ASCII of exactly `length` characters, starting with a letter (so never blank, never `:`).
   * Built from a length and a filler, not an arbitrary string: a failure shrinks in a few steps.
   */
  const printable = (length: number) =>
    fc.constantFrom(...'aZ9 _-.:/'.split('')).map((filler) => `m${filler.repeat(length - 1)}`);
  /** Lengths from 1 to past `limit`, half of them within two of it. */
  const lengthsAround = (limit: number) =>
    fc.oneof(fc.integer({ min: 1, max: limit + 50 }), fc.integer({ min: limit - 2, max: limit + 2 }));

  it('property: metric and dimension names are kept up to 255 characters and refused beyond', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        lengthsAround(255).chain(printable),
        lengthsAround(255).chain(printable),
        async (name, dimension) => {
          fc.pre(name !== dimension); // a metric named like a dimension is Powertools' key collision, tested above
          seen.add(name.length).add(dimension.length);
          const metrics = createMetrics({ serviceName: 'svc' });
          const out = await captureOutput(() => {
            metrics.addDimension(dimension, 'v');
            let refused = false;
            try {
              metrics.addMetric(name, MetricUnit.Count, 1);
            } catch (error) {
              expect(error).toBeInstanceOf(RangeError);
              refused = true;
            }
            metrics.addMetric('Fallback', MetricUnit.Count, 1).publishStoredMetrics();
            return refused;
          });
          expect(out.result).toBe(name.length > 255);
          const [doc] = validEmf(out);
          expect(doc?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
            dimension.length > 255 ? ['service'] : ['service', dimension],
          ]);
        },
      ),
      { numRuns: 200 },
    );
    for (const limit of [254, 255, 256]) expect(seen).toContain(limit);
  });

  it('property: dimension values are kept up to 1024 characters and dropped beyond', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(lengthsAround(1024).chain(printable), async (value) => {
        seen.add(value.length);
        const metrics = createMetrics({ serviceName: 'svc' });
        const out = await captureOutput(() => {
          metrics.addDimension('tier', value);
          metrics.addMetric('Orders', MetricUnit.Count, 1).publishStoredMetrics();
        });
        const [doc] = validEmf(out);
        expect(doc?.tier).toBe(value.length > 1024 ? undefined : value);
      }),
      { numRuns: 200 },
    );
    for (const limit of [1023, 1024, 1025]) expect(seen).toContain(limit);
  });
});
