import { type InvocationSource, SOURCE_KINDS } from '@lambda-sentinel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { suggestAllowlist } from '../src/index.ts';
import { judge } from '../src/matcher.ts';
import { compileRules } from '../src/rules.ts';

const OWN = '123456789012';
const queue = (name: string, account = OWN) => `arn:aws:sqs:us-east-1:${account}:${name}`;
const sqs = (...arns: string[]): InvocationSource => ({
  kind: 'sqs',
  arn: arns[0],
  records: arns.map((arn) => ({ arn, accountId: arn.split(':')[4], region: 'us-east-1' })),
});
const rest = (apiId: string, stage: string, path = '/x'): InvocationSource => ({
  kind: 'apigateway-rest',
  accountId: OWN,
  region: 'us-east-1',
  apiId,
  stage,
  method: 'GET',
  path,
});

describe('suggestAllowlist', () => {
  it('one exact rule for one queue, however many records', () => {
    expect(suggestAllowlist([sqs(queue('orders'), queue('orders')), sqs(queue('orders'))])).toEqual([
      { kind: 'sqs', arn: queue('orders') },
    ]);
  });

  it('merges queues into one rule with exact ARNs, a glob only for 3+ sharing a name prefix', () => {
    expect(suggestAllowlist([sqs(queue('orders')), sqs(queue('returns'))])).toEqual([
      { kind: 'sqs', arn: [queue('orders'), queue('returns')] },
    ]);
    expect(suggestAllowlist([sqs(queue('orders-eu'), queue('orders-us')), sqs(queue('orders-ap'))])).toEqual([
      { kind: 'sqs', arn: queue('orders-*') },
    ]);
    expect(suggestAllowlist([sqs(queue('a'), queue('b'), queue('c'))])).toEqual([
      { kind: 'sqs', arn: [queue('a'), queue('b'), queue('c')] },
    ]);
    // No glob across the ':'-separated segments, nor a prefix that is not a name boundary.
    expect(suggestAllowlist([sqs(queue('orderA'), queue('orderB'), queue('orderC'))])[0]!.arn).toHaveLength(
      3,
    );
  });

  it('collapses HTTP sources per api and stage, ignoring method and path', () => {
    expect(
      suggestAllowlist([rest('abc123', 'prod', '/a'), rest('abc123', 'prod', '/b'), rest('abc123', 'dev')]),
    ).toEqual([
      {
        kind: 'apigateway-rest',
        accountId: OWN,
        region: 'us-east-1',
        apiId: 'abc123',
        stage: ['dev', 'prod'],
      },
    ]);
  });

  it('never merges into a cross product that allows more than was seen', () => {
    const rules = suggestAllowlist([rest('aaa111', 'prod'), rest('bbb222', 'dev')]);
    expect(rules).toHaveLength(2);
    const compiled = compileRules(rules);
    expect(judge(compiled, rest('aaa111', 'dev'), OWN).allowed).toBe(false);
  });

  it('names other accounts so the rules also pass cross-account sources', () => {
    const rules = suggestAllowlist([sqs(queue('orders', '999999999999'))]);
    expect(rules).toEqual([{ kind: 'sqs', arn: queue('orders', '999999999999') }]);
    expect(judge(compileRules(rules), sqs(queue('orders', '999999999999')), OWN).allowed).toBe(true);
  });

  it('skips forged values no rule should hold: ARN globs, malformed regions, bad kinds', () => {
    expect(
      suggestAllowlist([
        sqs(queue('*')),
        { kind: 'sqs', records: [{ arn: queue('x'), region: 'Mars' }] },
        { kind: 'nope' } as never,
        null as never,
        { kind: 'unknown' },
      ]),
    ).toEqual([{ kind: 'unknown' }]);
    expect(suggestAllowlist([])).toEqual([]);
  });

  it('property: the suggestion allows every observed source and no unobserved kind', () => {
    const account = fc.constantFrom(OWN, '999999999999', '111122223333');
    const name = fc.stringMatching(/^[a-z]{1,6}(-[a-z0-9]{1,4})?$/);
    const origin = fc.record({ account, name, region: fc.constantFrom('us-east-1', 'eu-west-1') });
    const batch = fc.record({
      kind: fc.constantFrom('sqs', 'sns', 'kinesis'),
      origins: fc.array(origin, { minLength: 1, maxLength: 5 }),
    });
    const http = fc.record({
      kind: fc.constantFrom('apigateway-rest', 'apigateway-http'),
      account,
      apiId: fc.stringMatching(/^[a-z0-9]{10}$/),
      stage: fc.constantFrom('prod', 'dev', '$default'),
    });
    const source = fc.oneof(
      batch.map(({ kind, origins }): InvocationSource => {
        const arns = origins.map((o) => `arn:aws:${kind}:${o.region}:${o.account}:${o.name}`);
        return { kind: kind as 'sqs', arn: arns[0], records: arns.map((arn) => ({ arn })) };
      }),
      http.map(
        ({ kind, account, apiId, stage }): InvocationSource => ({
          kind: kind as 'apigateway-rest',
          accountId: account,
          apiId,
          stage,
        }),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(source, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(OWN, undefined),
        (sources, own) => {
          const rules = suggestAllowlist(sources);
          const compiled = compileRules(rules);
          for (const s of sources) expect(judge(compiled, s, own).allowed).toBe(true);
          const seenKinds = new Set(sources.map((s) => s.kind));
          for (const kind of SOURCE_KINDS) {
            if (!seenKinds.has(kind)) {
              expect(
                judge(compiled, { kind, accountId: OWN, records: [{ accountId: OWN }] }, OWN).allowed,
              ).toBe(false);
            }
          }
          expect(rules.length).toBeLessThanOrEqual(sources.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('suggestAllowlist on stream ARNs', () => {
  it('globs the stream label of 3+ DynamoDB stream ARNs of one table, not across tables', () => {
    const stream = (table: string, label: string) =>
      `arn:aws:dynamodb:us-east-1:${OWN}:table/${table}/stream/${label}`;
    const labels = ['2024-01-01T00:00:00.000', '2024-06-01T10:20:30.400', '2025-02-03T04:05:06.700'];
    const sources: InvocationSource[] = labels.map((label) => ({
      kind: 'dynamodb-stream',
      records: [{ arn: stream('Orders', label) }],
    }));
    const rules = suggestAllowlist(sources);
    expect(rules).toEqual([{ kind: 'dynamodb-stream', arn: stream('Orders', '*') }]);
    const compiled = compileRules(rules);
    expect(
      judge(
        compiled,
        { kind: 'dynamodb-stream', records: [{ arn: stream('Orders', '2026-01-01T00:00:00.000') }] },
        OWN,
      ).allowed,
    ).toBe(true);
    expect(
      judge(compiled, { kind: 'dynamodb-stream', records: [{ arn: stream('Users', labels[0]!) }] }, OWN)
        .allowed,
    ).toBe(false);
  });
});
