import {
  BATCH_SOURCE_KINDS,
  classifyEvent,
  type InvocationSource,
  isSourceKind,
} from '@lambda-sentinel/core';
import { fixtures } from '@lambda-sentinel/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Builder = (options?: object) => unknown;
const KINDS = Object.keys(fixtures.byKind) as (keyof typeof fixtures.byKind)[];
const build = (kind: keyof typeof fixtures.byKind, options: object = {}): unknown =>
  (fixtures.byKind[kind] as Builder)(options);

const NUM_RUNS = 2000;
const STRING_FIELDS = [
  'arn',
  'accountId',
  'region',
  'apiId',
  'stage',
  'method',
  'path',
  'principal',
  'userPoolId',
  'logGroup',
  'distributionId',
  'topic',
  'resourceId',
] as const;

/** Whatever the input, the output is a well-formed InvocationSource. */
function assertWellFormed(source: InvocationSource): void {
  expect(isSourceKind(source.kind)).toBe(true);
  for (const key of STRING_FIELDS) {
    const value = source[key];
    if (value !== undefined) expect(typeof value === 'string' && value !== '').toBe(true);
  }
  if (source.accountId !== undefined) expect(source.accountId).toMatch(/^\d{12}$/);
  if (source.region !== undefined) expect(source.region).toMatch(/^[a-z]+(-[a-z]+)+-\d{1,2}$/);
  if (source.bootstrapServers !== undefined) {
    expect(source.bootstrapServers.length).toBeGreaterThan(0);
    for (const server of source.bootstrapServers) expect(server).toMatch(/^[a-z0-9.-]+:\d{1,5}$/);
  }
  if (source.records !== undefined) {
    expect(Array.isArray(source.records)).toBe(true);
    for (const record of source.records) {
      for (const [key, value] of Object.entries(record)) {
        expect(['arn', 'accountId', 'region', 'topic']).toContain(key);
        expect(typeof value).toBe('string');
      }
    }
  }
}

