import { batchSource, MAX_RECORDS } from './classify-batch.ts';
import { applyAppSyncHost } from './classify-http.ts';
import {
  applyAccountId,
  applyArn,
  applyRegion,
  child,
  field,
  isArray,
  lengthOf,
  text,
} from './classify-read.ts';
import type { InvocationSource, SourceKind, SourceRecord } from './source-kinds.ts';

/**
 * Kinds invoked directly by one AWS service, each recognised by a few
 * top-level fields only its payload has: AppSync authorizers and Events,
 * Client VPN, CodePipeline, CodeDeploy hooks, Cognito Sync, Amazon Connect,
 * IoT, Kinesis Data Analytics, Lex, S3 Batch Operations, Bedrock Agents,
 * CloudWatch alarms and custom widgets, Transfer Family, Alexa, SageMaker
 * Ground Truth and WorkMail. They are tried after every older kind, so none
 * of them can take an event an older kind recognises.
 */

const CONSOLE = '.console.aws.amazon.com';
const TRANSFER_PROTOCOLS: ReadonlySet<unknown> = new Set(['SFTP', 'FTP', 'FTPS', 'AS2']);
const LEX_V1_SOURCES: ReadonlySet<unknown> = new Set(['DialogCodeHook', 'FulfillmentCodeHook']);
const APPSYNC_EVENT_OPERATIONS: ReadonlySet<unknown> = new Set(['PUBLISH', 'SUBSCRIBE']);

function withResourceId(kind: SourceKind, resourceId: string | undefined): InvocationSource {
  const source: InvocationSource = { kind };
  if (resourceId) source.resourceId = resourceId;
  return source;
}

function withArn(kind: SourceKind, arn: string): InvocationSource {
  const source: InvocationSource = { kind };
  applyArn(source, arn);
  return source;
}

/** One origin per item of `list`, each from `arnOf(item)`. */
function recordsOf(list: readonly unknown[], arnOf: (item: unknown) => string | undefined): SourceRecord[] {
  const records: SourceRecord[] = [];
  const count = lengthOf(list, MAX_RECORDS);
  for (let i = 0; i < count; i++) {
    const origin: SourceRecord = {};
    applyArn(origin, arnOf(field(list, i)));
    records.push(origin);
  }
  return records;
}

/** AppSync: Lambda authorizer, Events API handler. */
function appsyncFamily(event: object): InvocationSource | undefined {
  const rc = child(event, 'requestContext');
  if (
    rc &&
    typeof field(event, 'authorizationToken') === 'string' &&
    typeof field(rc, 'queryString') === 'string'
  ) {
    const apiId = text(rc, 'apiId');
    if (!apiId) return undefined;
    const source: InvocationSource = { kind: 'appsync-authorizer', apiId };
    applyAccountId(source, field(rc, 'accountId'));
    return source;
  }
  const info = child(event, 'info');
  if (
    info &&
    text(child(info, 'channel'), 'path') &&
    APPSYNC_EVENT_OPERATIONS.has(field(info, 'operation'))
  ) {
    const source: InvocationSource = { kind: 'appsync-events' };
    applyAppSyncHost(source, event);
    return source;
  }
  return undefined;
}

/** CodePipeline, CodeDeploy, Cognito Sync, Connect, Client VPN, Transfer Family. */
function managedServices(event: object): InvocationSource | undefined {
  const job = child(event, 'CodePipeline.job');
  if (job && text(job, 'id') && child(job, 'data')) {
    const source: InvocationSource = { kind: 'codepipeline' };
    applyAccountId(source, field(job, 'accountId'));
    return source;
  }

  if (text(event, 'DeploymentId') && text(event, 'LifecycleEventHookExecutionId')) {
    return { kind: 'codedeploy-hook' };
  }

  if (field(event, 'eventType') === 'SyncTrigger' && text(event, 'datasetName')) {
    const identityPoolId = text(event, 'identityPoolId');
    if (identityPoolId) {
      const source = withResourceId('cognito-sync', identityPoolId);
      applyRegion(source, field(event, 'region'));
      const identityId = text(event, 'identityId');
      if (identityId) source.principal = identityId;
      return source;
    }
  }

  const details = child(event, 'Details');
  if (field(event, 'Name') === 'ContactFlowEvent' && details) {
    const contact = child(details, 'ContactData');
    if (contact) {
      const source: InvocationSource = { kind: 'connect-contact-flow' };
      applyArn(source, text(contact, 'InstanceARN'));
      return source;
    }
  }

  const campaign = child(child(event, 'InvocationMetadata'), 'CampaignContext');
  if (campaign && child(event, 'Items')) {
    return withResourceId('connect-campaign', text(campaign, 'CampaignId'));
  }

  const endpointId = text(event, 'endpoint-id');
  if (endpointId && text(event, 'connection-id') && text(event, 'schema-version')) {
    const source = withResourceId('client-vpn', endpointId);
    const username = text(event, 'username');
    if (username) source.principal = username;
    return source;
  }

  const serverId = text(event, 'serverId');
  if (serverId && TRANSFER_PROTOCOLS.has(field(event, 'protocol')) && text(event, 'username')) {
    const source = withResourceId('transfer-idp', serverId);
    source.principal = text(event, 'username');
    return source;
  }
  return undefined;
}

