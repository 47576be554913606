import {
  type InvocationSource,
  invocationState,
  type SecurityEvent,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import { fixtures, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import {
  type AllowRule,
  InvocationSourceRejectedError,
  type Refusal,
  sourceAllowlist,
} from '../src/index.ts';
import { judge } from '../src/matcher.ts';
import { compileRules, RULE_FIELD_NAMES } from '../src/rules.ts';

const OWN = '123456789012';
const ORDERS = `arn:aws:sqs:us-east-1:${OWN}:orders`;
const sqsEvent = (queueArn = ORDERS) => fixtures.sqs({ queueArn });
const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };

function configError(fn: () => unknown): SentinelConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return error as SentinelConfigError;
  }
  throw new Error('expected a SentinelConfigError');
}

/** A handler behind the allowlist that reports what ran and what was recorded. */
function build(allow: AllowRule[]) {
  const refusals: Refusal[] = [];
  const events: SecurityEvent[][] = [];
  const handler = middy(async (event: { wait?: number }) => {
    await new Promise((resolve) => setTimeout(resolve, event.wait ?? 0));
    return 'ran';
  })
    .use({
      after: (request) => {
        events.push([...invocationState(request).securityEvents]);
      },
      onError: (request) => {
        events.push([...invocationState(request).securityEvents]);
      },
    })
    .use(sourceAllowlist({ allow, onRefuse: (refusal) => refusals.push(refusal) }));
  return { handler, refusals, events };
}

