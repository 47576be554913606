import { applyArn, applyRegion, child, field, isArray, isObject, lengthOf, text } from './classify-read.ts';
import type { InvocationSource, SourceKind, SourceRecord } from './source-kinds.ts';

/**
 * Batch kinds: `Records[]` events (SQS, SNS, S3, DynamoDB, Kinesis, SES,
 * CloudFront), Kafka, Amazon MQ and Firehose.
 */

/** The largest batch Lambda delivers (SQS, Kinesis, DynamoDB batch size): more is not a real event. */
export const MAX_RECORDS = 10_000;

type RecordOrigin = (record: unknown) => SourceRecord;

function eventSourceArnOrigin(record: unknown): SourceRecord {
  const origin: SourceRecord = {};
  applyRegion(origin, field(record, 'awsRegion'));
  applyArn(origin, text(record, 'eventSourceARN'));
  return origin;
}

function snsOrigin(record: unknown): SourceRecord {
  const origin: SourceRecord = {};
  applyArn(origin, text(child(record, 'Sns'), 'TopicArn'));
  return origin;
}

// S3 bucket ARNs carry neither account nor region (`arn:aws:s3:::bucket`).
function s3Origin(record: unknown): SourceRecord {
  const origin: SourceRecord = {};
  applyRegion(origin, field(record, 'awsRegion'));
  applyArn(origin, text(child(child(record, 's3'), 'bucket'), 'arn'));
  return origin;
}

// SES records name no source resource.
function noOrigin(): SourceRecord {
  return {};
}

/** `Records[]` event sources: the record's `eventSource` and the field only that source's records have. */
const RECORD_SOURCES: ReadonlyMap<string, { kind: SourceKind; marker: string; origin: RecordOrigin }> =
  new Map([
    ['aws:sqs', { kind: 'sqs', marker: 'eventSourceARN', origin: eventSourceArnOrigin }],
    ['aws:sns', { kind: 'sns', marker: 'Sns', origin: snsOrigin }],
    ['aws:s3', { kind: 's3', marker: 's3', origin: s3Origin }],
    ['aws:dynamodb', { kind: 'dynamodb-stream', marker: 'dynamodb', origin: eventSourceArnOrigin }],
    ['aws:kinesis', { kind: 'kinesis', marker: 'kinesis', origin: eventSourceArnOrigin }],
    ['aws:ses', { kind: 'ses', marker: 'ses', origin: noOrigin }],
    ['aws:codecommit', { kind: 'codecommit', marker: 'codecommit', origin: eventSourceArnOrigin }],
  ]);

/** The batch's top-level origin is its first record's. */
export function batchSource(kind: SourceKind, records: SourceRecord[]): InvocationSource {
  const source: InvocationSource = { kind, records };
  const first = records[0];
  if (first?.arn !== undefined) source.arn = first.arn;
  if (first?.accountId !== undefined) source.accountId = first.accountId;
  if (first?.region !== undefined) source.region = first.region;
  return source;
}

/** Classifies a non-empty `Records` array by its first record. */
export function fromRecords(list: readonly unknown[]): InvocationSource | undefined {
  const count = lengthOf(list, MAX_RECORDS);
  if (count === 0) return undefined;
  const first = field(list, 0);
  if (!isObject(first)) return undefined;
  const eventSource = text(first, 'eventSource') ?? text(first, 'EventSource');
  const known = eventSource === undefined ? undefined : RECORD_SOURCES.get(eventSource);
  const marker = known ? field(first, known.marker) : undefined;
  if (known && marker !== undefined && marker !== null) {
    const records: SourceRecord[] = [];
    for (let i = 0; i < count; i++) records.push(known.origin(field(list, i)));
    return batchSource(known.kind, records);
  }
  // Lambda@Edge: one record with `cf.config`.
  const cf = child(first, 'cf');
  if (cf && child(cf, 'config')) {
    const source: InvocationSource = { kind: 'cloudfront' };
    const distributionId = text(child(cf, 'config'), 'distributionId');
    if (distributionId) source.distributionId = distributionId;
    const request = child(cf, 'request');
    const method = text(request, 'method');
    const uri = text(request, 'uri');
    if (method) source.method = method;
    if (uri) source.path = uri;
    return source;
  }
  return undefined;
}

/** One origin per message, all from the same cluster/broker ARN. */
function sameOrigin(arn: string | undefined, count: number): SourceRecord[] {
  const records: SourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const origin: SourceRecord = {};
    applyArn(origin, arn);
    records.push(origin);
  }
  return records;
}

/**
 * One origin per Kafka message, each with the cluster ARN (MSK) and the
 * message's own `topic`: a batch can span topics, and each is judged.
 */
