import { firehose, fromEventSource, fromRecords } from './classify-batch.ts';
import { appsync, authorizer, fromRequestContext, latticeV1 } from './classify-http.ts';
import { cloudwatchLogs } from './classify-logs.ts';
import {
  applyAccountId,
  applyArn,
  applyRegion,
  child,
  field,
  isArray,
  isObject,
  text,
} from './classify-read.ts';
import { fromServicePayload } from './classify-services.ts';
import type { InvocationSource } from './source-kinds.ts';

const CUSTOM_RESOURCE_REQUESTS: ReadonlySet<unknown> = new Set(['Create', 'Update', 'Delete']);
const ROTATION_STEPS: ReadonlySet<unknown> = new Set([
  'createSecret',
  'setSecret',
  'testSecret',
  'finishSecret',
]);
const SCHEDULE_SOURCES: ReadonlySet<unknown> = new Set(['aws.events', 'aws.scheduler']);

/** EventBridge: a rule's event, or a "Scheduled Event" from a scheduled rule or EventBridge Scheduler. */
function eventbridge(event: object, detailType: string, eventSource: string): InvocationSource {
  const scheduled = detailType === 'Scheduled Event' && SCHEDULE_SOURCES.has(eventSource);
  const source: InvocationSource = { kind: scheduled ? 'schedule' : 'eventbridge' };
  applyAccountId(source, field(event, 'account'));
  applyRegion(source, field(event, 'region'));
  // A scheduled event's only resource is the rule (or schedule) that fired; other
  // events' resources are what the event is about, not where it came from.
  if (scheduled) applyArn(source, text(field(event, 'resources'), '0'));
  return source;
}

/** Kinds recognised by a few top-level fields of their own. */
function fromTopLevelFields(event: object): InvocationSource | undefined {
  const deliveryStreamArn = text(event, 'deliveryStreamArn');
  if (deliveryStreamArn) return firehose(event, deliveryStreamArn);

  const logsData = text(child(event, 'awslogs'), 'data');
  if (logsData) return cloudwatchLogs(logsData);

  const triggerSource = text(event, 'triggerSource');
  const userPoolId = text(event, 'userPoolId');
  if (triggerSource && userPoolId) {
    const source: InvocationSource = { kind: 'cognito-trigger' };
    // User pool ids are `<region>_<id>`.
    applyRegion(source, field(event, 'region') ?? userPoolId.slice(0, userPoolId.indexOf('_')));
    const userName = text(event, 'userName');
    if (userName) source.principal = userName;
    source.userPoolId = userPoolId;
    return source;
  }

  const stackId = text(event, 'StackId');
  if (stackId && CUSTOM_RESOURCE_REQUESTS.has(field(event, 'RequestType')) && text(event, 'ResponseURL')) {
    const source: InvocationSource = { kind: 'cloudformation-custom-resource' };
    applyArn(source, stackId);
    return source;
  }

  const secretId = text(event, 'SecretId');
  if (secretId && ROTATION_STEPS.has(field(event, 'Step')) && text(event, 'ClientRequestToken')) {
    const source: InvocationSource = { kind: 'secrets-manager-rotation' };
    // Rotation passes the secret's ARN; a bare name says nothing about account or region.
    if (secretId.startsWith('arn:')) applyArn(source, secretId);
    return source;
  }

  const configRuleArn = text(event, 'configRuleArn');
  if (configRuleArn && text(event, 'resultToken') && typeof field(event, 'invokingEvent') === 'string') {
    const source: InvocationSource = { kind: 'config-rule' };
    applyAccountId(source, field(event, 'accountId'));
    applyArn(source, configRuleArn);
    return source;
  }

  const accessPointArn = text(child(event, 'configuration'), 'accessPointArn');
  if (
    accessPointArn &&
    (child(event, 'getObjectContext') ||
      child(event, 'headObjectContext') ||
      child(event, 'listObjectsContext') ||
      child(event, 'listObjectsV2Context'))
  ) {
    const source: InvocationSource = { kind: 's3-object-lambda' };
    applyArn(source, accessPointArn);
    const caller = text(child(event, 'userIdentity'), 'arn');
    if (caller) source.principal = caller;
    return source;
  }

  return appsync(event) ?? latticeV1(event) ?? fromServicePayload(event);
}

function classifyObject(event: object): InvocationSource | undefined {
  if (isArray(event)) {
    // AppSync batch resolvers receive an array of resolver events.
    const first = field(event, 0);
    return isObject(first) ? appsync(first) : undefined;
  }

  // Authorizers first: a REQUEST authorizer event also carries a request context.
  const type = field(event, 'type');
  if (type === 'TOKEN' || type === 'REQUEST') {
    const source = authorizer(event, type);
    if (source) return source;
  }

  const rc = child(event, 'requestContext');
  if (rc) {
    const source = fromRequestContext(event, rc);
    if (source) return source;
  }

  const records = field(event, 'Records');
  if (isArray(records)) return fromRecords(records);

  const detailType = text(event, 'detail-type');
  const eventBusSource = text(event, 'source');
  if (detailType && eventBusSource) return eventbridge(event, detailType, eventBusSource);

  const eventSource = text(event, 'eventSource');
  if (eventSource) {
    const source = fromEventSource(event, eventSource);
    if (source) return source;
  }

  return fromTopLevelFields(event);
}

/**
 * Names what invoked the function from the shape of `event`, with the
 * source's ARN, account, region, API id, stage, method, path, per-record
 * origins and principal where the event carries them. Nothing is taken from
 * the function's own context (`_context` is accepted for API symmetry).
 *
 * Never throws: anything malformed, hostile or unrecognised is
 * `{ kind: 'unknown' }`. It runs on every invocation, so it only reads the
 * few properties that discriminate the kinds (common kinds first) and
 * allocates nothing beyond its result.
 */
export function classifyEvent(event: unknown, _context?: unknown): InvocationSource {
  if (event === null || typeof event !== 'object') return { kind: 'unknown' };
  try {
    return classifyObject(event) ?? { kind: 'unknown' };
  } catch {
    // Readers are guarded one by one; this catches what they cannot (a Proxy's
    // ownKeys trap throwing mid-iteration, a getter on an array index...).
    return { kind: 'unknown' };
  }
}
