/**
 * Each service kind is recognised by ALL of the fields its check names, never by some of them: an
 * event missing any one of them is not that kind. Pinned field by field from the fixtures, so a
 * check that silently drops a condition (and would start taking other services' events) fails.
 * The mutation run over core found these conjunctions exercised only on complete events.
 */
import { fixtures } from '@lambda-sentinel/testing';
import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../src/index.ts';

type Event = Record<string, unknown>;

/** A deep copy of `event` without the field at `path` (dot-separated; a key may contain dots in quotes). */
function without(event: Event, path: string[]): Event {
  const copy = structuredClone(event);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path.at(-1)!];
  return copy;
}

const CASES: Array<[string, Event, string[][]]> = [
  [
    'appsync-authorizer',
    fixtures.appsyncAuthorizer(),
    [['authorizationToken'], ['requestContext', 'queryString'], ['requestContext', 'apiId']],
  ],
  [
    'codepipeline',
    fixtures.codepipeline(),
    [
      ['CodePipeline.job', 'id'],
      ['CodePipeline.job', 'data'],
    ],
  ],
  ['codedeploy-hook', fixtures.codedeployHook(), [['DeploymentId'], ['LifecycleEventHookExecutionId']]],
  ['cognito-sync', fixtures.cognitoSync(), [['eventType'], ['datasetName']]],
  ['connect-contact-flow', fixtures.connectContactFlow(), [['Name'], ['Details']]],
  ['connect-campaign', fixtures.connectCampaign(), [['InvocationMetadata', 'CampaignContext'], ['Items']]],
  ['client-vpn', fixtures.clientVpn(), [['endpoint-id'], ['connection-id'], ['schema-version']]],
  ['transfer-idp', fixtures.transferIdp(), [['serverId'], ['protocol'], ['username']]],
  ['iot-provisioning-hook', fixtures.iotProvisioningHook(), [['templateArn'], ['claimCertificateId']]],
  ['lex-v2', fixtures.lexV2(), [['messageVersion']]],
  ['lex-v1', fixtures.lexV1(), [['messageVersion'], ['currentIntent'], ['invocationSource']]],
  ['bedrock-agent', fixtures.bedrockAgent(), [['agent'], ['actionGroup'], ['messageVersion']]],
  [
    'alexa-smart-home',
    fixtures.alexaSmartHome(),
    [
      ['directive', 'header', 'namespace'],
      ['directive', 'header', 'payloadVersion'],
    ],
  ],
  ['kinesis-analytics', fixtures.kinesisAnalytics(), [['applicationArn'], ['invocationId'], ['records']]],
  ['s3-batch', fixtures.s3Batch(), [['invocationSchemaVersion'], ['job'], ['tasks']]],
  ['cloudwatch-alarm', fixtures.cloudwatchAlarm(), [['alarmArn'], ['alarmData']]],
  ['cloudwatch-widget', fixtures.cloudwatchWidget(), [['widgetContext', 'dashboardName']]],
  ['workmail', fixtures.workmail(), [['summaryVersion'], ['envelope'], ['flowDirection']]],
];

describe('service kinds need every field their check names', () => {
  it.each(CASES)('%s', (kind, event, required) => {
    expect(classifyEvent(event).kind).toBe(kind);
    for (const path of required) {
      expect(classifyEvent(without(event, path)).kind, `without ${path.join('.')}`).not.toBe(kind);
    }
  });
});

describe('service kinds: the alternatives a check accepts, and the facts each gives', () => {
  const SKILL = 'amzn1.ask.skill.0a1b2c3d-1234-5678-9abc-def012345678';
  const skill = { kind: 'alexa-skill', resourceId: SKILL, principal: 'amzn1.ask.account.EXAMPLEUSER' };

  it('Alexa skills: the application and user from context.System or from session, either alone', () => {
    const event = fixtures.alexaSkill();
    expect(classifyEvent(event)).toStrictEqual(skill);
    expect(classifyEvent(without(event, ['context']))).toStrictEqual(skill);
    expect(classifyEvent(without(event, ['session']))).toStrictEqual(skill);
    expect(classifyEvent(without(without(event, ['session']), ['context'])).kind).toBe('unknown');
    expect(classifyEvent(without(event, ['request', 'type'])).kind).toBe('unknown');
    // Only an Alexa application id makes it a skill request.
    expect(classifyEvent(fixtures.alexaSkill({ applicationId: 'not-amzn' })).kind).toBe('unknown');
  });

  it('dashboard widgets: the region only from a regional console domain', () => {
    const event = fixtures.cloudwatchWidget() as { widgetContext: Record<string, unknown> };
    expect(classifyEvent(event)).toStrictEqual({
      kind: 'cloudwatch-widget',
      resourceId: 'operations',
      accountId: '123456789012',
      region: 'us-east-1',
    });
    for (const domain of ['https://console.aws.amazon.com', 'https://example.com']) {
      const other = { widgetContext: { ...event.widgetContext, domain } };
      expect(classifyEvent(other)).toStrictEqual({
        kind: 'cloudwatch-widget',
        resourceId: 'operations',
        accountId: '123456789012',
      });
    }
  });

  it('Ground Truth: before annotation (dataObject) and after it (payload), never with neither', () => {
    const job = {
      kind: 'ground-truth',
      arn: 'arn:aws:sagemaker:us-east-1:123456789012:labeling-job/my-labeling-job',
      region: 'us-east-1',
      accountId: '123456789012',
    };
    expect(classifyEvent(fixtures.groundTruth())).toStrictEqual(job);
    const post = fixtures.groundTruth({ variant: 'post' });
    expect(classifyEvent(post)).toStrictEqual(job);
    expect(classifyEvent(without(post, ['payload'])).kind).not.toBe('ground-truth');
    expect(classifyEvent(without(fixtures.groundTruth(), ['dataObject'])).kind).not.toBe('ground-truth');
  });

  it('Lex V2 needs its sessionState and the bot id; the id is the source', () => {
    const event = fixtures.lexV2();
    expect(classifyEvent(event)).toStrictEqual({ kind: 'lex-v2', resourceId: 'ABCDEFGH12' });
    expect(classifyEvent(without(event, ['sessionState'])).kind).not.toBe('lex-v2');
    expect(classifyEvent(without(event, ['bot', 'id'])).kind).not.toBe('lex-v2');
  });

  it('IoT buttons: by serial number and click type', () => {
    const event = fixtures.iotButton();
    expect(classifyEvent(event)).toStrictEqual({ kind: 'iot-button', resourceId: 'G030JF055364XVRB' });
    expect(classifyEvent(without(event, ['clickType'])).kind).not.toBe('iot-button');
  });
});
