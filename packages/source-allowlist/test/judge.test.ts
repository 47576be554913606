import type { InvocationSource } from '@lambda-sentinel/core';
import { describe, expect, it } from 'vitest';
import { hasUnjudgedRecords, judge, originAccount, originRegion } from '../src/matcher.ts';
import { forbiddenResponse } from '../src/responses.ts';
import { compileRules } from '../src/rules.ts';

// The matcher's answers for each field a rule can name, and for batches.

const OWN = '123456789012';
const OTHER = '210987654321';
const queue = (account = OWN, region = 'us-east-1') => `arn:aws:sqs:${region}:${account}:orders`;
const rules = (...allow: unknown[]) => compileRules(allow);

describe('judge, one source', () => {
  const api: InvocationSource = {
    kind: 'apigateway-rest',
    accountId: OWN,
    region: 'eu-west-1',
    apiId: 'a1b2c3d4e5',
    stage: 'prod',
    method: 'get',
    path: '/orders/7',
  };

  it('matches only when every field the rule names matches', () => {
    const allowed = (rule: Record<string, unknown>, source = api) =>
      judge(rules({ kind: 'apigateway-rest', ...rule }), source, OWN).allowed;
    expect(allowed({})).toBe(true);
    expect(allowed({ apiId: 'a1b2c3d4e5', stage: 'prod', method: 'GET', path: '/orders/*' })).toBe(true);
    expect(allowed({ region: 'eu-west-1' })).toBe(true);
    expect(allowed({ region: ['us-east-1', 'eu-west-1'] })).toBe(true);
    expect(allowed({ region: 'us-east-1' })).toBe(false);
    expect(allowed({ region: 'eu-west-1' }, { ...api, region: undefined })).toBe(false);
    expect(allowed({ apiId: 'other' })).toBe(false);
    expect(allowed({ apiId: 'a1b2c3d4e5' }, { ...api, apiId: undefined })).toBe(false);
    expect(allowed({ stage: 'dev' })).toBe(false);
    expect(allowed({ stage: 'prod' }, { ...api, stage: undefined })).toBe(false);
    expect(allowed({ method: 'POST' })).toBe(false);
    expect(allowed({ method: 'GET' }, { ...api, method: undefined })).toBe(false);
    expect(allowed({ path: ['/users/*', '/orders/*'] })).toBe(true);
    expect(allowed({ path: ['/users/*', '/orders'] })).toBe(false);
    expect(allowed({ path: '/orders/*' }, { ...api, path: undefined })).toBe(false);
    expect(allowed({ accountId: OWN })).toBe(true);
    expect(allowed({ accountId: OTHER })).toBe(false);
    expect(allowed({ accountId: OWN }, { ...api, accountId: undefined })).toBe(false);
    expect(judge(rules({ kind: 'sqs' }), api, OWN).allowed).toBe(false);
  });

  it('names why it refused: unknown source, another account, or no rule', () => {
    expect(judge(rules({ kind: 'sqs' }), { kind: 'unknown' }, OWN)).toEqual({
      allowed: false,
      reason: 'unknown_source',
      origin: { arn: undefined, accountId: undefined, region: undefined },
    });
    const foreign: InvocationSource = {
      kind: 'eventbridge',
      arn: `arn:aws:events:us-east-1:${OTHER}:rule/r`,
    };
    expect(judge(rules({ kind: 'eventbridge' }), foreign, OWN)).toMatchObject({
      allowed: false,
      reason: 'cross_account',
    });
    // a later rule that matches wins over an earlier cross-account answer
    expect(
      judge(rules({ kind: 'eventbridge' }, { kind: 'eventbridge', accountId: OTHER }), foreign, OWN).allowed,
    ).toBe(true);
    // a cross-account answer is kept over a later mismatch
    expect(judge(rules({ kind: 'eventbridge' }, { kind: 'sqs' }), foreign, OWN)).toMatchObject({
      reason: 'cross_account',
    });
    expect(judge(rules({ kind: 'sqs' }), { kind: 'eventbridge' }, OWN)).toMatchObject({
      reason: 'no_matching_rule',
    });
    // an ARN pattern needs an ARN to match
    expect(
      judge(rules({ kind: 'eventbridge', arn: 'arn:aws:events:*:*:rule/r' }), { kind: 'eventbridge' }, OWN)
        .allowed,
    ).toBe(false);
  });
});

