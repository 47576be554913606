import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { recordSecurityEvent, SentinelConfigError } from '@lambda-sentinel/core';
import {
  createMetrics,
  type EmfMetricsOptions,
  emfMetrics,
  TENANT_DIMENSION,
} from '@lambda-sentinel/metrics';
import type { EmfDocument } from '@lambda-sentinel/testing';
import { captureOutput, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { metricValue, validEmf } from './emf-spec.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mainDocs = (docs: EmfDocument[]) => docs.filter((doc) => metricValue(doc, 'Duration') !== undefined);
const dimensionSets = (doc: EmfDocument | undefined) => doc?._aws.CloudWatchMetrics[0]?.Dimensions;

function handlerWith(options: Partial<EmfMetricsOptions> = {}) {
  const metrics = createMetrics({ serviceName: 'orders' });
  return middy(async (event: { wait?: number; n?: number }) => {
    await sleep(event.wait ?? 0);
    metrics.addMetric('Orders', MetricUnit.Count, event.n ?? 1);
    recordSecurityEvent({ type: 'guard_violation', message: 'probe' });
    await sleep(event.wait ?? 0);
    return event.n;
  }).use(emfMetrics({ metrics, resources: false, ...options }));
}

describe('emfMetrics tenantDimension', () => {
  it('is off by default: a tenant changes nothing in the document', async () => {
    const out = await captureOutput(() => invoke(handlerWith(), {}, { tenantId: 'blue' }));
    const [main] = mainDocs(validEmf(out));
    expect(dimensionSets(main)).toEqual([['service']]);
    expect(main).not.toHaveProperty(TENANT_DIMENSION);
  });

  it('adds a tenant_id dimension set beside the usual one, which stays for the totals and alarms', async () => {
    const out = await captureOutput(() =>
      invoke(handlerWith({ tenantDimension: true }), { n: 3 }, { tenantId: 'blue' }),
    );
    const docs = validEmf(out);
    const [main] = mainDocs(docs);
    expect(dimensionSets(main)).toEqual([['service'], ['service', 'tenant_id']]);
    expect(main).toMatchObject({ service: 'orders', tenant_id: 'blue', Orders: 3 });
    // The security-event documents keep their own dimensions (per type only).
    const security = docs.filter((doc) => metricValue(doc, 'SecurityEvents') !== undefined);
    expect(security).toHaveLength(1);
    expect(dimensionSets(security[0])).toEqual([['service', 'event_type']]);
  });

  it('adds nothing to an invocation without a tenant', async () => {
    const out = await captureOutput(() => invoke(handlerWith({ tenantDimension: true }), {}));
    const [main] = mainDocs(validEmf(out));
    expect(dimensionSets(main)).toEqual([['service']]);
    expect(main).not.toHaveProperty(TENANT_DIMENSION);
  });

  it("puts each concurrent invocation's own tenant on its own document (rule 2)", async () => {
    const tenants = ['t-1', 't-2', undefined, 't-1', 't-3', 't-2', undefined, 't-4'];
    const events = tenants.map((_, n) => ({ n, wait: (tenants.length - n) * 2 }));
    const out = await captureOutput(() =>
      invokeConcurrently(handlerWith({ tenantDimension: true }), events, { tenantIds: tenants }),
    );
    const main = mainDocs(validEmf(out));
    expect(main).toHaveLength(tenants.length);
    for (const [n, run] of out.result!.entries()) {
      const own = main.filter((doc) => doc.request_id === run.requestId);
      expect(own).toHaveLength(1);
      expect(own[0]?.Orders).toBe(n);
      if (tenants[n] === undefined) {
        expect(own[0]).not.toHaveProperty(TENANT_DIMENSION);
        expect(dimensionSets(own[0])).toEqual([['service']]);
      } else {
        expect(own[0]?.[TENANT_DIMENSION]).toBe(tenants[n]);
        expect(dimensionSets(own[0])).toEqual([['service'], ['service', 'tenant_id']]);
      }
    }
  });

  it('never publishes a hostile tenant id, and redacts one that is personal data', async () => {
    for (const tenantId of ['t'.repeat(2000), 'blue\nforged', 'esc\u001b', 5 as unknown as string]) {
      const out = await captureOutput(() => invoke(handlerWith({ tenantDimension: true }), {}, { tenantId }));
      const [main] = mainDocs(validEmf(out));
      expect(dimensionSets(main)).toEqual([['service']]);
      expect(out.lines.join('\n')).not.toContain('tttttttttt');
      expect(out.lines.join('\n')).not.toContain('forged');
    }
    const out = await captureOutput(() =>
      invoke(handlerWith({ tenantDimension: true }), {}, { tenantId: 'jane.doe@example.com' }),
    );
    const [main] = mainDocs(validEmf(out));
    expect(out.lines.join('\n')).not.toContain('jane.doe@example.com');
    expect(main?.[TENANT_DIMENSION]).toBe('[REDACTED:email]');
  });

  it('refuses a tenantDimension that is not a boolean, naming it', () => {
    const metrics = createMetrics({ serviceName: 'orders' });
    const build = () => emfMetrics({ metrics, tenantDimension: 'yes' as unknown as boolean });
    expect(build).toThrowError(SentinelConfigError);
    expect(build).toThrowError(/tenantDimension/);
  });
});
