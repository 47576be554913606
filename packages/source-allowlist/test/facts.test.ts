import { gzipSync } from 'node:zlib';
import { classifyEvent, SentinelConfigError, SOURCE_KINDS } from '@lambda-sentinel/core';
import { fixtures } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type AllowRule, InvocationSourceRejectedError, sourceAllowlist } from '../src/index.ts';
import { judge } from '../src/matcher.ts';
import { compileRules } from '../src/rules.ts';

// Issue 17 item 2: rules name the facts the events carry — Cognito user pool, CloudWatch Logs
// owner and log group, CloudFront distribution, Kafka brokers and topics, service resource ids —
// judged on real fixtures through the classifier.

const OWN = '123456789012';
const OTHER = '210987654321';
const context = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${OWN}:function:f`,
  awsRequestId: 'r',
} as Context;

/** Runs `event` through a real middy handler enforcing `allow`: 'handled', or the refusal reason. */
async function enforce(allow: AllowRule[], event: unknown): Promise<string> {
  const handler = middy(async () => 'handled').use(sourceAllowlist({ allow }));
  try {
    return (await handler(event as never, context)) as string;
  } catch (error) {
    expect(error).toBeInstanceOf(InvocationSourceRejectedError);
    return (error as InvocationSourceRejectedError).reason;
  }
}

const BROKERS = 'b-1.kafka.example.com:9092,b-2.kafka.example.com:9092';

describe('rules naming source facts', () => {
  it('Kafka: a rule with bootstrapServers refuses a different broker, a foreign topic in the batch, and no brokers', async () => {
    const allow: AllowRule[] = [
      {
        kind: 'kafka',
        bootstrapServers: ['B-1.kafka.example.com:9092', 'b-2.kafka.example.com:9092'],
        topic: 'orders',
      },
    ];
    const event = (bootstrapServers: string, topic = 'orders') =>
      fixtures.kafka({ variant: 'self-managed', bootstrapServers, topic, records: 2 });
    expect(await enforce(allow, event(BROKERS))).toBe('handled');
    expect(await enforce(allow, event('b-2.kafka.example.com:9092'))).toBe('handled');
    expect(await enforce(allow, event('evil.example.net:9092'))).toBe('no_matching_rule');
    expect(await enforce(allow, event(`${BROKERS},evil.example.net:9092`))).toBe('no_matching_rule');
    expect(await enforce(allow, event('b-1.kafka.example.com:9093'))).toBe('no_matching_rule');
    expect(await enforce(allow, event(BROKERS, 'payments'))).toBe('no_matching_rule');
    const mixed = event(BROKERS) as { records: Record<string, unknown[]> };
    mixed.records['payments-0'] = [{ topic: 'payments', partition: 0, offset: 1, value: '' }];
    expect(await enforce(allow, mixed)).toBe('no_matching_rule');
    const { bootstrapServers: _, ...noBrokers } = event(BROKERS);
    expect(await enforce(allow, noBrokers)).toBe('no_matching_rule');
    // Without the fact in the rule, kind alone still allows any broker (what the issue found).
    expect(await enforce([{ kind: 'kafka' }], event('evil.example.net:9092'))).toBe('handled');
  });

  it('CloudWatch Logs: log group and owner; another account is cross-account unless named', async () => {
    const logs = (accountId: string, logGroup: string) => fixtures.cloudwatchLogs({ accountId, logGroup });
    const allow: AllowRule[] = [{ kind: 'cloudwatch-logs', logGroup: '/aws/lambda/orders' }];
    expect(await enforce(allow, logs(OWN, '/aws/lambda/orders'))).toBe('handled');
    expect(await enforce(allow, logs(OWN, '/aws/lambda/payments'))).toBe('no_matching_rule');
    expect(await enforce(allow, logs(OTHER, '/aws/lambda/orders'))).toBe('cross_account');
    expect(await enforce([{ ...allow[0]!, accountId: OTHER }], logs(OTHER, '/aws/lambda/orders'))).toBe(
      'handled',
    );
    // A payload that cannot be read (a gzip bomb here) carries no log group: refused, not crashed.
    const bomb = gzipSync(
      `{"owner":"${OWN}","logGroup":"/aws/lambda/orders","pad":"${' '.repeat(9 * 2 ** 20)}"}`,
    );
    expect(await enforce(allow, { awslogs: { data: bomb.toString('base64') } })).toBe('no_matching_rule');
  });

  it('Cognito user pool, CloudFront distribution and service resource ids', async () => {
    const pool: AllowRule[] = [{ kind: 'cognito-trigger', userPoolId: 'us-east-1_Orders1' }];
    expect(await enforce(pool, fixtures.cognitoTrigger({ userPoolId: 'us-east-1_Orders1' }))).toBe('handled');
    expect(await enforce(pool, fixtures.cognitoTrigger({ userPoolId: 'us-east-1_Other22' }))).toBe(
      'no_matching_rule',
    );
    const edge: AllowRule[] = [{ kind: 'cloudfront', distributionId: 'E2QWRUHEXAMPLE' }];
    expect(await enforce(edge, fixtures.cloudfront({ distributionId: 'E2QWRUHEXAMPLE' }))).toBe('handled');
    expect(await enforce(edge, fixtures.cloudfront({ distributionId: 'EOTHER' }))).toBe('no_matching_rule');
    const bot: AllowRule[] = [{ kind: 'lex-v2', resourceId: 'ABCDEFGH12' }];
    expect(await enforce(bot, fixtures.lexV2())).toBe('handled');
    expect(await enforce(bot, fixtures.lexV2({ botId: 'ZZZZZZZZ99' }))).toBe('no_matching_rule');
    const server: AllowRule[] = [{ kind: 'transfer-idp', resourceId: 's-abcd123456' }];
    expect(await enforce(server, fixtures.transferIdp({ serverId: 's-0000000000' }))).toBe(
      'no_matching_rule',
    );
  });

  it('a Kafka message or S3 Batch task past the 10,000 judged is refused as oversized_batch, not let through', async () => {
    const kafka = fixtures.kafka({
      variant: 'self-managed',
      bootstrapServers: BROKERS,
      topic: 'orders',
      records: 10_000,
    });
    const allow: AllowRule[] = [{ kind: 'kafka', bootstrapServers: BROKERS.split(','), topic: 'orders' }];
    expect(await enforce(allow, kafka)).toBe('handled');
    (kafka as { records: Record<string, unknown[]> }).records['payments-0'] = [
      { topic: 'payments', value: '' },
    ];
    expect(await enforce(allow, kafka)).toBe('oversized_batch');
    const bucket: AllowRule[] = [{ kind: 's3-batch', arn: 'arn:aws:s3:::amzn-s3-demo-bucket' }];
    const batch = fixtures.s3Batch({ records: 10_000 }) as { tasks: Record<string, unknown>[] };
    expect(await enforce(bucket, batch)).toBe('handled');
    batch.tasks.push({ taskId: 'x', s3BucketArn: 'arn:aws:s3:::elsewhere', s3Key: 'k' });
    expect(await enforce(bucket, batch)).toBe('oversized_batch');
  });

  it('a rule naming a fact never matches a source that does not carry it', () => {
    const rules = compileRules([
      { kind: SOURCE_KINDS.filter((k) => k !== 'unknown'), userPoolId: 'us-east-1_A' },
      { kind: SOURCE_KINDS.filter((k) => k !== 'unknown'), logGroup: '/g' },
      { kind: SOURCE_KINDS.filter((k) => k !== 'unknown'), distributionId: 'E1' },
      { kind: SOURCE_KINDS.filter((k) => k !== 'unknown'), bootstrapServers: 'h:1' },
      { kind: SOURCE_KINDS.filter((k) => k !== 'unknown'), topic: 't' },
      { kind: SOURCE_KINDS.filter((k) => k !== 'unknown'), resourceId: 'r' },
    ]);
    for (const build of Object.values(fixtures.byKind)) {
      const source = classifyEvent((build as () => unknown)());
      expect(judge(rules, source, OWN).allowed, source.kind).toBe(false);
    }
  });

  it('every new service kind can be allowed by kind and its own facts, and refused by another', async () => {
    const cases: [AllowRule, unknown, unknown][] = [
      [
        { kind: 'appsync-authorizer', apiId: 'a1b2c3d4e5' },
        fixtures.appsyncAuthorizer(),
        fixtures.appsyncAuthorizer({ apiId: 'zz' }),
      ],
      [
        { kind: 'appsync-events', apiId: 'a1b2c3d4e5' },
        fixtures.appsyncEvents(),
        fixtures.appsyncEvents({ apiId: 'zz' }),
      ],
      [
        { kind: 'codecommit', arn: `arn:aws:codecommit:us-east-1:${OWN}:my-repo` },
        fixtures.codecommit(),
        fixtures.codecommit({ repositoryName: 'other' }),
      ],
      [{ kind: 'codepipeline' }, fixtures.codepipeline(), fixtures.codepipeline({ accountId: OTHER })],
      [
        { kind: 'connect-contact-flow', arn: `arn:aws:connect:us-east-1:${OWN}:instance/*` },
        fixtures.connectContactFlow(),
        fixtures.connectContactFlow({ region: 'eu-west-1' }),
      ],
      [
        {
          kind: 'iot-provisioning-hook',
          arn: `arn:aws:iot:us-east-1:${OWN}:provisioningtemplate/MyTemplate`,
        },
        fixtures.iotProvisioningHook(),
        fixtures.iotProvisioningHook({ templateName: 'Other' }),
      ],
      [
        {
          kind: 'kinesis-analytics',
          arn: `arn:aws:kinesisanalytics:us-east-1:${OWN}:application/example-application`,
        },
        fixtures.kinesisAnalytics(),
        fixtures.kinesisAnalytics({ accountId: OTHER }),
      ],
      [
        { kind: 's3-batch', arn: 'arn:aws:s3:::amzn-s3-demo-bucket' },
        fixtures.s3Batch({ schema: '2.0' }),
        fixtures.s3Batch({ bucket: 'other' }),
      ],
      [
        {
          kind: 'cloudwatch-alarm',
          arn: `arn:aws:cloudwatch:us-east-1:${OWN}:alarm:lambda-demo-metric-alarm`,
        },
        fixtures.cloudwatchAlarm(),
        fixtures.cloudwatchAlarm({ alarmName: 'x' }),
      ],
      [
        { kind: 'cloudwatch-widget', resourceId: 'operations' },
        fixtures.cloudwatchWidget(),
        fixtures.cloudwatchWidget({ accountId: OTHER }),
      ],
      [
        { kind: 'ground-truth', region: 'us-east-1' },
        fixtures.groundTruth(),
        fixtures.groundTruth({ region: 'eu-west-1' }),
      ],
      [
        { kind: 'cognito-sync', resourceId: 'us-east-1:4a56c1b8-3c1e-4f8e-9f0a-1234567890ab' },
        fixtures.cognitoSync(),
        fixtures.cognitoSync({ identityPoolId: 'us-east-1:x' }),
      ],
      [
        { kind: 'alexa-skill', resourceId: 'amzn1.ask.skill.0a1b2c3d-1234-5678-9abc-def012345678' },
        fixtures.alexaSkill(),
        fixtures.alexaSkill({ applicationId: 'amzn1.ask.skill.other' }),
      ],
      [
        { kind: 'bedrock-agent', resourceId: 'BAF1234567' },
        fixtures.bedrockAgent(),
        fixtures.bedrockAgent({ agentId: 'OTHER' }),
      ],
      [
        { kind: 'client-vpn', resourceId: 'cvpn-endpoint-0f13eab7f860433cc' },
        fixtures.clientVpn(),
        fixtures.clientVpn({ endpointId: 'cvpn-endpoint-1' }),
      ],
      [
        { kind: 'connect-campaign', resourceId: 'campaign-12345' },
        fixtures.connectCampaign(),
        fixtures.connectCampaign({ campaignId: 'c-2' }),
      ],
      [
        { kind: 'iot-button', resourceId: 'G030JF055364XVRB' },
        fixtures.iotButton(),
        fixtures.iotButton({ deviceId: 'G0' }),
      ],
      [{ kind: 'lex-v1', resourceId: 'BookTrip' }, fixtures.lexV1(), fixtures.lexV1({ botName: 'Other' })],
    ];
    for (const [rule, allowedEvent, refusedEvent] of cases) {
      expect(await enforce([rule], allowedEvent), String(rule.kind)).toBe('handled');
      expect(await enforce([rule], refusedEvent), String(rule.kind)).not.toBe('handled');
    }
    // Kinds whose events name nothing: the kind alone, and only that kind.
    for (const kind of ['codedeploy-hook', 'iot-authorizer', 'alexa-smart-home', 'workmail'] as const) {
      expect(await enforce([{ kind }], fixtures.byKind[kind]())).toBe('handled');
      expect(await enforce([{ kind: 'sqs' }], fixtures.byKind[kind]())).toBe('no_matching_rule');
    }
  });

  it.each([
    ['userPoolId', 'us-east-1-AbC'],
    ['userPoolId', 'us-east-1_'],
    ['logGroup', 'has space'],
    ['logGroup', 'x'.repeat(513)],
    ['logGroup', '/aws/*'],
    ['distributionId', 'e2qwr'],
    ['bootstrapServers', 'broker.example.com'],
    ['bootstrapServers', 'broker.example.com:port'],
    ['bootstrapServers', '*:9092'],
    ['topic', 'orders/eu'],
    ['topic', '*'],
    ['resourceId', 'a b'],
    ['resourceId', ''],
  ])('refuses a malformed %s (%s) at construction, naming the option', (fieldName, value) => {
    expect(() => sourceAllowlist({ allow: [{ kind: 'kafka', [fieldName]: value }] })).toThrow(
      SentinelConfigError,
    );
    expect(() => sourceAllowlist({ allow: [{ kind: 'kafka', [fieldName]: value }] })).toThrow(
      `allow[0].${fieldName}`,
    );
  });
});