/** IoT Core custom authorizer, fleet-provisioning pre-provisioning hook, IoT button and 1-Click. */
function iot(event: object): InvocationSource | undefined {
  if (
    child(event, 'protocolData') &&
    child(event, 'connectionMetadata') &&
    isArray(field(event, 'protocols'))
  ) {
    return { kind: 'iot-authorizer' };
  }
  const templateArn = text(event, 'templateArn');
  if (templateArn && text(event, 'claimCertificateId')) return withArn('iot-provisioning-hook', templateArn);

  const serialNumber = text(event, 'serialNumber');
  if (serialNumber && text(event, 'clickType')) return withResourceId('iot-button', serialNumber);
  const deviceInfo = child(event, 'deviceInfo');
  if (deviceInfo && child(child(event, 'deviceEvent'), 'buttonClicked')) {
    return withResourceId('iot-button', text(deviceInfo, 'deviceId'));
  }
  return undefined;
}

/** Lex V1 and V2 code hooks, Bedrock Agents action groups, Alexa skills and Smart Home. */
function conversational(event: object): InvocationSource | undefined {
  const bot = child(event, 'bot');
  if (bot && text(event, 'messageVersion')) {
    if (child(event, 'sessionState') && text(bot, 'id')) {
      return withResourceId('lex-v2', text(bot, 'id'));
    }
    if (child(event, 'currentIntent') && LEX_V1_SOURCES.has(field(event, 'invocationSource'))) {
      const source = withResourceId('lex-v1', text(bot, 'name'));
      const userId = text(event, 'userId');
      if (userId) source.principal = userId;
      return source;
    }
  }

  const agent = child(event, 'agent');
  if (agent && text(event, 'actionGroup') && text(event, 'messageVersion')) {
    return withResourceId('bedrock-agent', text(agent, 'id'));
  }

  const request = child(event, 'request');
  const system = child(child(event, 'context'), 'System');
  const session = child(event, 'session');
  if (request && text(request, 'type') && (system || session)) {
    const applicationId =
      text(child(system, 'application'), 'applicationId') ??
      text(child(session, 'application'), 'applicationId');
    if (applicationId?.startsWith('amzn1.')) {
      const source = withResourceId('alexa-skill', applicationId);
      const userId = text(child(system, 'user'), 'userId') ?? text(child(session, 'user'), 'userId');
      if (userId) source.principal = userId;
      return source;
    }
  }

  const header = child(child(event, 'directive'), 'header');
  if (header && text(header, 'namespace')?.startsWith('Alexa') && text(header, 'payloadVersion')) {
    return { kind: 'alexa-smart-home' };
  }
  return undefined;
}

/** Kinesis Data Analytics, S3 Batch Operations, CloudWatch alarms and widgets, Ground Truth, WorkMail. */
function dataServices(event: object): InvocationSource | undefined {
  const applicationArn = text(event, 'applicationArn');
  const records = field(event, 'records');
  if (applicationArn && text(event, 'invocationId') && isArray(records)) {
    const source = batchSource(
      'kinesis-analytics',
      recordsOf(records, () => applicationArn),
    );
    applyArn(source, applicationArn);
    return source;
  }

  const tasks = field(event, 'tasks');
  if (text(event, 'invocationSchemaVersion') && child(event, 'job') && isArray(tasks)) {
    // Schema 1.0 names the bucket ARN, 2.0 the bucket name (bucket ARNs carry no account or region).
    return batchSource(
      's3-batch',
      recordsOf(tasks, (task) => {
        const bucketArn = text(task, 's3BucketArn');
        if (bucketArn) return bucketArn;
        const bucket = text(task, 's3Bucket');
        return bucket ? `arn:aws:s3:::${bucket}` : undefined;
      }),
    );
  }

  const alarmArn = text(event, 'alarmArn');
  if (alarmArn && child(event, 'alarmData')) {
    const source = withArn('cloudwatch-alarm', alarmArn);
    applyAccountId(source, field(event, 'accountId'));
    applyRegion(source, field(event, 'region'));
    return source;
  }

  const widget = child(event, 'widgetContext');
  if (widget && text(widget, 'dashboardName')) {
    const source = withResourceId('cloudwatch-widget', text(widget, 'dashboardName'));
    applyAccountId(source, field(widget, 'accountId'));
    // The console domain is `https://<region>.console.aws.amazon.com`.
    const domain = text(widget, 'domain');
    const end = domain ? domain.indexOf(CONSOLE) : -1;
    if (domain && end > 0) applyRegion(source, domain.slice(domain.indexOf('//') + 2, end));
    return source;
  }

  const labelingJobArn = text(event, 'labelingJobArn');
  if (labelingJobArn && (child(event, 'dataObject') || child(event, 'payload'))) {
    return withArn('ground-truth', labelingJobArn);
  }

  if (text(event, 'summaryVersion') && child(event, 'envelope') && text(event, 'flowDirection')) {
    return { kind: 'workmail' };
  }
  return undefined;
}

/** The kinds of this module; undefined when the event is none of them. */
export function fromServicePayload(event: object): InvocationSource | undefined {
  return (
    appsyncFamily(event) ??
    managedServices(event) ??
    iot(event) ??
    conversational(event) ??
    dataServices(event)
  );
}
