import { classifyEvent, type InvocationSource, invocationSource, SOURCE_KINDS } from '@lambda-sentinel/core';
import { fixtures, invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';

type Builder = (options?: object) => unknown;
const build = (kind: keyof typeof fixtures.byKind, options: object = {}): unknown =>
  (fixtures.byKind[kind] as Builder)(options);

interface Variant {
  accountId: string;
  region: string;
  apiId: string;
  stage: string;
  method: string;
  path: string;
  records: number;
}

const DEFAULTS: Variant = {
  accountId: '123456789012',
  region: 'us-east-1',
  apiId: 'a1b2c3d4e5',
  stage: 'prod',
  method: 'GET',
  path: '/pets/42',
  records: 2,
};
const OTHER: Variant = {
  accountId: '210987654321',
  region: 'eu-west-3',
  apiId: 'zz9plural9',
  stage: 'beta',
  method: 'DELETE',
  path: '/orders/7/items',
  records: 3,
};
const GOV: Variant = { ...OTHER, accountId: '000011112222', region: 'us-gov-west-1', records: 1 };

/** What `classifyEvent` must return for each kind's fixture built with `v`: every field, nothing more. */
function expected(kind: keyof typeof fixtures.byKind, v: Variant): InvocationSource {
  const { accountId, region, apiId, stage, method, path } = v;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const batch = (k: InvocationSource['kind'], sourceArn: string, withAccount = true): InvocationSource => {
    const origin = withAccount ? { arn: sourceArn, accountId, region } : { arn: sourceArn, region };
    return { kind: k, ...origin, records: Array.from({ length: v.records }, () => ({ ...origin })) };
  };
  const http = { accountId, region, apiId, stage, method, path };
  switch (kind) {
    case 'apigateway-rest':
    case 'apigateway-http':
      return { kind, ...http };
    case 'apigateway-websocket':
      return { kind, accountId, region, apiId, stage };
    case 'apigateway-authorizer-token':
    case 'apigateway-authorizer-request':
      return { kind, ...http, arn: arn('execute-api', `${apiId}/${stage}/${method}${path}`) };
    case 'alb':
      return {
        kind,
        arn: arn('elasticloadbalancing', 'targetgroup/lambda-target/50dc6c495c0c9188'),
        accountId,
        region,
        method,
        path,
      };
    case 'function-url':
      // Unauthenticated function URLs say accountId "anonymous": not an account.
      return { kind, region, method, path };
    case 'vpc-lattice':
      return {
        kind,
        arn: arn('vpc-lattice', 'targetgroup/tg-6d0ecf831eec9f09'),
        accountId,
        region,
        method,
        path,
        principal: `arn:aws:sts::${accountId}:assumed-role/example-role/057d00f8b51257ba3c853a0f248943cf`,
      };
    case 'appsync':
      return { kind, apiId, region, principal: '7d8ca528-4931-4254-9273-ea5ee853f271' };
    case 'sqs':
      return batch(kind, arn('sqs', 'my-queue'));
    case 'sns':
      return batch(kind, arn('sns', 'sns-lambda'));
    case 's3':
      return batch(kind, 'arn:aws:s3:::amzn-s3-demo-bucket', false);
    case 's3-object-lambda':
      return {
        kind,
        arn: arn('s3-object-lambda', 'accesspoint/example-object-lambda-ap'),
        accountId,
        region,
        principal: `arn:aws:sts::${accountId}:assumed-role/Admin/janedoe`,
      };
    case 'eventbridge':
      return { kind, accountId, region };
    case 'schedule':
      return { kind, arn: arn('events', 'rule/my-schedule'), accountId, region };
    case 'dynamodb-stream':
      return batch(kind, arn('dynamodb', 'table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899'));
    case 'kinesis':
      return batch(kind, arn('kinesis', 'stream/simple-stream'));
    case 'firehose':
      return batch(kind, arn('firehose', 'deliverystream/lambda-streams-to-firehose'));
    case 'kafka': {
      const cluster = arn('kafka', 'cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2');
      const origin = { arn: cluster, accountId, region, topic: 'mytopic' };
      return {
        kind,
        ...origin,
        bootstrapServers: [
          'b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
          'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
        ],
        records: Array.from({ length: v.records }, () => ({ ...origin })),
      };
    }
    case 'mq':
      return batch(kind, arn('mq', 'broker:test:b-9bcfa592-423a-4942-879d-eb284b418fc8'));
    case 'cloudwatch-logs':
      // The origin is inside the gzipped payload: the log group's owner and name.
      return { kind, accountId, logGroup: '/aws/lambda/echo-nodejs' };
    case 'cognito-trigger':
      return { kind, region, principal: 'jdoe', userPoolId: `${region}_EXAMPLE1` };
    case 'ses':
      return { kind, records: Array.from({ length: v.records }, () => ({})) };
    case 'cloudfront':
      return { kind, method, path: '/picture.jpg', distributionId: 'EDFDVBD6EXAMPLE' };
    case 'cloudformation-custom-resource':
      return {
        kind,
        arn: arn('cloudformation', 'stack/MyStack/5b918d10-cd98-11ea-90d5-0a9cd3354c10'),
        accountId,
        region,
      };
    case 'secrets-manager-rotation':
      return { kind, arn: arn('secretsmanager', 'secret:MyTestSecret-a1b2c3'), accountId, region };
    case 'config-rule':
      return { kind, arn: arn('config', 'config-rule/config-rule-0123456'), accountId, region };
    case 'appsync-authorizer':
      return { kind, apiId, accountId };
    case 'appsync-events':
      return { kind, apiId, region };
    case 'client-vpn':
      return { kind, resourceId: 'cvpn-endpoint-0f13eab7f860433cc', principal: 'jdoe' };
    case 'codecommit':
      return batch(kind, arn('codecommit', 'my-repo'));
    case 'codepipeline':
      return { kind, accountId };
    case 'codedeploy-hook':
    case 'iot-authorizer':
    case 'alexa-smart-home':
    case 'workmail':
      return { kind };
    case 'cognito-sync':
      return {
        kind,
        region,
        resourceId: `${region}:4a56c1b8-3c1e-4f8e-9f0a-1234567890ab`,
        principal: `${region}:9b5e2d2c-0000-4b1a-8c3d-abcdefabcdef`,
      };
    case 'connect-contact-flow':
      return {
        kind,
        arn: arn('connect', 'instance/c8c0e68d-2200-4265-82c0-1234567890ab'),
        accountId,
        region,
      };
    case 'connect-campaign':
      return { kind, resourceId: 'campaign-12345' };
    case 'iot-provisioning-hook':
      return { kind, arn: arn('iot', 'provisioningtemplate/MyTemplate'), accountId, region };
    case 'iot-button':
      return { kind, resourceId: 'G030JF055364XVRB' };
    case 'kinesis-analytics':
      return batch(kind, arn('kinesisanalytics', 'application/example-application'));
    case 'lex-v1':
      return { kind, resourceId: 'BookTrip', principal: 'user-1234' };
    case 'lex-v2':
      return { kind, resourceId: 'ABCDEFGH12' };
    case 's3-batch':
      return {
        kind,
        arn: 'arn:aws:s3:::amzn-s3-demo-bucket',
        records: Array.from({ length: v.records }, () => ({ arn: 'arn:aws:s3:::amzn-s3-demo-bucket' })),
      };
    case 'bedrock-agent':
      return { kind, resourceId: 'BAF1234567' };
    case 'cloudwatch-alarm':
      return { kind, arn: arn('cloudwatch', 'alarm:lambda-demo-metric-alarm'), accountId, region };
    case 'cloudwatch-widget':
      return { kind, resourceId: 'operations', accountId, region };
    case 'transfer-idp':
      return { kind, resourceId: 's-abcd123456', principal: 'jdoe' };
    case 'alexa-skill':
      return {
        kind,
        resourceId: 'amzn1.ask.skill.0a1b2c3d-1234-5678-9abc-def012345678',
        principal: 'amzn1.ask.account.EXAMPLEUSER',
      };
    case 'ground-truth':
      return { kind, arn: arn('sagemaker', 'labeling-job/my-labeling-job'), accountId, region };
  }
}

const KINDS = Object.keys(fixtures.byKind) as (keyof typeof fixtures.byKind)[];

describe('classifyEvent: every kind from its fixture', () => {
  it('has a fixture for every kind but unknown', () => {
    expect([...KINDS].sort()).toEqual(SOURCE_KINDS.filter((k) => k !== 'unknown').sort());
  });

  for (const [name, variant] of [
    ['defaults', DEFAULTS],
    ['another account and region', OTHER],
    ['a GovCloud region', GOV],
  ] as const) {
    describe(name, () => {
      it.each(KINDS)('%s', (kind) => {
        const event = build(kind, variant);
        const before = structuredClone(event);
        expect(classifyEvent(event)).toStrictEqual(expected(kind, variant));
        // Classification reads, never writes.
        expect(event).toStrictEqual(before);
      });
    });
  }

  it('classifies the variants of a kind the same way', () => {
    expect(
      classifyEvent(fixtures.apigatewayAuthorizerRequest({ format: 'http', apiId: 'h77p', stage: 'dev' })),
    ).toStrictEqual({
      kind: 'apigateway-authorizer-request',
      arn: 'arn:aws:execute-api:us-east-1:123456789012:h77p/dev/GET/pets/42',
      accountId: '123456789012',
      region: 'us-east-1',
      apiId: 'h77p',
      stage: 'dev',
      method: 'GET',
      path: '/pets/42',
    });
    expect(
      classifyEvent(fixtures.vpcLattice({ version: 1, method: 'PUT', path: '/items?id=1' })),
    ).toStrictEqual({
      kind: 'vpc-lattice',
      method: 'PUT',
      path: '/items',
    });
    expect(classifyEvent(fixtures.kafka({ variant: 'self-managed', records: 2 }))).toStrictEqual({
      kind: 'kafka',
      topic: 'mytopic',
      bootstrapServers: ['b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092'],
      records: [{ topic: 'mytopic' }, { topic: 'mytopic' }],
    });
    const rabbit = classifyEvent(fixtures.mq({ engine: 'rabbitmq', accountId: '444455556666', records: 2 }));
    expect(rabbit).toMatchObject({ kind: 'mq', accountId: '444455556666', region: 'us-east-1' });
    expect(rabbit.records).toHaveLength(2);
    expect(classifyEvent(fixtures.schedule({ variant: 'scheduler', region: 'ap-south-1' }))).toStrictEqual({
      kind: 'schedule',
      arn: 'arn:aws:scheduler:ap-south-1:123456789012:schedule/default/my-schedule',
      accountId: '123456789012',
      region: 'ap-south-1',
    });
    for (const operation of ['get', 'head', 'list'] as const) {
      expect(classifyEvent(fixtures.s3ObjectLambda({ operation })).kind).toBe('s3-object-lambda');
    }
    for (const eventType of ['CONNECT', 'MESSAGE', 'DISCONNECT'] as const) {
      expect(classifyEvent(fixtures.apigatewayWebsocket({ eventType })).kind).toBe('apigateway-websocket');
    }
    for (const requestType of ['Create', 'Update', 'Delete'] as const) {
      expect(classifyEvent(fixtures.cloudformationCustomResource({ requestType })).kind).toBe(
        'cloudformation-custom-resource',
      );
    }
  });

  it('gives each record its own origin, in order', () => {
    const event = fixtures.sqs({ records: 2 });
    event.Records[1]!.eventSourceARN = 'arn:aws:sqs:eu-west-1:999988887777:other-queue';
    event.Records[1]!.awsRegion = 'eu-west-1';
    expect(classifyEvent(event).records).toStrictEqual([
      { arn: 'arn:aws:sqs:us-east-1:123456789012:my-queue', accountId: '123456789012', region: 'us-east-1' },
      {
        arn: 'arn:aws:sqs:eu-west-1:999988887777:other-queue',
        accountId: '999988887777',
        region: 'eu-west-1',
      },
    ]);
  });

  it('caps the records of an oversized batch at the largest batch Lambda delivers', () => {
    const source = classifyEvent(fixtures.sqs({ records: 12_000, body: 'x' }));
    expect(source.kind).toBe('sqs');
    expect(source.records).toHaveLength(10_000);
  });

  it('classifies AppSync batch resolver invocations (an array of resolver events)', () => {
    expect(classifyEvent([fixtures.appsync(), fixtures.appsync()]).kind).toBe('appsync');
    expect(classifyEvent([fixtures.sqs()]).kind).toBe('unknown');
  });
});

describe('classifyEvent: principals', () => {
  it('takes the REST authorizer principal, Cognito claims, Cognito identity, then the IAM caller', () => {
    expect(classifyEvent(fixtures.apigatewayRest({ authorizer: { principalId: 'user-7' } })).principal).toBe(
      'user-7',
    );
    expect(
      classifyEvent(fixtures.apigatewayRest({ authorizer: { claims: { sub: 'sub-1' } } })).principal,
    ).toBe('sub-1');
    expect(
      classifyEvent(
        fixtures.apigatewayRest({ identity: { cognitoIdentityId: 'us-east-1:abc', userArn: 'arn:x' } }),
      ).principal,
    ).toBe('us-east-1:abc');
    expect(
      classifyEvent(fixtures.apigatewayRest({ identity: { userArn: 'arn:aws:iam::123456789012:user/jane' } }))
        .principal,
    ).toBe('arn:aws:iam::123456789012:user/jane');
    expect(classifyEvent(fixtures.apigatewayRest({ identity: { caller: 'AIDAEXAMPLE' } })).principal).toBe(
      'AIDAEXAMPLE',
    );
    expect(classifyEvent(fixtures.apigatewayRest()).principal).toBeUndefined();
  });

  it('takes the HTTP API JWT sub or IAM user, and the function URL IAM caller', () => {
    const jwt = { jwt: { claims: { sub: 'jwt-sub' }, scopes: null } };
    expect(classifyEvent(fixtures.apigatewayHttp({ authorizer: jwt })).principal).toBe('jwt-sub');
    const iam = { iam: { userArn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333' } };
    expect(classifyEvent(fixtures.apigatewayHttp({ authorizer: iam })).principal).toBe(
      'arn:aws:iam::111122223333:user/bob',
    );
    expect(classifyEvent(fixtures.functionUrl({ authorizer: iam, accountId: '123456789012' }))).toStrictEqual(
      {
        kind: 'function-url',
        accountId: '123456789012',
        region: 'us-east-1',
        method: 'POST',
        path: '/my/path',
        principal: 'arn:aws:iam::111122223333:user/bob',
      },
    );
  });

  it('takes the AppSync caller: Cognito sub, else IAM ARN; none for API keys', () => {
    expect(
      classifyEvent(fixtures.appsync({ identity: { userArn: 'arn:aws:iam::1:user/x' } })).principal,
    ).toBe('arn:aws:iam::1:user/x');
    expect(classifyEvent(fixtures.appsync({ identity: null })).principal).toBeUndefined();
  });
});

describe('classifyEvent: precise, not greedy', () => {
  const unknown: [string, unknown][] = [
    ['a custom payload', { orderId: 42, action: 'refund' }],
    ['a custom Records payload', { Records: [{ id: 1, body: 'hello' }] }],
    ['an empty Records array', { Records: [] }],
    ['Records of primitives', { Records: [1, 'two'] }],
    ['an SQS eventSource without the SQS fields', { Records: [{ eventSource: 'aws:sqs' }] }],
    ['an SNS EventSource without Sns', { Records: [{ EventSource: 'aws:sns', Message: 'x' }] }],
    [
      'an unknown eventSource',
      { Records: [{ eventSource: 'aws:unknown', eventSourceARN: 'arn:aws:x:us-east-1:123456789012:y' }] },
    ],
    ['a TOKEN without methodArn', { type: 'TOKEN', authorizationToken: 'x' }],
    [
      'a TOKEN without a token',
      { type: 'TOKEN', methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a/b/GET/' },
    ],
    ['a REQUEST whose methodArn is not an ARN', { type: 'REQUEST', methodArn: 'not-an-arn' }],
    ['an empty requestContext', { requestContext: {} }],
    ['a REST shape without a stage', { httpMethod: 'GET', requestContext: { apiId: 'abc' } }],
    ['an ALB shape without a target group', { httpMethod: 'GET', requestContext: { elb: {} } }],
    [
      'an HTTP API shape without apiId',
      { version: '2.0', routeKey: '$default', requestContext: { http: { method: 'GET' } } },
    ],
    ['detail-type without source', { 'detail-type': 'Scheduled Event', resources: [] }],
    ['Kafka with a records array', { eventSource: 'aws:kafka', records: [] }],
    [
      'MQ without messages',
      { eventSource: 'aws:mq', eventSourceArn: 'arn:aws:mq:us-east-1:123456789012:broker:b' },
    ],
    [
      'Firehose without records',
      { deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/x' },
    ],
    ['awslogs without data', { awslogs: {} }],
    ['a trigger without a user pool', { triggerSource: 'PreSignUp_SignUp' }],
    [
      'a custom resource with an unknown request type',
      { ...fixtures.cloudformationCustomResource(), RequestType: 'Destroy' },
    ],
    ['a rotation with an unknown step', { ...fixtures.secretsManagerRotation(), Step: 'rotate' }],
    ['a config rule without a result token', { ...fixtures.configRule(), resultToken: undefined }],
    [
      'an access point without a request context',
      { configuration: { accessPointArn: 'arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/x' } },
    ],
    ['GraphQL info without arguments', { info: { fieldName: 'a', parentTypeName: 'Query' } }],
    ['lattice v1 keys without is_base64_encoded', { raw_path: '/', method: 'GET' }],
    ['CloudFront records without config', { Records: [{ cf: {} }] }],
  ];
  it.each(unknown)('%s is unknown', (_name, event) => {
    expect(classifyEvent(event)).toStrictEqual({ kind: 'unknown' });
  });

  it('keeps what the event says and drops what is not an account or region', () => {
    const rest = fixtures.apigatewayRest();
    rest.requestContext.accountId = 'not-an-account';
    rest.requestContext.domainName = 'api.example.com';
    const source = classifyEvent(rest);
    expect(source.kind).toBe('apigateway-rest');
    expect(source.accountId).toBeUndefined();
    expect(source.region).toBeUndefined();
    expect(
      classifyEvent({ Records: [{ eventSource: 'aws:sqs', eventSourceARN: 'queue-name' }] }),
    ).toStrictEqual({
      kind: 'sqs',
      arn: 'queue-name',
      records: [{ arn: 'queue-name' }],
    });
  });

  it('tells HTTP API payload 1.0 from REST by its version', () => {
    expect(classifyEvent({ ...fixtures.apigatewayRest(), version: '1.0' }).kind).toBe('apigateway-http');
  });

  it('names a Scheduled Event from a custom source an eventbridge event, and gives other events no ARN', () => {
    expect(
      classifyEvent(fixtures.eventbridge({ source: 'my.app', detailType: 'Scheduled Event' })).kind,
    ).toBe('eventbridge');
    expect(classifyEvent(fixtures.eventbridge()).arn).toBeUndefined();
  });

  it('does not take an ARN from a secret given by name', () => {
    expect(classifyEvent(fixtures.secretsManagerRotation({ secretArn: 'MyTestSecret' }))).toStrictEqual({
      kind: 'secrets-manager-rotation',
    });
  });

  it('never reads the function context: account and region come from the event only', () => {
    const context = {
      invokedFunctionArn: 'arn:aws:lambda:eu-north-1:999999999999:function:f',
      awsRequestId: 'r',
    };
    expect(classifyEvent({ hello: 'world' }, context)).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent(fixtures.s3(), context).accountId).toBeUndefined();
  });
});

describe('classifyEvent inside a real invocation', () => {
  it('describes the caller, not the function, through the cached invocationSource', async () => {
    const seen: InvocationSource[] = [];
    const handler = middy().before((request) => {
      seen.push(invocationSource(request));
      // Cached: the same object on every call in one invocation.
      expect(invocationSource(request)).toBe(seen.at(-1));
    });
    const event = fixtures.sqs({ accountId: '555566667777', region: 'eu-central-1' });
    const result = await invoke(handler, event, { accountId: '111111111111', region: 'us-west-2' });
    expect(result.error).toBeUndefined();
    const direct = await invoke(handler, { orderId: 1 }, { accountId: '111111111111' });
    expect(direct.error).toBeUndefined();
    expect(seen.map((s) => [s.kind, s.accountId, s.region])).toEqual([
      ['sqs', '555566667777', 'eu-central-1'],
      ['unknown', undefined, undefined],
    ]);
  });
});
