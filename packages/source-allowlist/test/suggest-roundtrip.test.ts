import { classifyEvent } from '@lambda-sentinel/core';
import { fixtures } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AllowRule, readObservedSources, sourceAllowlist, suggestAllowlist } from '../src/index.ts';

// Issue 17 item 3: suggestions a person would write, proven by a round trip through the real
// middleware: observe events, read the log lines back, suggest, enforce.

const OWN = '123456789012';
const CROSS = '111122223333';
/** Never generated as an observation: the "another account". */
const FOREIGN = '999999999999';
const context = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${OWN}:function:f`,
  awsRequestId: 'r',
} as Context;

/** Observe mode over `events`, then the rules suggested from its log lines. */
async function observeAndSuggest(events: unknown[]): Promise<AllowRule[]> {
  const lines: string[] = [];
  const logger = {
    info: (message: string, extra: object) => lines.push(JSON.stringify({ message, ...extra })),
  };
  const handler = middy(async () => 'handled').use(sourceAllowlist({ mode: 'observe', logger }));
  for (const event of events) await handler(event as never, context);
  return suggestAllowlist(readObservedSources(lines));
}

/** True when a real middy handler enforcing `allow` runs the handler for `event`. */
async function accepts(allow: AllowRule[], event: unknown): Promise<boolean> {
  const handler = middy(async () => 'handled').use(sourceAllowlist({ allow }));
  try {
    return (await handler(event as never, context)) === 'handled';
  } catch {
    return false;
  }
}

const authorizer = (o: { apiId: string; stage: string; method: string; path: string; accountId?: string }) =>
  fixtures.apigatewayAuthorizerToken(o);

describe('suggestAllowlist: authorizers at API and stage', () => {
  it('allows every route of the stage, not only the method ARN it saw; the method when all agree', async () => {
    const seen = [
      authorizer({ apiId: 'a1b2c3d4e5', stage: 'prod', method: 'GET', path: '/pets/42' }),
      authorizer({ apiId: 'a1b2c3d4e5', stage: 'prod', method: 'GET', path: '/orders/7' }),
    ];
    const rules = await observeAndSuggest(seen);
    expect(rules).toEqual([
      {
        kind: 'apigateway-authorizer-token',
        accountId: OWN,
        region: 'us-east-1',
        apiId: 'a1b2c3d4e5',
        stage: 'prod',
        method: 'GET',
      },
    ]);
    expect(
      await accepts(rules, authorizer({ apiId: 'a1b2c3d4e5', stage: 'prod', method: 'GET', path: '/x/y' })),
    ).toBe(true);
    expect(
      await accepts(rules, authorizer({ apiId: 'a1b2c3d4e5', stage: 'prod', method: 'POST', path: '/x' })),
    ).toBe(false);
    expect(
      await accepts(rules, authorizer({ apiId: 'a1b2c3d4e5', stage: 'dev', method: 'GET', path: '/x' })),
    ).toBe(false);
  });

  it('leaves the method out when observations disagree or say *, and tolerates {proxy+} and * paths', async () => {
    const rules = suggestAllowlist(
      [
        authorizer({ apiId: 'a1b2c3d4e5', stage: 'prod', method: 'GET', path: '/{proxy+}' }),
        authorizer({ apiId: 'a1b2c3d4e5', stage: 'prod', method: 'POST', path: '/*' }),
        authorizer({ apiId: 'f6g7h8i9j0', stage: 'dev', method: '*', path: '/*' }),
      ].map((event) => classifyEvent(event)),
    );
    expect(rules).toEqual([
      {
        kind: 'apigateway-authorizer-token',
        accountId: OWN,
        region: 'us-east-1',
        apiId: 'a1b2c3d4e5',
        stage: 'prod',
      },
      {
        kind: 'apigateway-authorizer-token',
        accountId: OWN,
        region: 'us-east-1',
        apiId: 'f6g7h8i9j0',
        stage: 'dev',
      },
    ]);
    // The request authorizer of an HTTP API (routeArn) likewise.
    expect(
      suggestAllowlist([
        classifyEvent(
          fixtures.apigatewayAuthorizerRequest({
            format: 'http',
            apiId: 'h77p',
            stage: '$default',
            path: '/{proxy+}',
          }),
        ),
      ]),
    ).toEqual([
      {
        kind: 'apigateway-authorizer-request',
        accountId: OWN,
        region: 'us-east-1',
        apiId: 'h77p',
        stage: '$default',
        method: 'GET',
      },
    ]);
  });

  it('gives no rule for an API or stage that is not a literal, nor for a method ARN without one', () => {
    const arn = (resource: string) => `arn:aws:execute-api:us-east-1:${OWN}:${resource}`;
    const token = (methodArn: string) => ({
      kind: 'apigateway-authorizer-token' as const,
      arn: methodArn,
      accountId: OWN,
      region: 'us-east-1',
    });
    expect(
      suggestAllowlist([token(arn('*/prod/GET/')), token(arn('a1b2/*/GET/')), token(arn('a1b2'))]),
    ).toEqual([]);
  });
});

describe('suggestAllowlist: source facts', () => {
  it('pins user pools, log groups, distributions, brokers and topics, resource ids', async () => {
    const rules = await observeAndSuggest([
      fixtures.cognitoTrigger({ userPoolId: 'us-east-1_Orders1' }),
      fixtures.cloudwatchLogs({ logGroup: '/aws/lambda/orders' }),
      fixtures.cloudwatchLogs({ logGroup: '/aws/lambda/payments' }),
      fixtures.cloudfront({ distributionId: 'E2QWRUHEXAMPLE' }),
      fixtures.kafka({ variant: 'self-managed', bootstrapServers: 'b-1.example.com:9092', topic: 'orders' }),
      fixtures.kafka({ variant: 'self-managed', bootstrapServers: 'b-1.example.com:9092', topic: 'refunds' }),
      fixtures.lexV2({ botId: 'ABCDEFGH12' }),
    ]);
    expect(rules).toEqual([
      { kind: 'cloudfront', distributionId: 'E2QWRUHEXAMPLE' },
      { kind: 'cloudwatch-logs', accountId: OWN, logGroup: ['/aws/lambda/orders', '/aws/lambda/payments'] },
      { kind: 'cognito-trigger', region: 'us-east-1', userPoolId: 'us-east-1_Orders1' },
      { kind: 'kafka', bootstrapServers: 'b-1.example.com:9092', topic: ['orders', 'refunds'] },
      { kind: 'lex-v2', resourceId: 'ABCDEFGH12' },
    ]);
  });
});

describe('suggestAllowlist: round-trip property', () => {
  // Small, bounded generators: names from short alphabets, at most 6 observations per run.
  const account = fc.constantFrom(OWN, CROSS);
  const region = fc.constantFrom('us-east-1', 'eu-west-1');
  const name = fc.stringMatching(/^[a-z]{1,6}(-[a-z0-9]{1,3})?$/);
  const apiId = fc.stringMatching(/^[a-z0-9]{10}$/);
  const observation = fc.oneof(
    fc.record({
      type: fc.constant('authorizer' as const),
      accountId: account,
      region,
      apiId,
      stage: fc.constantFrom('prod', 'dev', '$default'),
      method: fc.constantFrom('GET', 'POST', '*', 'ANY'),
      path: fc.constantFrom('/pets/42', '/{proxy+}', '/*', '/', '/orders/{id}'),
    }),
    fc.record({ type: fc.constantFrom('sqs' as const, 'sns' as const), accountId: account, region, name }),
    fc.record({
      type: fc.constant('kafka' as const),
      name,
      broker: fc.constantFrom('b-1.example.com:9092', 'b-2.example.com:9092'),
    }),
  );
  type Observation = typeof observation extends fc.Arbitrary<infer T> ? T : never;

  /** The event of an observation, or of its variant with `change` applied. */
  function eventOf(o: Observation, change: 'none' | 'account' | 'api' | 'name' | 'broker' = 'none'): unknown {
    const other = 'Unobserved_x'; // upper case: no observed name, and no suggested prefix glob, matches it
    switch (o.type) {
      case 'authorizer':
        return fixtures.apigatewayAuthorizerToken({
          ...o,
          accountId: change === 'account' ? FOREIGN : o.accountId,
          apiId: change === 'api' ? 'ZZZZZZZZZZ' : o.apiId,
        });
      case 'sqs':
      case 'sns': {
        const options = {
          accountId: change === 'account' ? FOREIGN : o.accountId,
          region: o.region,
          records: 2,
        };
        return o.type === 'sqs'
          ? fixtures.sqs({ ...options, queueName: change === 'name' ? other : o.name })
          : fixtures.sns({ ...options, topicName: change === 'name' ? other : o.name });
      }
      case 'kafka':
        return fixtures.kafka({
          variant: 'self-managed',
          topic: change === 'name' ? other : o.name,
          bootstrapServers: change === 'broker' ? 'evil.example.net:9092' : o.broker,
          records: 2,
        });
    }
  }

  it('enforcing the suggestion accepts every observed event and refuses it from another account, API, queue, topic or broker', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { minLength: 1, maxLength: 6 }), async (observations) => {
        const rules = await observeAndSuggest(observations.map((o) => eventOf(o)));
        for (const o of observations) {
          expect(await accepts(rules, eventOf(o))).toBe(true);
          const changes =
            o.type === 'authorizer'
              ? (['account', 'api'] as const)
              : o.type === 'kafka'
                ? (['name', 'broker'] as const)
                : (['account', 'name'] as const);
          for (const change of changes) expect(await accepts(rules, eventOf(o, change))).toBe(false);
        }
        // No broader than observed: at most one rule per observation.
        expect(rules.length).toBeLessThanOrEqual(observations.length);
      }),
      { numRuns: 150 },
    );
  });
});
