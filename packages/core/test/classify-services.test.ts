import { gzipSync } from 'node:zlib';
import { fixtures } from '@lambda-sentinel/testing';
import { describe, expect, it } from 'vitest';
import { MAX_LOGS_INFLATED_BYTES } from '../src/classify-logs.ts';
import { classifyEvent } from '../src/index.ts';

// Sources invoked directly by one AWS service, and the source facts that
// older kinds now carry (issue 17, items 1 and 2). Every expectation is the
// whole source.

const OWN = '123456789012';

describe('service payloads: variants and near misses', () => {
  it('AppSync: Events handlers publish and subscribe; Amplify resolvers keep typeName/fieldName at the top', () => {
    for (const operation of ['PUBLISH', 'SUBSCRIBE'] as const) {
      expect(
        classifyEvent(fixtures.appsyncEvents({ operation, apiId: 'evt123', region: 'eu-west-1' })),
      ).toStrictEqual({ kind: 'appsync-events', apiId: 'evt123', region: 'eu-west-1' });
    }
    const amplify = {
      typeName: 'Query',
      fieldName: 'echo',
      arguments: { msg: 'hi' },
      identity: { sub: 'user-sub-1', username: 'jdoe' },
      source: null,
      request: { headers: { host: 'amp1234567.appsync-api.eu-central-1.amazonaws.com' } },
      prev: null,
    };
    expect(classifyEvent(amplify)).toStrictEqual({
      kind: 'appsync',
      apiId: 'amp1234567',
      region: 'eu-central-1',
      principal: 'user-sub-1',
    });
    expect(classifyEvent([amplify, amplify]).kind).toBe('appsync');
    // Half a resolver shape is not one.
    expect(classifyEvent({ typeName: 'Query', fieldName: 'echo' })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ typeName: 'Query', arguments: {} })).toStrictEqual({ kind: 'unknown' });
    // An AppSync authorizer needs its query; an API Gateway TOKEN authorizer is still itself.
    expect(
      classifyEvent({ authorizationToken: 'x', requestContext: { apiId: 'a1', accountId: OWN } }),
    ).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ ...fixtures.appsyncAuthorizer(), type: 'TOKEN' }).kind).toBe('appsync-authorizer');
  });

  it('IoT buttons, 1-Click devices and the provisioning hook', () => {
    expect(classifyEvent(fixtures.iotButton({ variant: 'one-click', deviceId: 'G030PM0123' }))).toStrictEqual(
      {
        kind: 'iot-button',
        resourceId: 'G030PM0123',
      },
    );
    expect(classifyEvent({ serialNumber: 'G030', batteryVoltage: '1705mV' })).toStrictEqual({
      kind: 'unknown',
    });
    expect(classifyEvent({ templateArn: 'arn:aws:iot:us-east-1:123:provisioningtemplate/T' })).toStrictEqual({
      kind: 'unknown',
    });
  });

  it('Kinesis Data Analytics preprocessing and output delivery: one origin per record', () => {
    const app = `arn:aws:kinesisanalytics:eu-west-1:${OWN}:application/clicks`;
    for (const variant of ['output', 'preprocessing'] as const) {
      const origin = { arn: app, accountId: OWN, region: 'eu-west-1' };
      expect(
        classifyEvent(
          fixtures.kinesisAnalytics({ variant, region: 'eu-west-1', applicationName: 'clicks', records: 2 }),
        ),
      ).toStrictEqual({ kind: 'kinesis-analytics', ...origin, records: [origin, origin] });
    }
  });

  it('S3 Batch Operations schema 1.0 and 2.0, each task judged by its own bucket', () => {
    const bucketArn = 'arn:aws:s3:::reports';
    expect(classifyEvent(fixtures.s3Batch({ schema: '2.0', bucket: 'reports' }))).toStrictEqual({
      kind: 's3-batch',
      arn: bucketArn,
      records: [{ arn: bucketArn }],
    });
    const mixed = fixtures.s3Batch({ bucket: 'reports', records: 2 }) as { tasks: Record<string, unknown>[] };
    mixed.tasks[1]!.s3BucketArn = 'arn:aws:s3:::elsewhere';
    expect(classifyEvent(mixed).records).toStrictEqual([
      { arn: bucketArn },
      { arn: 'arn:aws:s3:::elsewhere' },
    ]);
  });

  it('Lex V1 and V2, Bedrock agents by API path or function, Alexa skills and Smart Home', () => {
    expect(classifyEvent(fixtures.bedrockAgent({ variant: 'function', agentId: 'AG1' }))).toStrictEqual({
      kind: 'bedrock-agent',
      resourceId: 'AG1',
    });
    const { currentIntent: _, ...noIntent } = fixtures.lexV1();
    expect(classifyEvent(noIntent)).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ ...fixtures.lexV1(), invocationSource: 'Other' })).toStrictEqual({
      kind: 'unknown',
    });
    // An Alexa request names a skill (amzn1.…); another `request`/`session` payload does not.
    expect(
      classifyEvent({ request: { type: 'x' }, session: { application: { applicationId: 'mine' } } }),
    ).toStrictEqual({ kind: 'unknown' });
    expect(
      classifyEvent({ directive: { header: { namespace: 'Custom', payloadVersion: '3' } } }),
    ).toStrictEqual({ kind: 'unknown' });
  });

  it('Transfer Family by its protocols only; Client VPN, Connect, CodePipeline need their full shape', () => {
    for (const protocol of ['SFTP', 'FTP', 'FTPS', 'AS2'] as const) {
      expect(classifyEvent(fixtures.transferIdp({ protocol })).kind).toBe('transfer-idp');
    }
    expect(classifyEvent({ ...fixtures.transferIdp(), protocol: 'HTTP' })).toStrictEqual({ kind: 'unknown' });
    const { 'schema-version': _, ...vpn } = fixtures.clientVpn();
    expect(classifyEvent(vpn)).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ ...fixtures.connectContactFlow(), Name: 'Other' })).toStrictEqual({
      kind: 'unknown',
    });
    expect(classifyEvent({ 'CodePipeline.job': { id: 'x' } })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ DeploymentId: 'd-1' })).toStrictEqual({ kind: 'unknown' });
  });

  it('CloudWatch alarms and widgets; Ground Truth before and after annotation; WorkMail', () => {
    expect(classifyEvent({ ...fixtures.cloudwatchAlarm(), alarmData: undefined })).toStrictEqual({
      kind: 'unknown',
    });
    const widget = fixtures.cloudwatchWidget() as { widgetContext: Record<string, unknown> };
    widget.widgetContext.domain = 'https://example.com';
    expect(classifyEvent(widget)).toStrictEqual({
      kind: 'cloudwatch-widget',
      resourceId: 'operations',
      accountId: OWN,
    });
    expect(classifyEvent(fixtures.groundTruth({ variant: 'post', region: 'us-west-2' }))).toStrictEqual({
      kind: 'ground-truth',
      arn: `arn:aws:sagemaker:us-west-2:${OWN}:labeling-job/my-labeling-job`,
      accountId: OWN,
      region: 'us-west-2',
    });
    expect(classifyEvent({ ...fixtures.workmail(), flowDirection: undefined })).toStrictEqual({
      kind: 'unknown',
    });
  });
});

