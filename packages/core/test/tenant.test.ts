import { invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currentInvocationState,
  invocationState,
  MAX_TENANT_ID_LENGTH,
  validTenantId,
} from '../src/index.ts';

// `InvokeStoreBase.PROTECTED_KEYS.TENANT_ID` of @aws/lambda-invoke-store.
const TENANT_ID = Symbol.for('_AWS_LAMBDA_TENANT_ID');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  inMiddleware: string | undefined;
  inHandler: string | undefined;
}

/** A Middy handler that reports the tenant id its middleware and its own code see, after an await. */
function tenantEcho() {
  return middy(async (event: { wait: number }) => {
    await sleep(event.wait);
    return currentInvocationState()?.tenantId;
  }).use({
    before: (request) => {
      invocationState(request);
    },
    after: (request) => {
      const seen: Seen = {
        inMiddleware: invocationState(request).tenantId,
        inHandler: request.response as string | undefined,
      };
      request.response = seen;
    },
  });
}

describe('the tenant id of an invocation', () => {
  it('is read from the Lambda context', async () => {
    const outcome = await invoke(tenantEcho(), { wait: 0 }, { tenantId: 'blue' });
    expect(outcome.context.tenantId).toBe('blue');
    expect(outcome.result).toEqual({ inMiddleware: 'blue', inHandler: 'blue' });
  });

  it('is absent when the function is not in tenant isolation mode', async () => {
    const outcome = await invoke(tenantEcho(), { wait: 0 });
    expect(outcome.result).toEqual({ inMiddleware: undefined, inHandler: undefined });
    expect(Object.keys(invocationState({ internal: {}, context: {} }))).not.toContain('tenantId');
  });

  it('is read from the invoke store when handler code touches the state before any middleware', async () => {
    const outcome = await invoke(
      async () => ({
        fromState: currentInvocationState()?.tenantId,
        stored: globalThis.awslambda?.InvokeStore?.get(TENANT_ID),
      }),
      {},
      { tenantId: 'green' },
    );
    expect(outcome.result).toEqual({ fromState: 'green', stored: 'green' });
  });

  it('falls back to the invoke store when the context carries none', async () => {
    const handler = async (_event: unknown, context: { tenantId?: string }) => {
      const request = { internal: {}, context: { awsRequestId: 'r', tenantId: undefined } };
      return { context: context.tenantId, state: invocationState(request).tenantId };
    };
    const outcome = await invoke(handler, {}, { tenantId: 'amber' });
    expect(outcome.result).toEqual({ context: 'amber', state: 'amber' });
  });

  it('never crosses into another concurrent invocation (rule 2)', async () => {
    const tenants = ['t-a', 't-b', undefined, 't-a', 't-c', undefined, 't-b', 't-d'];
    // Later invocations finish first, so every await resumes in a different order than it started.
    const events = tenants.map((_, i) => ({ wait: (tenants.length - i) * 3 }));
    const results = await invokeConcurrently(tenantEcho(), events, { tenantIds: tenants });
    expect(results.map((r) => r.error)).toEqual(tenants.map(() => undefined));
    expect(results.map((r) => r.result)).toEqual(tenants.map((t) => ({ inMiddleware: t, inHandler: t })));
  });

  it('drops hostile tenant ids: too long, control characters, not a string', async () => {
    const hostile: unknown[] = [
      'x'.repeat(MAX_TENANT_ID_LENGTH + 1),
      'x'.repeat(1_000_000),
      'blue\n{"level":"ERROR","message":"forged"}',
      'blue\r',
      'tab\there',
      'nul\u0000',
      'del\u007f',
      'c1\u0085',
      'sep\u2028',
      '',
      42,
      { toString: () => 'blue' },
      ['blue'],
      null,
    ];
    for (const tenantId of hostile) {
      const outcome = await invoke(tenantEcho(), { wait: 0 }, { tenantId: tenantId as string });
      expect(outcome.result, JSON.stringify(String(tenantId).slice(0, 40))).toEqual({
        inMiddleware: undefined,
        inHandler: undefined,
      });
    }
    const longest = 'y'.repeat(MAX_TENANT_ID_LENGTH);
    const kept = await invoke(tenantEcho(), { wait: 0 }, { tenantId: longest });
    expect(kept.result).toEqual({ inMiddleware: longest, inHandler: longest });
  });

  it('validTenantId keeps exactly the strings of 1-256 characters without control characters (property)', () => {
    const safe = fc.string({
      unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', ':', '/', '@', ' ', 'é'),
      maxLength: 300,
      size: 'max',
    });
    const control = fc.constantFrom(
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u001b',
      '\u007f',
      '\u0090',
      '\u2028',
      '\u2029',
    );
    const withControl = fc.tuple(safe, control, safe).map(([a, c, b]) => a + c + b);
    const lengths = { at256: 0, at257: 0 };
    fc.assert(
      fc.property(fc.oneof(safe, withControl, fc.anything()), (value) => {
        const expected =
          typeof value === 'string' &&
          value.length >= 1 &&
          value.length <= 256 &&
          !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value);
        if (typeof value === 'string' && value.length === 256) lengths.at256++;
        if (typeof value === 'string' && value.length === 257) lengths.at257++;
        expect(validTenantId(value)).toBe(expected ? value : undefined);
      }),
      { numRuns: 2000 },
    );
    expect(validTenantId('a'.repeat(256))).toBe('a'.repeat(256));
    expect(validTenantId('a'.repeat(257))).toBeUndefined();
  });
});
