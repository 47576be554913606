import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../src/index.ts';

// Shapes classification must tell apart, and fields it must leave out,
// found missing by mutation testing. Every expectation is the whole source.

const OWN = '123456789012';

describe('authorizers: everything from the method ARN', () => {
  const token = (methodArn: string) =>
    classifyEvent({ type: 'TOKEN', authorizationToken: 'Bearer x', methodArn });
  const arn = (resource: string) => `arn:aws:execute-api:eu-west-1:${OWN}:${resource}`;
  const base = { kind: 'apigateway-authorizer-token', region: 'eu-west-1', accountId: OWN };

  it('reads api, stage, method and path, each only when present', () => {
    expect(token(arn('a1b2c3/prod/GET/orders/7'))).toStrictEqual({
      ...base,
      arn: arn('a1b2c3/prod/GET/orders/7'),
      apiId: 'a1b2c3',
      stage: 'prod',
      method: 'GET',
      path: '/orders/7',
    });
    expect(token(arn('a1b2c3/prod/GET'))).toStrictEqual({
      ...base,
      arn: arn('a1b2c3/prod/GET'),
      apiId: 'a1b2c3',
      stage: 'prod',
      method: 'GET',
      path: '/',
    });
    expect(token(arn('a1b2c3/prod/'))).toStrictEqual({
      ...base,
      arn: arn('a1b2c3/prod/'),
      apiId: 'a1b2c3',
      stage: 'prod',
      path: '/',
    });
    expect(token(arn('a1b2c3//GET/x'))).toStrictEqual({
      ...base,
      arn: arn('a1b2c3//GET/x'),
      apiId: 'a1b2c3',
      method: 'GET',
      path: '/x',
    });
    expect(token(arn('a1b2c3/prod'))).toStrictEqual({ ...base, arn: arn('a1b2c3/prod'), apiId: 'a1b2c3' });
    expect(token(arn('/prod/GET/'))).toStrictEqual({ ...base, arn: arn('/prod/GET/') });
    expect(token(arn('a1b2c3'))).toStrictEqual({ ...base, arn: arn('a1b2c3') });
  });

  it('is not an authorizer without a method ARN, and then another kind may still match', () => {
    expect(classifyEvent({ type: 'TOKEN', authorizationToken: 'x' })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ type: 'TOKEN', authorizationToken: 'x', methodArn: 'not-an-arn' })).toStrictEqual({
      kind: 'unknown',
    });
    // a custom EventBridge event that happens to carry a `type` field
    expect(
      classifyEvent({ type: 'REQUEST', 'detail-type': 'Order Placed', source: 'com.shop', account: OWN }),
    ).toStrictEqual({ kind: 'eventbridge', accountId: OWN });
    // a request context the HTTP readers do not know, on an EventBridge event
    expect(
      classifyEvent({ requestContext: { foo: 1 }, 'detail-type': 'Order Placed', source: 'com.shop' }),
    ).toStrictEqual({ kind: 'eventbridge' });
    // an eventSource no event source mapping uses, on a Cognito trigger
    expect(
      classifyEvent({ eventSource: 'my-app', triggerSource: 'PreSignUp_SignUp', userPoolId: 'eu-west-1_Ab' }),
    ).toStrictEqual({ kind: 'cognito-trigger', region: 'eu-west-1', userPoolId: 'eu-west-1_Ab' });
  });
});

describe('EventBridge', () => {
  it('is a schedule only for a Scheduled Event from the scheduler sources', () => {
    const rule = `arn:aws:events:us-east-1:${OWN}:rule/nightly`;
    expect(
      classifyEvent({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: OWN,
        resources: [rule],
      }),
    ).toStrictEqual({ kind: 'schedule', accountId: OWN, arn: rule, region: 'us-east-1' });
    expect(
      classifyEvent({
        'detail-type': 'EC2 State Change',
        source: 'aws.events',
        account: OWN,
        resources: [rule],
      }),
    ).toStrictEqual({ kind: 'eventbridge', accountId: OWN });
    expect(
      classifyEvent({
        'detail-type': 'Scheduled Event',
        source: 'com.shop',
        account: OWN,
        resources: [rule],
      }),
    ).toStrictEqual({ kind: 'eventbridge', accountId: OWN });
  });
});

