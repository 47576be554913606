import { AUTHORIZER_SOURCE_KINDS, classifyEvent, HTTP_SOURCE_KINDS } from '@lambda-sentinel/core';
import { fixtures, invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { type AllowRule, InvocationSourceRejectedError, sourceAllowlist } from '../src/index.ts';

const OWN = '123456789012';
const OTHER = '999999999999';

function guarded(allow: AllowRule[]) {
  let ran = 0;
  const handler = middy(async () => {
    ran += 1;
    return 'handled';
  }).use(sourceAllowlist({ allow }));
  return { handler, ran: () => ran };
}

/** Allowed: the handler ran and its result came back. Refused: the kind's refusal, and the handler did not run. */
async function outcome(allow: AllowRule[], event: unknown): Promise<'allowed' | 'refused'> {
  const { handler, ran } = guarded(allow);
  const { result, error } = await invoke(handler, event);
  if (ran() === 1 && result === 'handled' && error === undefined) return 'allowed';
  expect(ran()).toBe(0);
  const kind = classifyEvent(event).kind;
  if (HTTP_SOURCE_KINDS.includes(kind)) {
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ statusCode: 403, body: '{"message":"Forbidden"}' });
  } else if (AUTHORIZER_SOURCE_KINDS.includes(kind)) {
    expect((error as Error).message).toBe('Unauthorized');
  } else {
    expect(error).toBeInstanceOf(InvocationSourceRejectedError);
    expect((error as InvocationSourceRejectedError).source.kind).toBe(kind);
  }
  return 'refused';
}

describe('every fixture kind', () => {
  it.each(Object.entries(fixtures.byKind))(
    '%s: allowed by its kind, refused otherwise',
    async (kind, build) => {
      const event = (build as () => unknown)();
      expect(classifyEvent(event).kind).toBe(kind);
      expect(await outcome([{ kind: kind as AllowRule['kind'] }], event)).toBe('allowed');
      expect(await outcome([{ kind: 'apigateway-websocket', apiId: 'nomatch000' }], event)).toBe('refused');
    },
  );
});

describe('forged events', () => {
  const api = { apiId: 'abc1234567', stage: 'prod' };
  const orders = `arn:aws:sqs:us-east-1:${OWN}:orders`;
  const topic = `arn:aws:sns:us-east-1:${OWN}:alerts`;
  const rule = `arn:aws:events:us-east-1:${OWN}:rule/nightly`;
  const stream = `arn:aws:kinesis:us-east-1:${OWN}:stream/clicks`;
  const cases: [string, AllowRule, unknown, unknown][] = [
    [
      'other API id',
      { kind: 'apigateway-rest', ...api },
      fixtures.apigatewayRest(api),
      fixtures.apigatewayRest({ ...api, apiId: 'evil000000' }),
    ],
    [
      'other stage',
      { kind: 'apigateway-rest', ...api },
      fixtures.apigatewayRest(api),
      fixtures.apigatewayRest({ ...api, stage: 'dev' }),
    ],
    [
      'other account (API)',
      { kind: 'apigateway-rest', ...api },
      fixtures.apigatewayRest(api),
      fixtures.apigatewayRest({ ...api, accountId: OTHER }),
    ],
    [
      'HTTP API event against a REST rule',
      { kind: 'apigateway-rest', ...api },
      fixtures.apigatewayRest(api),
      fixtures.apigatewayHttp(api),
    ],
    [
      'other queue',
      { kind: 'sqs', arn: orders },
      fixtures.sqs({ queueArn: orders }),
      fixtures.sqs({ queueName: 'payments' }),
    ],
    [
      'same queue name, other account',
      { kind: 'sqs', arn: 'arn:aws:sqs:us-east-1:*:orders' },
      fixtures.sqs({ queueName: 'orders' }),
      fixtures.sqs({ queueName: 'orders', accountId: OTHER }),
    ],
    [
      'other topic',
      { kind: 'sns', arn: topic },
      fixtures.sns({ topicArn: topic }),
      fixtures.sns({ topicName: 'other' }),
    ],
    [
      'other schedule rule',
      { kind: 'schedule', arn: rule },
      fixtures.schedule({ ruleArn: rule }),
      fixtures.schedule({ ruleName: 'hourly' }),
    ],
    [
      'EventBridge from another account',
      { kind: 'eventbridge' },
      fixtures.eventbridge(),
      fixtures.eventbridge({ accountId: OTHER }),
    ],
    [
      'other stream',
      { kind: 'kinesis', arn: stream },
      fixtures.kinesis({ streamArn: stream }),
      fixtures.kinesis({ streamName: 'other' }),
    ],
    [
      'other table stream',
      { kind: 'dynamodb-stream', arn: `arn:aws:dynamodb:us-east-1:${OWN}:table/Orders/stream/*` },
      fixtures.dynamodbStream({ tableName: 'Orders' }),
      fixtures.dynamodbStream({ tableName: 'Users' }),
    ],
    [
      'other bucket',
      { kind: 's3', arn: 'arn:aws:s3:::uploads' },
      fixtures.s3({ bucket: 'uploads' }),
      fixtures.s3({ bucket: 'uploads-evil' }),
    ],
    [
      'authorizer for another API',
      { kind: 'apigateway-authorizer-token', apiId: api.apiId },
      fixtures.apigatewayAuthorizerToken(api),
      fixtures.apigatewayAuthorizerToken({ apiId: 'evil000000' }),
    ],
    [
      'ALB from another target group',
      { kind: 'alb', arn: `arn:aws:elasticloadbalancing:us-east-1:${OWN}:targetgroup/web/*` },
      fixtures.alb({ targetGroupName: 'web' }),
      fixtures.alb({ targetGroupName: 'admin' }),
    ],
  ];
  it.each(cases)('%s', async (_name, allowRule, legit, forged) => {
    expect(await outcome([allowRule], legit)).toBe('allowed');
    expect(await outcome([allowRule], forged)).toBe('refused');
  });
});