// Keys and values that reach classification's deeper branches, plus prototype keys.
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'type',
  'requestContext',
  'Records',
  'records',
  'eventSource',
  'EventSource',
  'eventSourceARN',
  'eventSourceArn',
  'detail-type',
  'source',
  'methodArn',
  'routeArn',
  'authorizationToken',
  'elb',
  'targetGroupArn',
  'http',
  'domainName',
  'apiId',
  'stage',
  'httpMethod',
  'connectionId',
  'eventType',
  'routeKey',
  'version',
  'Sns',
  's3',
  'messages',
  'info',
  'arguments',
  'deliveryStreamArn',
  'awslogs',
  'data',
  'triggerSource',
  'userPoolId',
  'StackId',
  'RequestType',
  'ResponseURL',
  'SecretId',
  'Step',
  'ClientRequestToken',
  'configRuleArn',
  'resultToken',
  'invokingEvent',
  'configuration',
  'accessPointArn',
  'getObjectContext',
  'cf',
  'config',
  'raw_path',
  'method',
  'is_base64_encoded',
  'bootstrapServers',
  'topic',
  'distributionId',
  'queryString',
  'channel',
  'path',
  'operation',
  'CodePipeline.job',
  'id',
  'DeploymentId',
  'LifecycleEventHookExecutionId',
  'datasetName',
  'identityPoolId',
  'Name',
  'Details',
  'ContactData',
  'InstanceARN',
  'InvocationMetadata',
  'CampaignContext',
  'Items',
  'endpoint-id',
  'connection-id',
  'schema-version',
  'serverId',
  'protocol',
  'username',
  'protocolData',
  'connectionMetadata',
  'protocols',
  'templateArn',
  'claimCertificateId',
  'serialNumber',
  'clickType',
  'deviceInfo',
  'deviceEvent',
  'buttonClicked',
  'bot',
  'messageVersion',
  'sessionState',
  'currentIntent',
  'invocationSource',
  'agent',
  'actionGroup',
  'request',
  'context',
  'System',
  'session',
  'application',
  'applicationId',
  'directive',
  'header',
  'namespace',
  'payloadVersion',
  'applicationArn',
  'invocationId',
  'invocationSchemaVersion',
  'job',
  'tasks',
  's3BucketArn',
  's3Bucket',
  'alarmArn',
  'alarmData',
  'widgetContext',
  'dashboardName',
  'domain',
  'labelingJobArn',
  'dataObject',
  'summaryVersion',
  'envelope',
  'flowDirection',
  'typeName',
  'fieldName',
];
const VALUES = [
  'TOKEN',
  'REQUEST',
  'aws:sqs',
  'aws:sns',
  'aws:s3',
  'aws:dynamodb',
  'aws:kinesis',
  'aws:ses',
  'aws:kafka',
  'SelfManagedKafka',
  'aws:mq',
  'aws:rmq',
  'Scheduled Event',
  'aws.events',
  'Create',
  'createSecret',
  '1.0',
  '2.0',
  'arn:aws:sqs:us-east-1:123456789012:q',
  'arn:aws:execute-api:us-east-1:123456789012:api/stage/GET/path',
  'arn:::::',
  'arn:aws:execute-api:us-east-1:123456789012:',
  'arn:aws:execute-api:us-east-1:123456789012:///',
  'x.lambda-url.us-east-1.on.aws',
  'x.execute-api.',
  'x.appsync-api.us-east-1.amazonaws.com',
  'aws:codecommit',
  'SyncTrigger',
  'ContactFlowEvent',
  'SFTP',
  'DialogCodeHook',
  'PUBLISH',
  'SUBSCRIBE',
  'Alexa.Discovery',
  'amzn1.ask.skill.x',
  'https://us-east-1.console.aws.amazon.com',
  'b-1.example.com:9092,B-2.example.com:9092',
  'arn:aws:s3:::bucket',
];
const shapedValue = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.string(),
  fc.boolean(),
  fc.integer(),
  fc.constant(null),
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    shapedValue,
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('tree'), { maxKeys: 6 }),
  ),
}));

