import { SentinelConfigError } from '@lambda-sentinel/core';
import {
  captureOutput,
  fixtures,
  invokeConcurrently,
  startTraceSinks,
  type TraceSinks,
} from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Lambda's environment before anything decides at load whether it runs in Lambda.
process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
const { createLogger } = await import('@lambda-sentinel/logger');
const { createMetrics } = await import('@lambda-sentinel/metrics');
const { xrayBackend } = await import('@lambda-sentinel/sdk-capture/xray');
const { otelBackend } = await import('@lambda-sentinel/sdk-capture/otel');
const { sentinel } = await import('../src/index.ts');

const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };
const ORDERS = 'arn:aws:sqs:us-east-1:123456789012:orders';

let sinks: TraceSinks;
beforeAll(async () => {
  sinks = await startTraceSinks();
});
afterAll(async () => {
  await sinks?.close();
});

describe.each(['xray', 'otel'] as const)('sentinel() in tenant isolation mode, traced with %s', (kind) => {
  it("puts each concurrent invocation's own tenant on its logs, metrics and trace, and refuses unlisted tenants", async () => {
    const backend =
      kind === 'xray'
        ? xrayBackend({ daemonAddress: sinks[kind].address })
        : otelBackend({ exporter: 'xray-udp', endpoint: sinks[kind].address });
    const logger = createLogger({ serviceName: 'orders' });
    const metrics = createMetrics({ serviceName: 'orders', namespace: 'PresetTenantTest' });
    const handler = middy(async (event: { body?: string | null }) => {
      logger.info('handling', { body: event.body });
      await new Promise((resolve) => setTimeout(resolve, Number(event.body?.slice(-1) ?? 0)));
      logger.info('handled', { body: event.body });
      return { statusCode: 200, body: event.body ?? '' };
    }).use(
      sentinel({
        serviceName: 'orders',
        tracing: backend,
        logger,
        metrics,
        tenantDimension: true,
        allow: [
          { kind: 'apigateway-rest', ...API, tenants: ['t-1', 't-2', 't-3'] },
          { kind: 'sqs', arn: ORDERS },
        ],
      }),
    );
    const tenants = ['t-1', 't-2', 't-9', 't-3', undefined, 't-1', 't-2', 't-9', 't-3', 't-1'];
    const events = tenants.map((_, i) => fixtures.apigatewayRest({ ...API, body: `order-${i}-${9 - i}` }));
    const { result, logs, emf } = await captureOutput(() =>
      invokeConcurrently(handler, events, { functionName: 'orders', tenantIds: tenants }),
    );
    const runs = result!;
    for (const [i, run] of runs.entries()) {
      const tenant = tenants[i];
      const allowed = tenant !== undefined && tenant !== 't-9';
      expect((run.result as { statusCode: number }).statusCode, `invocation ${i}`).toBe(allowed ? 200 : 403);

      const own = logs.filter((line) => line.function_request_id === run.requestId);
      expect(own.length).toBeGreaterThanOrEqual(allowed ? 2 : 1);
      for (const line of own) {
        if (tenant === undefined) expect(line).not.toHaveProperty('tenant_id');
        else expect(line.tenant_id).toBe(tenant);
        if (line.message === 'handling' || line.message === 'handled')
          expect(line.body).toBe(events[i]!.body);
      }
      if (!allowed) {
        const refusal = own.find(
          (line) => (line.security_event as { type?: string } | undefined)?.type === 'source_rejected',
        );
        expect((refusal?.security_event as { detail: { reason: string } } | undefined)?.detail.reason).toBe(
          'tenant_not_allowed',
        );
      }

      const docs = emf.filter((doc) => doc.request_id === run.requestId && doc.Duration !== undefined);
      expect(docs).toHaveLength(1);
      if (tenant === undefined) expect(docs[0]).not.toHaveProperty('tenant_id');
      else expect(docs[0]?.tenant_id).toBe(tenant);

      const { handler: span } = await sinks[kind].trace(run.rootTraceId);
      expect(span.annotations.tenant_id).toBe(tenant);
      expect(span.annotations.security_event).toBe(allowed ? undefined : 'source_rejected');
    }
    // No line belongs to an invocation that was not run.
    const ids = new Set(runs.map((r) => r.requestId));
    for (const line of logs)
      if (line.function_request_id) expect(ids.has(line.function_request_id as string)).toBe(true);
  });
});

describe('sentinel() tenantDimension option', () => {
  it('is refused when not a boolean, naming it', () => {
    expect(() =>
      sentinel({ allow: [{ kind: 'sqs' }], tenantDimension: 'yes' as unknown as boolean }),
    ).toThrowError(SentinelConfigError);
    expect(() =>
      sentinel({ allow: [{ kind: 'sqs' }], tenantDimension: 'yes' as unknown as boolean }),
    ).toThrowError(/tenantDimension/);
  });
});
