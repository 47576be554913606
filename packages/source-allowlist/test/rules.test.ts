import { SentinelConfigError } from '@lambda-sentinel/core';
import { describe, expect, it } from 'vitest';
import { sourceAllowlist } from '../src/index.ts';
import { compileRules } from '../src/rules.ts';

function configError(fn: () => unknown): SentinelConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return error as SentinelConfigError;
  }
  throw new Error('expected a SentinelConfigError');
}

describe('option validation at construction', () => {
  const good = { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:orders' };

  it.each([
    ['allow', { allow: [] }],
    ['allow', { allow: 'sqs' }],
    ['allow', {}],
    ['allow[0]', { allow: [null] }],
    ['allow[0]', { allow: ['sqs'] }],
    ['allow[1].kind', { allow: [good, { kind: 'sqs-queue' }] }],
    ['allow[0].kind', { allow: [{ arn: good.arn }] }],
    ['allow[0].kind', { allow: [{ kind: [] }] }],
    ['allow[0].kind[1]', { allow: [{ kind: ['sqs', 42] }] }],
    ['allow[2].kind', { allow: [good, good, { kind: 'lambda' }] }],
    ['allow[0].queue', { allow: [{ kind: 'sqs', queue: 'orders' }] }],
    ['allow[0].__proto__', { allow: [JSON.parse('{"kind":"sqs","__proto__":{"x":1}}')] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'orders' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:1234:orders' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:useast:123456789012:orders' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:orders-**' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:orders-?' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:{a,b}' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:or ders' }] }],
    ['allow[0].arn', { allow: [{ kind: 'sqs', arn: 'arn::sqs:us-east-1:123456789012:orders' }] }],
    ['allow[0].accountId', { allow: [{ kind: 'sqs', accountId: '12345' }] }],
    ['allow[0].accountId', { allow: [{ kind: 'sqs', accountId: '*' }] }],
    ['allow[0].region', { allow: [{ kind: 'sqs', region: 'US-EAST-1' }] }],
    ['allow[0].apiId', { allow: [{ kind: 'apigateway-rest', apiId: 'a b' }] }],
    ['allow[0].stage', { allow: [{ kind: 'apigateway-rest', stage: '' }] }],
    ['allow[0].method', { allow: [{ kind: 'apigateway-rest', method: 'GET /' }] }],
    ['allow[0].path', { allow: [{ kind: 'apigateway-rest', path: 'users' }] }],
    ['allow[0].path', { allow: [{ kind: 'apigateway-rest', path: '/users/**' }] }],
    ['mode', { allow: [good], mode: 'block' }],
    ['onRefuse', { allow: [good], onRefuse: 'alert' }],
    ['logger', { allow: [good], mode: 'observe', logger: {} }],
    ['alow', { alow: [good] }],
  ])('names %s', (option, options) => {
    const error = configError(() => sourceAllowlist(options as never));
    expect(error.option).toBe(option);
    expect(error.message.startsWith(`${option}: `)).toBe(true);
  });

  it('rejects non-object options', () => {
    expect(configError(() => sourceAllowlist(null as never)).option).toBe('options');
  });

  it('accepts every field, lists and globs', () => {
    const rules = compileRules([
      {
        kind: ['apigateway-rest', 'apigateway-http'],
        accountId: ['123456789012', '210987654321'],
        region: 'eu-west-1',
        apiId: 'abc123',
        stage: ['prod', 'staging'],
        method: ['get', 'POST'],
        path: '/users/*',
      },
      { kind: 'sqs', arn: ['arn:aws:sqs:*:123456789012:orders-*', 'arn:aws-cn:sqs:cn-north-1:*:x'] },
      { kind: 's3', arn: 'arn:aws:s3:::my-bucket' },
      { kind: 'unknown' },
    ]);
    expect(rules).toHaveLength(4);
    expect(rules[0]!.methods).toEqual(new Set(['GET', 'POST']));
    expect(rules[1]!.arns![0]!.literalAccount).toBe('123456789012');
    expect(rules[1]!.arns![1]!.literalAccount).toBeUndefined();
  });

  it('allows observe mode without rules, but not an explicitly empty list', () => {
    expect(() => sourceAllowlist({ mode: 'observe' })).not.toThrow();
    expect(configError(() => sourceAllowlist({ mode: 'observe', allow: [] })).option).toBe('allow');
  });
});