describe('top-level kinds', () => {
  it('Cognito triggers need both fields; the region comes from the pool id when not given', () => {
    expect(classifyEvent({ triggerSource: 'PreSignUp_SignUp', userPoolId: 'eu-west-1_Ab12' })).toStrictEqual({
      kind: 'cognito-trigger',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_Ab12',
    });
    expect(
      classifyEvent({
        triggerSource: 'PreSignUp_SignUp',
        userPoolId: 'eu-west-1_Ab12',
        region: 'us-east-2',
        userName: 'bob',
      }),
    ).toStrictEqual({
      kind: 'cognito-trigger',
      region: 'us-east-2',
      principal: 'bob',
      userPoolId: 'eu-west-1_Ab12',
    });
    expect(classifyEvent({ userPoolId: 'eu-west-1_Ab12' })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ triggerSource: 'PreSignUp_SignUp' })).toStrictEqual({ kind: 'unknown' });
  });

  it('Secrets Manager rotation at every step, with account and region only from an ARN', () => {
    const arn = `arn:aws:secretsmanager:eu-west-1:${OWN}:secret:db-AbCdEf`;
    for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      expect(classifyEvent({ SecretId: arn, Step, ClientRequestToken: 't' })).toStrictEqual({
        kind: 'secrets-manager-rotation',
        arn,
        region: 'eu-west-1',
        accountId: OWN,
      });
    }
    expect(classifyEvent({ SecretId: 'db', Step: 'setSecret', ClientRequestToken: 't' })).toStrictEqual({
      kind: 'secrets-manager-rotation',
    });
    expect(classifyEvent({ SecretId: arn, Step: 'rotate', ClientRequestToken: 't' })).toStrictEqual({
      kind: 'unknown',
    });
  });

  it('Config rules need a result token and a string invoking event', () => {
    const configRuleArn = `arn:aws:config:eu-west-1:${OWN}:config-rule/config-rule-a1`;
    const event = { configRuleArn, resultToken: 'r', invokingEvent: '{}', accountId: OWN };
    expect(classifyEvent(event)).toStrictEqual({
      kind: 'config-rule',
      accountId: OWN,
      arn: configRuleArn,
      region: 'eu-west-1',
    });
    expect(classifyEvent({ ...event, invokingEvent: {} })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ ...event, resultToken: '' })).toStrictEqual({ kind: 'unknown' });
  });

  it('S3 Object Lambda by any of its contexts, with the caller only when named', () => {
    const accessPointArn = `arn:aws:s3-object-lambda:eu-west-1:${OWN}:accesspoint/ol`;
    for (const context of [
      'getObjectContext',
      'headObjectContext',
      'listObjectsContext',
      'listObjectsV2Context',
    ]) {
      expect(classifyEvent({ configuration: { accessPointArn }, [context]: {} })).toStrictEqual({
        kind: 's3-object-lambda',
        arn: accessPointArn,
        region: 'eu-west-1',
        accountId: OWN,
      });
    }
    expect(
      classifyEvent({
        configuration: { accessPointArn },
        getObjectContext: {},
        userIdentity: { arn: 'arn:aws:iam::1:user/x' },
      }),
    ).toMatchObject({ principal: 'arn:aws:iam::1:user/x' });
    expect(classifyEvent({ configuration: { accessPointArn } })).toStrictEqual({ kind: 'unknown' });
  });
});

describe('batches without records of their own', () => {
  const cluster = `arn:aws:kafka:eu-west-1:${OWN}:cluster/c/1`;
  const broker = `arn:aws:mq:eu-west-1:${OWN}:broker:b:1`;

  it('Kafka and MQ keep the source ARN even with no message', () => {
    expect(classifyEvent({ eventSource: 'aws:kafka', eventSourceArn: cluster, records: {} })).toStrictEqual({
      kind: 'kafka',
      records: [],
      arn: cluster,
      region: 'eu-west-1',
      accountId: OWN,
    });
    for (const eventSource of ['aws:mq', 'aws:amq', 'aws:rmq']) {
      expect(classifyEvent({ eventSource, eventSourceArn: broker, messages: [] })).toStrictEqual({
        kind: 'mq',
        records: [],
        arn: broker,
        region: 'eu-west-1',
        accountId: OWN,
      });
    }
    expect(classifyEvent({ eventSource: 'aws:rmq', eventSourceArn: broker })).toStrictEqual({
      kind: 'unknown',
    });
    expect(classifyEvent({ eventSource: 'aws:sqs', eventSourceArn: broker, messages: [] })).toStrictEqual({
      kind: 'unknown',
    });
  });

  it('counts grouped messages of own groups only, up to the cap', () => {
    const groups = Object.create({ inherited: [1, 2, 3] }) as Record<string, unknown>;
    groups['t-0'] = [1, 2];
    groups['t-1'] = 'not a list';
    const kafka = classifyEvent({ eventSource: 'aws:kafka', eventSourceArn: cluster, records: groups });
    expect(kafka.records).toHaveLength(2);
    const huge = { a: new Array(9_000), b: new Array(9_000) };
    const capped = classifyEvent({
      eventSource: 'aws:rmq',
      eventSourceArn: broker,
      rmqMessagesByQueue: huge,
    });
    expect(capped.records).toHaveLength(10_000);
  });

  it('Firehose keeps stream ARN and region with no record', () => {
    const deliveryStreamArn = `arn:aws:firehose:eu-west-1:${OWN}:deliverystream/s`;
    expect(classifyEvent({ deliveryStreamArn, region: 'us-east-2', records: [] })).toStrictEqual({
      kind: 'firehose',
      records: [],
      region: 'us-east-2',
      arn: deliveryStreamArn,
      accountId: OWN,
    });
  });
});

