/** Rule 4 for metrics: metadata and dimension values, and the failure reporter's text, are redacted. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { isOwnOutput } from '@lambda-sentinel/core';
import { createMetrics, emfMetrics } from '@lambda-sentinel/metrics';
import { captureOutput, invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { validEmf } from './emf-spec.ts';

const TOKEN = `ghp_${'Q7xK9pLm2'.repeat(4)}`;

describe('metrics redaction', () => {
  it('redacts metadata values by key rules and detectors, leaving metric values alone', async () => {
    const metrics = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
    const out = await captureOutput(() =>
      metrics
        .addMetadata('password', 'hunter2-Q7x')
        .addMetadata('note', `deployed with ${TOKEN}`)
        .addMetadata('customer', 'jane@example.com')
        .addMetadata('order', 'ord-42')
        .addMetric('PasswordResets', MetricUnit.Count, 3)
        .publishStoredMetrics(),
    );
    const [doc] = validEmf(out);
    expect(doc).toMatchObject({
      password: '[REDACTED]',
      note: 'deployed with [REDACTED:github-token]',
      customer: '[REDACTED:email]',
      order: 'ord-42',
      PasswordResets: 3,
    });
    expect(out.lines.join('\n')).not.toMatch(/hunter2|ghp_|jane@/);
  });

  it('redacts dimension values (one, several, defaults, single metrics) and the EMF stays valid', async () => {
    const metrics = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
    const out = await captureOutput(() => {
      metrics.setDefaultDimensions({ tenant: 'jane@example.com' });
      metrics.addDimension('caller', `ci ${TOKEN}`);
      metrics.addDimensions({ region: 'eu-west-1', apiKey: 'k-123456' });
      metrics.addMetric('Orders', MetricUnit.Count, 1).publishStoredMetrics();
      metrics
        .singleMetric()
        .addDimension('owner', 'bob@example.com')
        .addMetric('Refunds', MetricUnit.Count, 1);
    });
    const [first, second] = validEmf(out);
    expect(first).toMatchObject({
      tenant: '[REDACTED:email]',
      caller: 'ci [REDACTED:github-token]',
      region: 'eu-west-1',
      apiKey: '[REDACTED]',
    });
    expect(second).toMatchObject({ owner: '[REDACTED:email]' });
    expect(out.lines.join('\n')).not.toMatch(/jane@|bob@|ghp_|k-123456/);
  });

  it('takes the same redaction options as the logger', async () => {
    const metrics = createMetrics({ namespace: 'Shop', serviceName: 'cart', redact: { keys: ['tenant'] } });
    const out = await captureOutput(() =>
      metrics.addMetadata('tenant', 'acme').addMetric('Orders', MetricUnit.Count, 1).publishStoredMetrics(),
    );
    expect(validEmf(out)[0]).toMatchObject({ tenant: '[REDACTED]' });
    expect(() => createMetrics({ redact: 'no' as never })).toThrowError(/^redact:/);
  });

  it('the failure reporter prints redacted error text', async () => {
    class LeakyMetrics extends Metrics {
      override publishStoredMetrics(): this {
        throw new Error(`cannot publish for password=hunter2-Q7x with ${TOKEN}`);
      }
    }
    const metrics = new LeakyMetrics({ namespace: 'Test', serviceName: 'orders' });
    const handler = middy(async () => 'fine').use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invoke(handler, {}));
    expect(out.result?.result).toBe('fine');
    const warning = out.logs.find((log) => String(log.message).startsWith('emfMetrics:'));
    expect(warning?.error).toMatch(
      /cannot publish for password=\[REDACTED:secret-param\] with \[REDACTED:github-token\]/,
    );
    expect(out.lines.join('\n')).not.toMatch(/hunter2|ghp_/);
  });

  it("marks its EMF documents as Sentinel's own, already redacted, output (a plain Metrics' are not)", async () => {
    const marks: boolean[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => {
      if (String(chunk).startsWith('{"_aws"')) marks.push(isOwnOutput());
      return true;
    }) as typeof process.stdout.write;
    try {
      const ours = createMetrics({ namespace: 'Shop', serviceName: 'cart' });
      ours.addMetric('Orders', MetricUnit.Count, 1).publishStoredMetrics();
      ours.singleMetric().addMetric('Refunds', MetricUnit.Count, 1);
      new Metrics({ namespace: 'Shop', serviceName: 'cart' })
        .addMetric('Orders', MetricUnit.Count, 1)
        .publishStoredMetrics();
    } finally {
      process.stdout.write = write;
    }
    // redactConsole therefore parses and redacts only the plain one again.
    expect(marks).toEqual([true, true, false]);
  });
});
