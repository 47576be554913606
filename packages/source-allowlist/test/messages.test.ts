import { SentinelConfigError } from '@lambda-sentinel/core';
import { describe, expect, it } from 'vitest';
import { InvocationSourceRejectedError, sourceAllowlist } from '../src/index.ts';
import { compileRules } from '../src/rules.ts';

// Rule 5: a bad rule is refused at construction with a message that names the
// option and says what is wrong — the exact words, since users act on them.

const ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';

function message(allow: unknown): string {
  try {
    compileRules(allow);
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('compileRules says what is wrong', () => {
  it.each<[unknown, string]>([
    ['sqs', 'allow: expected a list of rules, got "sqs"'],
    [null, 'allow: expected a list of rules, got null'],
    [
      [],
      'allow: is empty, which would refuse every invocation; use mode: "observe" to learn your sources first',
    ],
    [[null], 'allow[0]: expected a rule object, got null'],
    [[['sqs']], 'allow[0]: expected a rule object, got an array'],
    [[42], 'allow[0]: expected a rule object, got number'],
    [[`${'s'.repeat(70)}`], `allow[0]: expected a rule object, got "${'s'.repeat(60)}"`],
    [[{ arn: ARN }], 'allow[0].kind: is required'],
    [[{ kind: [] }], 'allow[0].kind: must not be an empty list'],
    [[{ kind: ['sqs', 42] }], 'allow[0].kind[1]: expected a non-empty string, got number'],
    [[{ kind: ['sqs', ''] }], 'allow[0].kind[1]: expected a non-empty string, got ""'],
    [[{ kind: 'sqs', stage: '' }], 'allow[0].stage: expected a non-empty string, got ""'],
    [[{ kind: 'sqs-queue' }], 'allow[0].kind: "sqs-queue" is not a source kind'],
    [[{ kind: 'x'.repeat(70) }], `allow[0].kind: "${'x'.repeat(60)}" is not a source kind`],
    [
      [{ kind: 'sqs', queue: 'orders' }],
      'allow[0].queue: unknown rule field; expected one of kind, arn, verifySignature, accountId, region, apiId, stage, method, path, userPoolId, logGroup, distributionId, bootstrapServers, topic, resourceId, tenants',
    ],
    [
      [{ kind: 'sqs', arn: 'orders' }],
      'allow[0].arn: "orders" is not an ARN (arn:partition:service:region:account:resource)',
    ],
    [
      [{ kind: 'sqs', arn: `urn${ARN.slice(3)}` }],
      `allow[0].arn: "urn${ARN.slice(3)}" is not an ARN (arn:partition:service:region:account:resource)`,
    ],
    [
      [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012' }],
      'allow[0].arn: "arn:aws:sqs:us-east-1:123456789012" is not an ARN (arn:partition:service:region:account:resource)',
    ],
    [
      [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:123456789012:' }],
      'allow[0].arn: "arn:aws:sqs:us-east-1:123456789012:" has an empty resource',
    ],
    [
      [{ kind: 'sqs', arn: 'arn::sqs:us-east-1:123456789012:orders' }],
      'allow[0].arn: "arn::sqs:us-east-1:123456789012:orders" has an empty partition',
    ],
    [
      [{ kind: 'sqs', arn: 'arn:aws::us-east-1:123456789012:orders' }],
      'allow[0].arn: "arn:aws::us-east-1:123456789012:orders" has an empty service',
    ],
    [
      [{ kind: 'sqs', arn: 'arn:aws:sqs:useast:123456789012:orders' }],
      'allow[0].arn: "arn:aws:sqs:useast:123456789012:orders" has a malformed region "useast"',
    ],
    [
      [{ kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:1234:orders' }],
      'allow[0].arn: "arn:aws:sqs:us-east-1:1234:orders" has a malformed account "1234" (expected 12 digits or *)',
    ],
    [
      [{ kind: 'sqs', arn: `${ARN}-**` }],
      `allow[0].arn: "${ARN}-**" uses "**"; only "*" (within one segment) is supported`,
    ],
    [
      [{ kind: 'sqs', arn: `${ARN}${'q'.repeat(130)} x` }],
      `allow[0].arn: ${JSON.stringify(`${ARN}${'q'.repeat(130)}`.slice(0, 120))} contains " "; only "*" is special and whitespace is not allowed`,
    ],
    [[{ kind: 'sqs', accountId: '12345' }], 'allow[0].accountId: "12345" is not a 12-digit account id'],
    [
      [{ kind: 'sqs', accountId: '1'.repeat(90) }],
      `allow[0].accountId: "${'1'.repeat(80)}" is not a 12-digit account id`,
    ],
    [[{ kind: 'sqs', region: 'US-EAST-1' }], 'allow[0].region: "US-EAST-1" is not a region like us-east-1'],
    [[{ kind: 'apigateway-rest', apiId: 'a b' }], 'allow[0].apiId: "a b" is not an API id'],
    [[{ kind: 'apigateway-rest', stage: 'a*' }], 'allow[0].stage: "a*" is not a stage name'],
    [[{ kind: 'apigateway-rest', method: 'GET /' }], 'allow[0].method: "GET /" is not an HTTP method'],
    [[{ kind: 'apigateway-rest', path: 'users' }], 'allow[0].path: "users" must start with "/"'],
    [
      [{ kind: 'apigateway-rest', path: 'u'.repeat(90) }],
      `allow[0].path: "${'u'.repeat(80)}" must start with "/"`,
    ],
    [
      [{ kind: 'apigateway-rest', path: '/users/**' }],
      'allow[0].path: "/users/**" uses "**"; only "*" (within one segment) is supported',
    ],
  ])('%j', (allow, says) => {
    expect(message(allow)).toBe(says);
  });
});

describe('the value patterns are anchored at both ends', () => {
  const ok = (rule: Record<string, unknown>) => () => compileRules([{ kind: 'apigateway-rest', ...rule }]);

  it('account ids: exactly 12 digits', () => {
    expect(ok({ accountId: '123456789012' })).not.toThrow();
    for (const bad of ['1234567890123', 'x123456789012', '123456789012x', '12345678901'])
      expect(ok({ accountId: bad })).toThrow(/is not a 12-digit account id$/);
  });

  it('regions: two letters, one or more -words, a one- or two-digit number', () => {
    for (const good of ['us-east-1', 'us-gov-west-1', 'ap-southeast-10'])
      expect(ok({ region: good })).not.toThrow();
    for (const bad of ['us-east-1x', 'xus-east-1', 'us-east-123', 'us-east', 'u-east-1', 'useast-1'])
      expect(ok({ region: bad })).toThrow(/is not a region like us-east-1$/);
  });

  it('methods: letters only, 1 to 16', () => {
    for (const good of ['GET', 'get', 'PROPFIND', 'A'.repeat(16)]) expect(ok({ method: good })).not.toThrow();
    for (const bad of ['1GET', 'GET1', 'A'.repeat(17), ' GET'])
      expect(ok({ method: bad })).toThrow(/is not an HTTP method$/);
  });

  it('ARN regions and accounts too, where they are not wildcards', () => {
    const arn = (region: string, account: string) => ok({ arn: `arn:aws:sqs:${region}:${account}:q` });
    expect(arn('us-east-1', '123456789012')).not.toThrow();
    expect(arn('*', '*')).not.toThrow();
    expect(arn('us-*', '1234*')).not.toThrow();
    expect(arn('', '')).not.toThrow();
    expect(arn('us-east-1x', '123456789012')).toThrow(/malformed region/);
    expect(arn('us-east-1', '1234567890123')).toThrow(/malformed account/);
  });
});

describe('InvocationSourceRejectedError', () => {
  it('says what it is', () => {
    const error = new InvocationSourceRejectedError({ kind: 'sqs' }, 'unknown_source');
    expect(error.message).toBe('Invocation source not allowed');
    expect(error.name).toBe('InvocationSourceRejectedError');
  });
});

describe('sourceAllowlist options say what is wrong', () => {
  const good = [{ kind: 'sqs', arn: ARN }];
  it.each<[unknown, string]>([
    [null, 'options: expected an object like { allow: [...] }'],
    [[good], 'options: expected an object like { allow: [...] }'],
    [
      { allow: good, alow: good },
      'alow: unknown option; expected one of allow, mode, onRefuse, logger, snsSignature',
    ],
    [{ allow: good, mode: 'block' }, 'mode: expected "enforce" or "observe", got "block"'],
    [{ allow: good, mode: null }, 'mode: expected "enforce" or "observe", got null'],
    [{ allow: good, onRefuse: 'alert' }, 'onRefuse: expected a function'],
    [{ allow: good, logger: null }, 'logger: expected an object with an info(message, extra) method'],
    [{ allow: good, logger: {} }, 'logger: expected an object with an info(message, extra) method'],
  ])('%j', (options, says) => {
    expect(() => sourceAllowlist(options as never)).toThrow(says);
    try {
      sourceAllowlist(options as never);
    } catch (error) {
      expect((error as Error).message).toBe(says);
    }
  });

  it('takes every valid mode, and an absent one', () => {
    for (const mode of ['enforce', 'observe', undefined])
      expect(() => sourceAllowlist({ allow: good as never, mode: mode as never })).not.toThrow();
  });
});