describe('Records batches', () => {
  it('take a record’s region from awsRegion when its ARN has none, and the batch’s from its first record', () => {
    const record = { eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:::orders', awsRegion: 'eu-west-1' };
    expect(classifyEvent({ Records: [record] })).toStrictEqual({
      kind: 'sqs',
      records: [{ region: 'eu-west-1', arn: 'arn:aws:sqs:::orders' }],
      arn: 'arn:aws:sqs:::orders',
      region: 'eu-west-1',
    });
  });

  it('are recognised by eventSource and the field only that source has', () => {
    expect(classifyEvent({ Records: [{ eventSource: 'aws:sqs' }] })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ Records: [{ eventSource: 'aws:sqs', eventSourceARN: null }] })).toStrictEqual({
      kind: 'unknown',
    });
    expect(classifyEvent({ Records: [] })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ Records: ['x'] })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ Records: [{ EventSource: 'aws:sns', Sns: {} }] })).toStrictEqual({
      kind: 'sns',
      records: [{}],
    });
  });

  it('Lambda@Edge: method and path only when the request has them', () => {
    expect(
      classifyEvent({ Records: [{ cf: { config: {}, request: { method: 'GET', uri: '/x' } } }] }),
    ).toStrictEqual({
      kind: 'cloudfront',
      method: 'GET',
      path: '/x',
    });
    expect(classifyEvent({ Records: [{ cf: { config: {} } }] })).toStrictEqual({ kind: 'cloudfront' });
    expect(classifyEvent({ Records: [{ cf: {} }] })).toStrictEqual({ kind: 'unknown' });
  });
});