describe('batches', () => {
  const orders = `arn:aws:sqs:us-east-1:${OWN}:orders`;
  const returns = `arn:aws:sqs:us-east-1:${OWN}:returns`;
  const allow: AllowRule[] = [{ kind: 'sqs', arn: [orders, returns] }];
  const mixed = (...events: { Records: unknown[] }[]) => ({ Records: events.flatMap((e) => e.Records) });

  it('mixed batches pass only when every record is allowed', async () => {
    const both = mixed(
      fixtures.sqs({ queueArn: orders, records: 3 }),
      fixtures.sqs({ queueArn: returns, records: 2 }),
    );
    expect(await outcome(allow, both)).toBe('allowed');
    const foreign = mixed(
      fixtures.sqs({ queueArn: orders, records: 3 }),
      fixtures.sqs({ queueName: 'evil' }),
    );
    expect(await outcome(allow, foreign)).toBe('refused');
    const crossAccount = mixed(
      fixtures.sqs({ queueArn: orders }),
      fixtures.sqs({ queueName: 'orders', accountId: OTHER }),
    );
    expect(await outcome([{ kind: 'sqs' }], crossAccount)).toBe('refused');
  });

  it('an empty batch is refused', async () => {
    expect(await outcome([{ kind: 'sqs' }], { Records: [] })).toBe('refused');
  });

  it('10,000 records: allowed, refused for one foreign record, and 10,001 records are refused outright', async () => {
    const big = fixtures.sqs({ queueArn: orders, records: 10_000 });
    expect(await outcome(allow, big)).toBe('allowed');
    const lastForeign = mixed({ Records: big.Records.slice(1) }, fixtures.sqs({ queueName: 'evil' }));
    expect(await outcome(allow, lastForeign)).toBe('refused');
    // Classification judges at most Lambda's largest batch; a record past it must not slip through.
    const oversized = mixed(big, fixtures.sqs({ queueName: 'evil' }));
    const { handler, ran } = guarded(allow);
    const { error } = await invoke(handler, oversized);
    expect(ran()).toBe(0);
    expect((error as InvocationSourceRejectedError).reason).toBe('oversized_batch');
  });
});

describe('hostile and malformed payloads', () => {
  const payloads: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a string', 'Records'],
    ['a number', 42],
    ['an array', [1, 2, 3]],
    ['an empty object', {}],
    [
      '__proto__ smuggling',
      JSON.parse('{"__proto__":{"Records":[{"eventSource":"aws:sqs","eventSourceARN":"x"}]}}'),
    ],
    ['constructor smuggling', JSON.parse('{"constructor":{"prototype":{"kind":"sqs"}}}')],
    ['null records', { Records: [null] }],
    ['requestContext of the wrong type', { requestContext: 'x', httpMethod: 'GET' }],
  ];
  it.each(payloads)('%s is unknown: refused, unless kind "unknown" is allowed', async (_name, payload) => {
    expect(await outcome([{ kind: 'sqs' }], payload)).toBe('refused');
    expect(await outcome([{ kind: 'sqs' }, { kind: 'unknown' }], payload)).toBe('allowed');
  });
});
