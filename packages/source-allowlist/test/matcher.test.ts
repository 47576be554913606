import type { InvocationSource } from '@lambda-sentinel/core';
import { describe, expect, it } from 'vitest';
import type { AllowRule } from '../src/index.ts';
import { judge } from '../src/matcher.ts';
import { compileRules } from '../src/rules.ts';

const OWN = '123456789012';
const OTHER = '999999999999';
const queue = (name: string, account = OWN, region = 'us-east-1') =>
  `arn:aws:sqs:${region}:${account}:${name}`;
const sqs = (...arns: string[]): InvocationSource => ({
  kind: 'sqs',
  ...(arns[0] ? { arn: arns[0] } : {}),
  records: arns.map((arn) => ({ arn, accountId: arn.split(':')[4], region: arn.split(':')[3] })),
});
// `null` stands for "the function's own account is unknown" (a default parameter would swallow undefined).
const allowed = (allow: AllowRule[], source: InvocationSource, own: string | null = OWN) =>
  judge(compileRules(allow), source, own ?? undefined);

describe('judge', () => {
  it('matches a rule when every field it names matches, any rule suffices', () => {
    const allow: AllowRule[] = [
      { kind: 'sns', arn: 'arn:aws:sns:us-east-1:123456789012:alerts' },
      { kind: 'sqs', arn: queue('orders') },
    ];
    expect(allowed(allow, sqs(queue('orders'))).allowed).toBe(true);
    expect(allowed(allow, sqs(queue('payments')))).toMatchObject({
      allowed: false,
      reason: 'no_matching_rule',
    });
  });

  it('kind alone allows any same-account source of that kind', () => {
    expect(allowed([{ kind: 'sqs' }], sqs(queue('anything'))).allowed).toBe(true);
    expect(allowed([{ kind: 'sns' }], sqs(queue('anything'))).allowed).toBe(false);
  });

  it('arn globs match within one ARN component only', () => {
    const allow: AllowRule[] = [{ kind: 'sqs', arn: queue('orders-*') }];
    expect(allowed(allow, sqs(queue('orders-eu'))).allowed).toBe(true);
    expect(allowed(allow, sqs(queue('orders-'))).allowed).toBe(true);
    expect(allowed(allow, sqs(queue('orders'))).allowed).toBe(false);
    // The resource component may hold ':' (DynamoDB stream labels); other components may not.
    expect(allowed(allow, sqs(`${queue('orders-eu')}:extra`)).allowed).toBe(true);
    const anyAccount: AllowRule[] = [
      { kind: 'sqs', accountId: OTHER, arn: 'arn:aws:sqs:us-east-1:*:orders' },
    ];
    expect(allowed(anyAccount, sqs(`arn:aws:sqs:us-east-1:${OTHER}:orders`)).allowed).toBe(true);
    expect(allowed(anyAccount, sqs(`arn:aws:sqs:us-east-1:${OTHER}:x:orders`)).allowed).toBe(false);
    expect(
      allowed([{ kind: 'sqs', arn: 'arn:aws:*:us-east-1:123456789012:orders' }], sqs(queue('orders')))
        .allowed,
    ).toBe(true);
    expect(
      allowed(
        [{ kind: 'sqs', arn: 'arn:aws:sqs:*:123456789012:orders' }],
        sqs(queue('orders', OWN, 'eu-west-1')),
      ).allowed,
    ).toBe(true);
  });

  it('treats regex characters in ARNs literally', () => {
    const allow: AllowRule[] = [{ kind: 'sqs', arn: queue('orders.fifo') }];
    expect(allowed(allow, sqs(queue('orders.fifo'))).allowed).toBe(true);
    expect(allowed(allow, sqs(queue('ordersXfifo'))).allowed).toBe(false);
  });

  it('checks api id, stage, method (any case) and path globs for HTTP sources', () => {
    const allow: AllowRule[] = [
      { kind: 'apigateway-rest', apiId: 'abc123', stage: 'prod', method: ['get'], path: '/users/*' },
    ];
    const base: InvocationSource = {
      kind: 'apigateway-rest',
      accountId: OWN,
      apiId: 'abc123',
      stage: 'prod',
      method: 'GET',
      path: '/users/42',
    };
    expect(allowed(allow, base).allowed).toBe(true);
    for (const forged of [
      { apiId: 'zzz999' },
      { stage: 'dev' },
      { method: 'DELETE' },
      { path: '/admin/42' },
      { path: '/users/42/keys' },
      { kind: 'apigateway-http' as const },
      { accountId: OTHER },
    ]) {
      expect(allowed(allow, { ...base, ...forged }).allowed, JSON.stringify(forged)).toBe(false);
    }
    const { stage: _stage, ...noStage } = base;
    expect(allowed(allow, noStage).allowed).toBe(false);
  });

  describe('cross-account', () => {
    it('refuses another account unless a rule names it', () => {
      expect(allowed([{ kind: 'sqs' }], sqs(queue('orders', OTHER)))).toMatchObject({
        allowed: false,
        reason: 'cross_account',
        origin: { accountId: OTHER },
      });
      expect(allowed([{ kind: 'sqs', accountId: OTHER }], sqs(queue('orders', OTHER))).allowed).toBe(true);
      expect(
        allowed([{ kind: 'sqs', arn: queue('orders', OTHER) }], sqs(queue('orders', OTHER))).allowed,
      ).toBe(true);
      expect(
        allowed([{ kind: 'sqs', arn: queue('orders-*', OTHER) }], sqs(queue('orders-1', OTHER))).allowed,
      ).toBe(true);
    });

    it('an account wildcard in an ARN does not open cross-account', () => {
      const allow: AllowRule[] = [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:*:orders' }];
      expect(allowed(allow, sqs(queue('orders'))).allowed).toBe(true);
      expect(allowed(allow, sqs(queue('orders', OTHER)))).toMatchObject({
        allowed: false,
        reason: 'cross_account',
      });
    });

    it('takes the account from the ARN when the source does not state it', () => {
      const source: InvocationSource = { kind: 'sqs', records: [{ arn: queue('orders', OTHER) }] };
      expect(allowed([{ kind: 'sqs' }], source)).toMatchObject({ allowed: false, reason: 'cross_account' });
    });

    it('fails closed when the own account is unknown: every known account must be named', () => {
      expect(allowed([{ kind: 'sqs' }], sqs(queue('orders')), null).allowed).toBe(false);
      expect(allowed([{ kind: 'sqs', accountId: OWN }], sqs(queue('orders')), null).allowed).toBe(true);
    });

    it('judges a source whose account is unknown by its other fields', () => {
      const s3: InvocationSource = {
        kind: 's3',
        arn: 'arn:aws:s3:::uploads',
        records: [{ arn: 'arn:aws:s3:::uploads', region: 'us-east-1' }],
      };
      expect(allowed([{ kind: 's3', arn: 'arn:aws:s3:::uploads' }], s3).allowed).toBe(true);
      expect(allowed([{ kind: 's3', arn: 'arn:aws:s3:::other' }], s3).allowed).toBe(false);
      // A rule that names an account cannot be satisfied by a source that does not prove one.
      expect(allowed([{ kind: 's3', accountId: OWN }], s3).allowed).toBe(false);
    });
  });

  describe('batches', () => {
    const allow: AllowRule[] = [{ kind: 'sqs', arn: [queue('orders'), queue('returns')] }];

    it('allows a batch whose every record matches, even from different allowed origins', () => {
      expect(allowed(allow, sqs(queue('orders'), queue('returns'), queue('orders'))).allowed).toBe(true);
    });

    it('one foreign record refuses the whole batch and is the one reported', () => {
      const verdict = allowed(allow, sqs(queue('orders'), queue('orders'), queue('evil'), queue('orders')));
      expect(verdict).toMatchObject({ allowed: false, recordIndex: 2, origin: { arn: queue('evil') } });
    });

    it('refuses an empty batch, and a batch kind without records', () => {
      expect(allowed(allow, { kind: 'sqs', records: [] })).toMatchObject({
        allowed: false,
        reason: 'empty_batch',
      });
      expect(allowed([{ kind: 'sqs' }], { kind: 'sqs' })).toMatchObject({
        allowed: false,
        reason: 'empty_batch',
      });
    });

    it('a record without an ARN falls back to the source ARN, and fails an arn rule without one', () => {
      expect(allowed(allow, { kind: 'sqs', arn: queue('orders'), records: [{}] }).allowed).toBe(true);
      expect(allowed(allow, { kind: 'sqs', records: [{}] }).allowed).toBe(false);
    });

    it('judges 10,000 records, refusing the last foreign one', () => {
      const arns = Array.from({ length: 10_000 }, (_, i) => (i === 9_999 ? queue('evil') : queue('orders')));
      expect(allowed(allow, sqs(...arns.slice(0, -1))).allowed).toBe(true);
      expect(allowed(allow, sqs(...arns))).toMatchObject({ allowed: false, recordIndex: 9_999 });
    });
  });

  it('refuses unknown unless a rule allows it', () => {
    expect(allowed([{ kind: 'sqs' }], { kind: 'unknown' })).toMatchObject({
      allowed: false,
      reason: 'unknown_source',
    });
    expect(allowed([{ kind: 'unknown' }], { kind: 'unknown' }).allowed).toBe(true);
  });
});