describe('hostile events', () => {
  it('a read that throws where the readers cannot guard it is unknown, not an exception', () => {
    const records: unknown[] = [{ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:1:q' }];
    Object.defineProperty(records, 'length', { value: 3 });
    const hostile = new Proxy(records, {
      get(target, key, receiver) {
        if (key === '1') throw new Error('trap');
        return Reflect.get(target, key, receiver);
      },
    });
    expect(() => classifyEvent({ Records: hostile })).not.toThrow();
    const ownKeysTrap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(
      classifyEvent({ eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:::c', records: ownKeysTrap }),
    ).toStrictEqual({ kind: 'unknown' });
  });
});

describe('request contexts', () => {
  it('principal: the authorizer’s first, in order, else the identity’s', () => {
    const rest = (rc: Record<string, unknown>) =>
      classifyEvent({ httpMethod: 'GET', path: '/x', requestContext: { apiId: 'a1', stage: 'prod', ...rc } })
        .principal;
    expect(rest({ authorizer: { principalId: 'p', lambda: { principalId: 'l' } } })).toBe('p');
    expect(rest({ authorizer: { lambda: { principalId: 'l' }, claims: { sub: 's' } } })).toBe('l');
    expect(rest({ authorizer: { claims: { sub: 's' } } })).toBe('s');
    expect(rest({ authorizer: { jwt: { claims: { sub: 'j' } } } })).toBe('j');
    expect(rest({ authorizer: { iam: { userArn: 'u' } } })).toBe('u');
    expect(rest({ authorizer: {}, identity: { caller: 'c' } })).toBe('c');
    expect(rest({ authorizer: {} })).toBeUndefined();
    expect(rest({ identity: { cognitoIdentityId: 'ci', userArn: 'ua' } })).toBe('ci');
    expect(rest({ identity: { principal: 'pr' } })).toBe('pr');
    expect(rest({})).toBeUndefined();
  });

  it('REST: the path from the event, else the resource path; the region only from the execute-api domain', () => {
    const rc = { apiId: 'a1', stage: 'prod', resourcePath: '/orders/{id}' };
    expect(classifyEvent({ httpMethod: 'GET', requestContext: rc })).toStrictEqual({
      kind: 'apigateway-rest',
      apiId: 'a1',
      stage: 'prod',
      method: 'GET',
      path: '/orders/{id}',
    });
    expect(
      classifyEvent({
        httpMethod: 'GET',
        path: '/orders/7',
        requestContext: { ...rc, domainName: 'a1.execute-api.eu-west-1.amazonaws.com' },
      }),
    ).toMatchObject({ path: '/orders/7', region: 'eu-west-1' });
    expect(classifyEvent({ httpMethod: 'GET', requestContext: { apiId: 'a1' } })).toStrictEqual({
      kind: 'unknown',
    });
    expect(classifyEvent({ requestContext: { apiId: 'a1', stage: 'prod' } })).toStrictEqual({
      kind: 'unknown',
    });
  });

  it('WebSocket needs a connection, an event type and an API', () => {
    const rc = { connectionId: 'c1', eventType: 'MESSAGE', apiId: 'w1', stage: 'prod' };
    expect(classifyEvent({ requestContext: rc })).toStrictEqual({
      kind: 'apigateway-websocket',
      apiId: 'w1',
      stage: 'prod',
    });
    expect(classifyEvent({ requestContext: { ...rc, eventType: undefined } })).toStrictEqual({
      kind: 'unknown',
    });
    expect(classifyEvent({ requestContext: { ...rc, connectionId: undefined } })).toStrictEqual({
      kind: 'unknown',
    });
  });

  it('VPC Lattice v2 by any of its ARNs, the target group first', () => {
    const tg = `arn:aws:elasticloadbalancing:eu-west-1:${OWN}:targetgroup/t/1`;
    const service = `arn:aws:vpc-lattice:eu-west-1:${OWN}:service/svc-1`;
    const network = `arn:aws:vpc-lattice:eu-west-1:${OWN}:servicenetwork/sn-1`;
    const lattice = (rc: Record<string, unknown>) =>
      classifyEvent({ method: 'GET', path: '/x', requestContext: { region: 'eu-west-1', ...rc } });
    expect(lattice({ targetGroupArn: tg, serviceArn: service, serviceNetworkArn: network })).toStrictEqual({
      kind: 'vpc-lattice',
      region: 'eu-west-1',
      arn: tg,
      accountId: OWN,
      method: 'GET',
      path: '/x',
    });
    expect(lattice({ serviceArn: service, serviceNetworkArn: network }).arn).toBe(service);
    expect(lattice({ serviceNetworkArn: network }).arn).toBe(network);
    expect(lattice({})).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ requestContext: { serviceArn: service } })).toStrictEqual({ kind: 'unknown' });
  });

  it('VPC Lattice v1: the path without its query', () => {
    const v1 = { raw_path: '/x?a=1', method: 'POST', is_base64_encoded: false };
    expect(classifyEvent(v1)).toStrictEqual({ kind: 'vpc-lattice', method: 'POST', path: '/x' });
    expect(classifyEvent({ ...v1, raw_path: '/x' })).toMatchObject({ path: '/x' });
    expect(classifyEvent({ ...v1, raw_path: '?a=1' })).toMatchObject({ path: '' });
    expect(classifyEvent({ ...v1, is_base64_encoded: 'false' })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ ...v1, method: '' })).toStrictEqual({ kind: 'unknown' });
  });

  it('AppSync: the API and region from the default endpoint only, the principal when there is an identity', () => {
    const base = { arguments: {}, info: { fieldName: 'order', parentTypeName: 'Query' } };
    expect(classifyEvent(base)).toStrictEqual({ kind: 'appsync' });
    expect(
      classifyEvent({ ...base, request: { headers: { host: 'abc.appsync-api.eu-west-1.amazonaws.com' } } }),
    ).toStrictEqual({ kind: 'appsync', apiId: 'abc', region: 'eu-west-1' });
    expect(classifyEvent({ ...base, request: { headers: { host: 'api.example.com' } } })).toStrictEqual({
      kind: 'appsync',
    });
    expect(classifyEvent({ ...base, identity: { cognitoIdentityId: 'ci' } })).toStrictEqual({
      kind: 'appsync',
      principal: 'ci',
    });
    expect(classifyEvent({ ...base, identity: {} })).toStrictEqual({ kind: 'appsync' });
    expect(classifyEvent({ ...base, info: { fieldName: 'order' } })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ ...base, info: { parentTypeName: 'Query' } })).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ arguments: {} })).toStrictEqual({ kind: 'unknown' });
  });
});