function kafkaOrigins(arn: string | undefined, groups: object): SourceRecord[] {
  const records: SourceRecord[] = [];
  for (const key in groups) {
    if (!Object.hasOwn(groups, key)) continue;
    const group = field(groups, key);
    if (!isArray(group)) continue;
    const count = Math.min(lengthOf(group, MAX_RECORDS), MAX_RECORDS - records.length);
    for (let i = 0; i < count; i++) {
      const origin: SourceRecord = {};
      applyArn(origin, arn);
      const topic = text(field(group, i), 'topic');
      if (topic) origin.topic = topic;
      records.push(origin);
    }
    if (records.length >= MAX_RECORDS) break;
  }
  return records;
}

/** The most bootstrap servers read from a Kafka event (real lists name a handful). */
const MAX_BOOTSTRAP_SERVERS = 64;

/**
 * `host:port,host:port` → the servers lower-cased, de-duplicated and sorted;
 * undefined when the list is missing or any entry is not `host:port`.
 */
export function parseBootstrapServers(value: string | undefined): string[] | undefined {
  if (value === undefined || value.length > MAX_BOOTSTRAP_SERVERS * 300) return undefined;
  const servers = new Set<string>();
  for (const part of value.split(',', MAX_BOOTSTRAP_SERVERS + 1)) {
    const server = part.trim().toLowerCase();
    if (!isHostPort(server)) return undefined;
    servers.add(server);
  }
  if (servers.size === 0 || servers.size > MAX_BOOTSTRAP_SERVERS) return undefined;
  return [...servers].sort();
}

/** `host:port`: host of letters, digits, `.`, `-` (at most 253), port 1-5 digits. A loop, not a regex. */
function isHostPort(value: string): boolean {
  const colon = value.lastIndexOf(':');
  if (colon < 1 || colon > 253 || value.length - colon - 1 < 1 || value.length - colon - 1 > 5) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (i > colon) {
      if (c < 48 || c > 57) return false;
    } else if (i < colon && !((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46)) {
      return false;
    }
  }
  return true;
}

/** Counts the messages of `{ "<key>": Message[] }` maps (RabbitMQ `rmqMessagesByQueue`). */
function countGrouped(groups: object): number {
  let count = 0;
  for (const key in groups) {
    if (!Object.hasOwn(groups, key)) continue;
    const group = field(groups, key);
    if (isArray(group)) count += lengthOf(group, MAX_RECORDS);
    if (count >= MAX_RECORDS) return MAX_RECORDS;
  }
  return count;
}

/** Event source mappings with a top-level `eventSource`: Kafka (MSK and self-managed) and Amazon MQ. */
export function fromEventSource(event: object, eventSource: string): InvocationSource | undefined {
  if (eventSource === 'aws:kafka' || eventSource === 'SelfManagedKafka') {
    const groups = child(event, 'records');
    if (!groups || isArray(groups)) return undefined;
    const arn = text(event, 'eventSourceArn');
    const records = kafkaOrigins(arn, groups);
    const source = batchSource('kafka', records);
    applyArn(source, arn);
    const topic = records[0]?.topic;
    if (topic !== undefined) source.topic = topic;
    const servers = parseBootstrapServers(text(event, 'bootstrapServers'));
    if (servers) source.bootstrapServers = servers;
    return source;
  }
  if (eventSource === 'aws:mq' || eventSource === 'aws:amq' || eventSource === 'aws:rmq') {
    const messages = field(event, 'messages');
    const byQueue = child(event, 'rmqMessagesByQueue');
    let count: number;
    if (isArray(messages)) count = lengthOf(messages, MAX_RECORDS);
    else if (byQueue) count = countGrouped(byQueue);
    else return undefined;
    const arn = text(event, 'eventSourceArn');
    const source = batchSource('mq', sameOrigin(arn, count));
    applyArn(source, arn);
    return source;
  }
  return undefined;
}

/** Data Firehose transformation: `deliveryStreamArn` and `records[]`. */
export function firehose(event: object, deliveryStreamArn: string): InvocationSource | undefined {
  const list = field(event, 'records');
  if (!isArray(list)) return undefined;
  const region = field(event, 'region');
  const records: SourceRecord[] = [];
  const count = lengthOf(list, MAX_RECORDS);
  for (let i = 0; i < count; i++) {
    const origin: SourceRecord = {};
    applyRegion(origin, region);
    applyArn(origin, deliveryStreamArn);
    records.push(origin);
  }
  const source = batchSource('firehose', records);
  applyRegion(source, region);
  applyArn(source, deliveryStreamArn);
  return source;
}