describe('classifyEvent: properties', () => {
  it('never throws and returns a well-formed source for arbitrary values', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
          withTypedArray: true,
          key: fc.oneof(fc.string(), fc.constantFrom(...KEYS)),
        }),
        (value) => assertWellFormed(classifyEvent(value)),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('never throws on trees of the discriminating keys and values, nor on their JSON round-trip', () => {
    fc.assert(
      fc.property(tree, (value) => {
        assertWellFormed(classifyEvent(value));
        // JSON.parse makes `__proto__` an own data property, as the runtime's parser does.
        assertWellFormed(classifyEvent(JSON.parse(JSON.stringify(value) ?? 'null')));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('classifies every fixture with the account, region, api id and stage it was built with', () => {
    const region = fc
      .tuple(
        fc.constantFrom('us', 'eu', 'ap', 'sa', 'ca', 'me', 'af', 'il', 'cn', 'us-gov'),
        fc.constantFrom('east', 'west', 'central', 'north', 'south', 'southeast', 'northeast'),
        fc.integer({ min: 1, max: 9 }),
      )
      .map(([a, b, n]) => `${a}-${b}-${n}`);
    const options = fc.record({
      accountId: fc.stringMatching(/^\d{12}$/),
      region,
      apiId: fc.stringMatching(/^[a-z0-9]{10}$/),
      stage: fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/),
      records: fc.integer({ min: 1, max: 5 }),
    });
    // Sources whose events carry no account, or no region: many services name neither.
    const neither = [
      'client-vpn',
      'codedeploy-hook',
      'connect-campaign',
      'iot-authorizer',
      'iot-button',
      'lex-v1',
      'lex-v2',
      's3-batch',
      'bedrock-agent',
      'transfer-idp',
      'alexa-skill',
      'alexa-smart-home',
      'workmail',
    ];
    const noAccount = new Set([
      ...neither,
      's3',
      'ses',
      'cloudfront',
      'appsync',
      'appsync-events',
      'cognito-trigger',
      'cognito-sync',
      'function-url',
    ]);
    const noRegion = new Set([
      ...neither,
      'ses',
      'cloudfront',
      'cloudwatch-logs',
      'appsync-authorizer',
      'codepipeline',
    ]);
    const withApi = new Set([
      'apigateway-rest',
      'apigateway-http',
      'apigateway-websocket',
      'apigateway-authorizer-token',
      'apigateway-authorizer-request',
    ]);
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), options, (kind, o) => {
        const source = classifyEvent(build(kind, o));
        expect(source.kind).toBe(kind);
        assertWellFormed(source);
        expect(source.accountId).toBe(noAccount.has(kind) ? undefined : o.accountId);
        expect(source.region).toBe(noRegion.has(kind) ? undefined : o.region);
        if (withApi.has(kind)) expect([source.apiId, source.stage]).toEqual([o.apiId, o.stage]);
        // Every batch builder takes a record count; only batch kinds report records.
        expect(source.records?.length).toBe(BATCH_SOURCE_KINDS.includes(kind) ? o.records : undefined);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never throws when fields of any fixture are deleted or replaced', () => {
    const mutation = fc.record({
      at: fc.nat(),
      action: fc.constantFrom('delete', 'replace', 'replace-parent'),
      value: fc.oneof(fc.anything({ maxDepth: 2 }), shapedValue),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (kind, mutations) => {
          const event = build(kind, { records: 2 }) as Record<string, unknown>;
          for (const { at, action, value } of mutations) {
            const slots = slotsOf(event);
            if (slots.length === 0) break;
            const [parent, key] = slots[at % slots.length]!;
            if (action === 'delete') delete parent[key];
            else parent[key] = value;
          }
          assertWellFormed(classifyEvent(event));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('never throws when any part of a fixture is a throwing proxy or getter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.nat(),
        fc.constantFrom('proxy', 'getter', 'revoked'),
        (kind, at, how) => {
          const event = build(kind, { records: 2 }) as Record<string, unknown>;
          const slots = slotsOf(event);
          const [parent, key] = slots[at % slots.length]!;
          if (how === 'getter') {
            Object.defineProperty(parent, key, {
              get() {
                throw new Error('getter');
              },
            });
          } else if (how === 'proxy') {
            parent[key] = throwingProxy(parent[key]);
          } else {
            const { proxy, revoke } = Proxy.revocable({}, {});
            revoke();
            parent[key] = proxy;
          }
          assertWellFormed(classifyEvent(event));
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

type Slot = [Record<string, unknown>, string];

/** Every (parent, key) in an event tree, depth first. */
function slotsOf(root: unknown): Slot[] {
  const slots: Slot[] = [];
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      slots.push([node as Record<string, unknown>, key]);
      visit((node as Record<string, unknown>)[key]);
    }
  };
  visit(root);
  return slots;
}

const TRAPS = [
  'get',
  'has',
  'ownKeys',
  'getOwnPropertyDescriptor',
  'getPrototypeOf',
  'defineProperty',
  'deleteProperty',
  'set',
  'isExtensible',
  'preventExtensions',
  'setPrototypeOf',
  'apply',
  'construct',
] as const;

/** A Proxy whose every trap throws. */
function throwingProxy(target: unknown): object {
  const handler: ProxyHandler<object> = {};
  for (const trap of TRAPS) {
    (handler as Record<string, unknown>)[trap] = () => {
      throw new Error(`trap ${trap}`);
    };
  }
  return new Proxy(typeof target === 'object' && target !== null ? target : {}, handler);
}

describe('classifyEvent: hostile objects', () => {
  it('gives unknown for a proxy whose every trap throws, as the event and as its array', () => {
    expect(classifyEvent(throwingProxy({}))).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent(throwingProxy([]))).toStrictEqual({ kind: 'unknown' });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(classifyEvent(proxy)).toStrictEqual({ kind: 'unknown' });
  });

  it('gives unknown when every discriminating key is a throwing getter', () => {
    const event = {};
    for (const key of KEYS) {
      Object.defineProperty(event, key, {
        get() {
          throw new Error(key);
        },
      });
    }
    expect(classifyEvent(event)).toStrictEqual({ kind: 'unknown' });
  });

  it('keeps the kind when an optional part throws', () => {
    const event = fixtures.apigatewayRest();
    Object.defineProperty(event.requestContext, 'identity', {
      get() {
        throw new Error('identity');
      },
    });
    expect(classifyEvent(event)).toMatchObject({ kind: 'apigateway-rest', apiId: '1234567890' });
  });

  it('calls no user code besides property reads: no toString, valueOf or toPrimitive', () => {
    let calls = 0;
    const sneaky = {
      toString: () => `${calls++}`,
      valueOf: () => calls++,
      [Symbol.toPrimitive]: () => calls++,
      toJSON: () => calls++,
    };
    const event: Record<string, unknown> = { Records: [Object.fromEntries(KEYS.map((k) => [k, sneaky]))] };
    for (const key of KEYS) event[key] = sneaky;
    classifyEvent(event);
    for (const kind of KINDS) {
      const fixture = build(kind) as Record<string, unknown>;
      for (const [parent, key] of slotsOf(fixture)) if (typeof parent[key] !== 'object') parent[key] = sneaky;
      classifyEvent(fixture);
    }
    expect(calls).toBe(0);
  });

  it('handles cycles', () => {
    const event: Record<string, unknown> = {};
    event.requestContext = event;
    event.Records = [event];
    event.info = event;
    expect(classifyEvent(event)).toStrictEqual({ kind: 'unknown' });
    const sqs = fixtures.sqs() as unknown as { Records: Record<string, unknown>[] };
    sqs.Records[0]!.self = sqs;
    expect(classifyEvent(sqs).kind).toBe('sqs');
  });

  it('handles 10,000-deep nesting of objects and arrays', () => {
    let objects: Record<string, unknown> = { requestContext: { apiId: 'x' } };
    let arrays: unknown = [];
    for (let i = 0; i < 10_000; i++) {
      objects = { requestContext: objects, Records: [objects], type: 'REQUEST' };
      arrays = [arrays];
    }
    expect(classifyEvent(objects)).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent(arrays)).toStrictEqual({ kind: 'unknown' });
    expect(classifyEvent({ Records: arrays })).toStrictEqual({ kind: 'unknown' });
  });

  it('handles a proxy array that claims an absurd length', () => {
    const record = fixtures.sqs().Records[0];
    const records = new Proxy([record], {
      get: (target, key) =>
        key === 'length'
          ? 2 ** 40
          : typeof key === 'string' && /^\d+$/.test(key)
            ? record
            : Reflect.get(target, key),
    });
    const source = classifyEvent({ Records: records });
    expect(source.kind).toBe('sqs');
    expect(source.records).toHaveLength(10_000);
  });

  it('handles null-prototype objects, frozen fixtures and primitives', () => {
    const nullProto = JSON.parse(JSON.stringify(fixtures.sqs()), (_key, value) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.assign(Object.create(null), value)
        : value,
    );
    expect(classifyEvent(nullProto).kind).toBe('sqs');
    expect(classifyEvent(Object.freeze(fixtures.apigatewayHttp())).kind).toBe('apigateway-http');
    for (const value of [
      null,
      undefined,
      0,
      -1,
      Number.NaN,
      '',
      'Records',
      true,
      10n,
      Symbol('x'),
      () => ({}),
    ]) {
      expect(classifyEvent(value)).toStrictEqual({ kind: 'unknown' });
    }
  });

  it('is not fooled by a Records key inherited through __proto__ from JSON', () => {
    const event = JSON.parse(
      '{"__proto__": {"Records": [{"eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q"}]}}',
    );
    expect(classifyEvent(event)).toStrictEqual({ kind: 'unknown' });
  });
});