describe('source facts of older kinds', () => {
  it('CloudFront: the distribution id', () => {
    expect(classifyEvent(fixtures.cloudfront({ distributionId: 'E2QWRUHEXAMPLE' })).distributionId).toBe(
      'E2QWRUHEXAMPLE',
    );
  });

  it('Kafka: each record’s topic, and the bootstrap servers lower-cased and sorted', () => {
    const event = fixtures.kafka({
      variant: 'self-managed',
      bootstrapServers: ' B-2.example.com:9092 ,b-1.example.com:9092,b-2.example.com:9092',
      records: 1,
    }) as { records: Record<string, unknown[]> };
    event.records['payments-0'] = [{ topic: 'payments', partition: 0, offset: 1, value: '' }];
    expect(classifyEvent(event)).toStrictEqual({
      kind: 'kafka',
      topic: 'mytopic',
      bootstrapServers: ['b-1.example.com:9092', 'b-2.example.com:9092'],
      records: [{ topic: 'mytopic' }, { topic: 'payments' }],
    });
    for (const bad of ['', 'b-1.example.com', 'b-1.example.com:x', 'host :9092,ok:1', 'a:1;b:2', ':9092']) {
      expect(
        classifyEvent(fixtures.kafka({ variant: 'self-managed', bootstrapServers: bad })).bootstrapServers,
      ).toBe(undefined);
    }
    // Hostile lists: bounded and linear — a megabyte of one "host", or of commas, reads nothing.
    for (const huge of ['a'.repeat(1 << 20), ','.repeat(1 << 20), `${'a.'.repeat(1 << 19)}:9092`]) {
      const started = performance.now();
      expect(
        classifyEvent(fixtures.kafka({ variant: 'self-managed', bootstrapServers: huge })).bootstrapServers,
      ).toBe(undefined);
      expect(performance.now() - started).toBeLessThan(200);
    }
    const many = Array.from({ length: 65 }, (_, i) => `b-${i}.example.com:9092`).join(',');
    expect(
      classifyEvent(fixtures.kafka({ variant: 'self-managed', bootstrapServers: many })).bootstrapServers,
    ).toBe(undefined);
  });

  it('CloudWatch Logs: the owner account and log group from the gzipped payload', () => {
    expect(
      classifyEvent(fixtures.cloudwatchLogs({ accountId: '210987654321', logGroup: '/aws/lambda/orders' })),
    ).toStrictEqual({ kind: 'cloudwatch-logs', accountId: '210987654321', logGroup: '/aws/lambda/orders' });
    const wrap = (payload: Buffer) => ({ awslogs: { data: payload.toString('base64') } });
    const logs = (json: unknown) => classifyEvent(wrap(gzipSync(JSON.stringify(json))));
    expect(logs({ owner: 'anonymous', logGroup: 7 })).toStrictEqual({ kind: 'cloudwatch-logs' });
    expect(logs(null)).toStrictEqual({ kind: 'cloudwatch-logs' });
    expect(logs('text')).toStrictEqual({ kind: 'cloudwatch-logs' });
    expect(classifyEvent(wrap(Buffer.from('{"owner":"123456789012"}')))).toStrictEqual({
      kind: 'cloudwatch-logs',
    });
    expect(classifyEvent({ awslogs: { data: '%%% not base64 %%%' } })).toStrictEqual({
      kind: 'cloudwatch-logs',
    });
    // Duplicate keys: the last wins, as in the handler's own JSON.parse — never the first.
    const duplicated = `{"owner":"${OWN}","logGroup":"/a","owner":"210987654321","logGroup":"/b"}`;
    expect(classifyEvent(wrap(gzipSync(duplicated)))).toStrictEqual({
      kind: 'cloudwatch-logs',
      accountId: '210987654321',
      logGroup: '/b',
    });
    // A truncated stream is not a payload.
    const whole = gzipSync(JSON.stringify({ owner: OWN, logGroup: '/g' }));
    expect(classifyEvent(wrap(whole.subarray(0, whole.length - 6)))).toStrictEqual({
      kind: 'cloudwatch-logs',
    });
  });

  it('CloudWatch Logs: a gzip bomb is not inflated past the bound, and yields no facts', () => {
    // 64 MiB of JSON that inflates from ~64 KiB: eight times the bound.
    const padding = ' '.repeat(MAX_LOGS_INFLATED_BYTES * 8);
    const bomb = gzipSync(`{"owner":"${OWN}","logGroup":"/g","pad":"${padding}"}`, { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = performance.now();
    expect(classifyEvent({ awslogs: { data: bomb.toString('base64') } })).toStrictEqual({
      kind: 'cloudwatch-logs',
    });
    // Bounded work: inflating 8 MiB, not 64 MiB (generous for a loaded two-core machine).
    expect(performance.now() - started).toBeLessThan(2_000);
    // Just under the bound is still read.
    const fits = gzipSync(
      `{"owner":"${OWN}","logGroup":"/g","pad":"${' '.repeat(MAX_LOGS_INFLATED_BYTES - 64)}"}`,
    );
    expect(classifyEvent({ awslogs: { data: fits.toString('base64') } })).toStrictEqual({
      kind: 'cloudwatch-logs',
      accountId: OWN,
      logGroup: '/g',
    });
    // Base64 longer than Lambda's largest payload is not decoded at all.
    expect(classifyEvent({ awslogs: { data: 'A'.repeat(6 * 1024 * 1024 + 4) } })).toStrictEqual({
      kind: 'cloudwatch-logs',
    });
  });

  it('Cognito triggers: the user pool id', () => {
    expect(classifyEvent(fixtures.cognitoTrigger({ userPoolId: 'eu-west-1_AbC' }))).toMatchObject({
      kind: 'cognito-trigger',
      userPoolId: 'eu-west-1_AbC',
    });
  });
});