describe('rules with tenants', () => {
  it('is a rule field', () => {
    expect(RULE_FIELD_NAMES).toContain('tenants');
  });

  it('allow only the listed tenants; no tenant, or another, is refused as tenant_not_allowed', async () => {
    const { handler, refusals, events } = build([{ kind: 'sqs', arn: ORDERS, tenants: ['blue', 'green'] }]);
    const blue = await invoke(handler, sqsEvent(), { tenantId: 'blue' });
    expect(blue.error).toBeUndefined();
    expect(blue.result).toBe('ran');
    expect((await invoke(handler, sqsEvent(), { tenantId: 'green' })).result).toBe('ran');

    const red = await invoke(handler, sqsEvent(), { tenantId: 'red' });
    expect(red.error).toBeInstanceOf(InvocationSourceRejectedError);
    expect((red.error as InvocationSourceRejectedError).reason).toBe('tenant_not_allowed');
    const none = await invoke(handler, sqsEvent());
    expect((none.error as InvocationSourceRejectedError).reason).toBe('tenant_not_allowed');
    // Case matters: tenant ids are compared exactly.
    const upper = await invoke(handler, sqsEvent(), { tenantId: 'BLUE' });
    expect((upper.error as InvocationSourceRejectedError).reason).toBe('tenant_not_allowed');

    expect(refusals.map((r) => r.reason)).toEqual([
      'tenant_not_allowed',
      'tenant_not_allowed',
      'tenant_not_allowed',
    ]);
    const recorded = events.slice(2).map((list) => list.find((e) => e.type === 'source_rejected'));
    expect(recorded[0]).toMatchObject({
      severity: 'high',
      message: 'Invocation refused: its tenant is not allowed for its source',
      detail: { kind: 'sqs', arn: ORDERS, reason: 'tenant_not_allowed', tenantId: 'red' },
    });
    expect(recorded[1]?.detail).not.toHaveProperty('tenantId');
  });

  it('a source no rule names is refused as before, whatever the tenant', async () => {
    const { handler } = build([{ kind: 'sqs', arn: ORDERS, tenants: ['blue'] }]);
    const other = await invoke(handler, sqsEvent(`arn:aws:sqs:us-east-1:${OWN}:other`), { tenantId: 'blue' });
    expect((other.error as InvocationSourceRejectedError).reason).toBe('no_matching_rule');
  });

  it('another rule without tenants still allows its sources for everyone', async () => {
    const { handler } = build([
      { kind: 'sqs', arn: ORDERS, tenants: ['blue'] },
      { kind: 'apigateway-rest', ...API },
    ]);
    const api = await invoke(handler, fixtures.apigatewayRest(API), { tenantId: 'red' });
    expect(api.result).toBe('ran');
    const sqs = await invoke(handler, sqsEvent(), { tenantId: 'red' });
    expect((sqs.error as InvocationSourceRejectedError).reason).toBe('tenant_not_allowed');
  });

  it('an HTTP source of a refused tenant gets the 403 like any refusal', async () => {
    const { handler } = build([{ kind: 'apigateway-rest', ...API, tenants: ['blue'] }]);
    const refused = await invoke(handler, fixtures.apigatewayRest(API), { tenantId: 'red' });
    expect((refused.result as { statusCode: number }).statusCode).toBe(403);
  });

  it('judges each concurrent invocation by its own tenant (rule 2)', async () => {
    const { handler } = build([{ kind: 'sqs', arn: ORDERS, tenants: ['t-1', 't-3'] }]);
    const tenants = ['t-1', 't-2', undefined, 't-3', 't-1', 't-4', 't-3', undefined, 't-2', 't-1'];
    const events = tenants.map((_, i) => ({ ...sqsEvent(), wait: (tenants.length - i) * 2 }));
    const results = await invokeConcurrently(handler, events, { tenantIds: tenants });
    for (const [i, run] of results.entries()) {
      const allowed = tenants[i] === 't-1' || tenants[i] === 't-3';
      expect(run.result, `tenant ${tenants[i]}`).toBe(allowed ? 'ran' : undefined);
      if (!allowed) expect((run.error as InvocationSourceRejectedError).reason).toBe('tenant_not_allowed');
    }
  });

  it('never lets a hostile tenant id match, even one a rule could be tricked into naming', async () => {
    const { handler } = build([{ kind: 'sqs', arn: ORDERS, tenants: ['blue'] }]);
    for (const tenantId of [
      'blue\n',
      'blue\u0000',
      `blue${' '.repeat(300)}`,
      ['blue'] as unknown as string,
    ]) {
      const run = await invoke(handler, sqsEvent(), { tenantId });
      expect((run.error as InvocationSourceRejectedError).reason).toBe('tenant_not_allowed');
    }
  });

  it('judge prefers tenant_not_allowed over cross_account, and keeps batches whole', () => {
    const foreignArn = 'arn:aws:sqs:us-east-1:999999999999:orders';
    const foreign: InvocationSource = {
      kind: 'sqs',
      arn: foreignArn,
      records: [{ arn: foreignArn, accountId: '999999999999' }],
    };
    // The first rule opens the foreign account but not for this tenant; the second is own-account only.
    const rules = compileRules([
      { kind: 'sqs', accountId: '999999999999', tenants: ['blue'] },
      { kind: 'sqs' },
    ]);
    expect(judge(rules, foreign, OWN, 'red')).toMatchObject({ allowed: false, reason: 'tenant_not_allowed' });
    expect(judge(rules, foreign, OWN, 'blue')).toEqual({ allowed: true });
    const reversed = compileRules([
      { kind: 'sqs' },
      { kind: 'sqs', accountId: '999999999999', tenants: ['blue'] },
    ]);
    expect(judge(reversed, foreign, OWN, 'red')).toMatchObject({ reason: 'tenant_not_allowed' });
    expect(judge(compileRules([{ kind: 'sqs', tenants: ['red'] }]), foreign, OWN, 'red')).toMatchObject({
      reason: 'cross_account',
    });
    const own: InvocationSource = {
      kind: 'sqs',
      arn: ORDERS,
      records: [
        { arn: ORDERS, accountId: OWN },
        { arn: ORDERS, accountId: OWN },
      ],
    };
    const tenantOnly = compileRules([
      { kind: 'sqs', arn: ORDERS, tenants: ['blue'] },
      { kind: 'sqs', accountId: '999999999999' },
    ]);
    expect(judge(tenantOnly, own, OWN, 'red')).toMatchObject({
      allowed: false,
      reason: 'tenant_not_allowed',
    });
    expect(judge(tenantOnly, own, OWN, 'blue')).toEqual({ allowed: true });
    expect(judge(tenantOnly, own, OWN)).toMatchObject({ reason: 'tenant_not_allowed', recordIndex: 0 });
  });
});

describe('the tenants option', () => {
  const compile = (tenants: unknown) => () => compileRules([{ kind: 'sqs', tenants }]);

  it('must be a non-empty list of tenant ids, named in the error', () => {
    expect(configError(compile('blue')).message).toMatch(
      /allow\[0\]\.tenants.*expected a list of tenant ids/,
    );
    expect(configError(compile([])).message).toMatch(/allow\[0\]\.tenants.*must not be an empty list/);
    expect(configError(compile(['blue', ''])).message).toMatch(/allow\[0\]\.tenants\[1\].*non-empty string/);
    expect(configError(compile(['blue', 7])).message).toMatch(
      /allow\[0\]\.tenants\[1\].*non-empty string, got number/,
    );
    expect(configError(compile(null)).message).toMatch(/allow\[0\]\.tenants/);
    expect(configError(compile(['bad\nid'])).message).toMatch(/allow\[0\]\.tenants\[0\].*is not a tenant id/);
    expect(configError(compile(['x'.repeat(257)])).message).toMatch(/is not a tenant id/);
    expect(() => compileRules([{ kind: 'sqs', tenants: ['x'.repeat(256), 'a b:c/d@e'] }])).not.toThrow();
  });

  it('is refused by sourceAllowlist at construction', () => {
    expect(configError(() => sourceAllowlist({ allow: [{ kind: 'sqs', tenants: [] }] })).option).toBe(
      'allow[0].tenants',
    );
  });
});