describe('judge, a batch', () => {
  const batch = (...records: InvocationSource['records'] & object): InvocationSource => ({
    kind: 'sqs',
    arn: records[0]?.arn,
    records,
  });

  it('refuses at the first record whose origin no rule allows, naming it', () => {
    const allow = rules({ kind: 'sqs', arn: queue() });
    expect(judge(allow, batch({ arn: queue() }, { arn: queue() }), OWN)).toEqual({ allowed: true });
    expect(
      judge(allow, batch({ arn: queue() }, { arn: queue(OWN, 'eu-west-1') }, { arn: queue() }), OWN),
    ).toEqual({
      allowed: false,
      reason: 'no_matching_rule',
      origin: { arn: queue(OWN, 'eu-west-1'), accountId: undefined, region: undefined },
      recordIndex: 1,
    });
    expect(judge(rules({ kind: 'sqs' }), batch({ arn: queue() }, { arn: queue(OTHER) }), OWN)).toMatchObject({
      reason: 'cross_account',
      recordIndex: 1,
    });
    expect(judge(allow, { kind: 'sqs', records: [] }, OWN)).toMatchObject({ reason: 'empty_batch' });
  });

  it('judges each record by its own account and region, not only its ARN', () => {
    const inRegion = rules({ kind: 'sqs', region: 'us-east-1' });
    // same ARN, another region named on the record: judged again, refused
    expect(
      judge(inRegion, batch({ arn: queue() }, { arn: queue(), region: 'eu-west-1' }), OWN),
    ).toMatchObject({ allowed: false, recordIndex: 1 });
    const ownOnly = rules({ kind: 'sqs', accountId: OWN });
    expect(judge(ownOnly, batch({ arn: queue() }, { arn: queue(), accountId: OTHER }), OWN)).toMatchObject({
      allowed: false,
      recordIndex: 1,
    });
  });

  it('falls back to the source for what a record does not carry', () => {
    const source: InvocationSource = {
      kind: 'sqs',
      arn: queue(),
      region: 'us-east-1',
      accountId: OWN,
      records: [{}],
    };
    expect(
      judge(rules({ kind: 'sqs', arn: queue(), region: 'us-east-1', accountId: OWN }), source, OWN),
    ).toEqual({
      allowed: true,
    });
  });
});

describe('origins', () => {
  it('take the account and region from the field, else from the ARN', () => {
    expect(originAccount({ arn: queue(OTHER) })).toBe(OTHER);
    expect(originAccount({ arn: queue(OTHER), accountId: OWN })).toBe(OWN);
    expect(originRegion({ arn: queue(OWN, 'eu-west-1') })).toBe('eu-west-1');
    expect(originRegion({ arn: queue(), region: 'ap-south-1' })).toBe('ap-south-1');
    for (const arn of [
      'urn:aws:sqs:us-east-1:123456789012:q',
      'arn:aws:sqs:us-east-1:123456789012',
      'arn:aws:sqs:::q',
    ]) {
      expect(originAccount({ arn })).toBeUndefined();
      expect(originRegion({ arn })).toBeUndefined();
    }
  });
});

describe('hasUnjudgedRecords', () => {
  it('is true only for a Records batch longer than what was judged', () => {
    const judged: InvocationSource = { kind: 'sqs', records: [{}, {}] };
    expect(hasUnjudgedRecords({ Records: [1, 2] }, judged)).toBe(false);
    expect(hasUnjudgedRecords({ Records: [1, 2, 3] }, judged)).toBe(true);
    expect(hasUnjudgedRecords({ Records: [1] }, { kind: 'sqs' })).toBe(true);
    expect(hasUnjudgedRecords({ Records: [1, 2, 3] }, { kind: 'apigateway-rest' })).toBe(false);
    expect(hasUnjudgedRecords(null, judged)).toBe(false);
    expect(hasUnjudgedRecords('Records', judged)).toBe(false);
    expect(hasUnjudgedRecords({ Records: 'x' }, judged)).toBe(false);
  });
});

describe('forbiddenResponse', () => {
  it('answers each HTTP kind in the shape its integration expects', () => {
    const single = { 'content-type': 'application/json' };
    const body = '{"message":"Forbidden"}';
    expect(forbiddenResponse('apigateway-rest', {})).toEqual({
      statusCode: 403,
      isBase64Encoded: false,
      body,
      headers: single,
    });
    expect(forbiddenResponse('alb', {})).toEqual({
      statusCode: 403,
      isBase64Encoded: false,
      body,
      headers: single,
      statusDescription: '403 Forbidden',
    });
    expect(forbiddenResponse('alb', { multiValueHeaders: {} })).toEqual({
      statusCode: 403,
      isBase64Encoded: false,
      body,
      multiValueHeaders: { 'content-type': ['application/json'] },
      statusDescription: '403 Forbidden',
    });
    // multi-value headers are an ALB setting only
    expect(forbiddenResponse('apigateway-rest', { multiValueHeaders: {} })).toHaveProperty('headers', single);
    expect(forbiddenResponse('alb', null)).toHaveProperty('headers', single);
    expect(forbiddenResponse('alb', 'event')).toHaveProperty('headers', single);
    expect(forbiddenResponse('vpc-lattice', {})).toHaveProperty('statusDescription', '403 Forbidden');
  });
});
