import { captureOutput, fixtures, invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { InvocationSourceRejectedError, sourceAllowlist } from '../src/index.ts';
import { type Recorded, recorder } from './helpers.ts';

// Powertools reads the Lambda environment when its objects are built.
process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
const { createLogger, redactedLogging } = await import('@lambda-sentinel/logger');
const { createMetrics, emfMetrics } = await import('@lambda-sentinel/metrics');

const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };

/** The design's onion: logging, metrics, a stand-in for the trace subsegment, then the allowlist. */
function stack() {
  const logger = createLogger({ serviceName: 'orders' });
  const metrics = createMetrics({ serviceName: 'orders', namespace: 'AllowlistTest' });
  const segment: Recorded[] = [];
  let ran = 0;
  const handler = middy(async () => {
    ran += 1;
    return { statusCode: 200, body: '{"ok":true}' };
  })
    .use(redactedLogging({ logger }))
    .use(emfMetrics({ metrics }))
    .use(recorder(segment))
    .use(
      sourceAllowlist({
        allow: [
          { kind: 'apigateway-rest', ...API },
          { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:orders' },
        ],
      }),
    );
  return { handler, segment, ran: () => ran };
}

const securityMetric = (emf: { [k: string]: unknown }[]) =>
  emf.find((d) => d.event_type === 'source_rejected');

describe('a refused invocation still passes through every outer layer', () => {
  it('HTTP: 403, WARN line, SecurityEvents metric, Duration published, subsegment closed by onError', async () => {
    const { handler, segment, ran } = stack();
    const forged = fixtures.apigatewayRest({
      ...API,
      apiId: 'evil000001',
      body: '{"card":"4111111111111111"}',
    });
    const { result: outcome, logs, emf, lines } = await captureOutput(() => invoke(handler, forged));
    expect(ran()).toBe(0);
    expect(outcome!.error).toBeUndefined();
    expect(outcome!.result).toMatchObject({ statusCode: 403, body: '{"message":"Forbidden"}' });
    expect(logs.some((l) => l.level === 'WARN' && JSON.stringify(l).includes('source_rejected'))).toBe(true);
    expect(securityMetric(emf)?.SecurityEvents).toBe(1);
    const names = emf.flatMap((d) => d._aws.CloudWatchMetrics.flatMap((c) => c.Metrics.map((m) => m.Name)));
    expect(names).toContain('Duration');
    expect(segment.map((r) => r.phase)).toEqual(['before', 'onError']);
    expect(lines.join('\n')).not.toContain('4111111111111111');
  });

  it('SQS: the typed error reaches the runtime after logging and metrics ran', async () => {
    const { handler, segment, ran } = stack();
    const forged = fixtures.sqs({ queueName: 'orders', accountId: '999999999999' });
    const { result: outcome, logs, emf } = await captureOutput(() => invoke(handler, forged));
    expect(ran()).toBe(0);
    expect(outcome!.error).toBeInstanceOf(InvocationSourceRejectedError);
    expect(logs.some((l) => l.level === 'WARN' && JSON.stringify(l).includes('source_rejected'))).toBe(true);
    expect(securityMetric(emf)?.SecurityEvents).toBe(1);
    expect(segment.map((r) => r.phase)).toEqual(['before', 'onError']);
  });

  it('an allowed invocation records no security event', async () => {
    const { handler, ran } = stack();
    const { result: outcome, emf } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API)));
    expect(ran()).toBe(1);
    expect(outcome!.result).toMatchObject({ statusCode: 200 });
    expect(securityMetric(emf)).toBeUndefined();
  });
});
