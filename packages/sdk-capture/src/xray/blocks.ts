import { ATTR, AWS_API } from '../attributes.ts';
import type { SpanAttributes, SpanKind } from '../port.ts';

/**
 * Semantic-convention attributes → the fields of an X-Ray subsegment
 * document (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html):
 * `namespace`, and the `aws`, `http` and `sql` blocks.
 */
export interface XrayFields {
  namespace?: 'aws' | 'remote';
  aws?: Record<string, unknown>;
  http?: { request?: Record<string, unknown>; response?: Record<string, unknown> };
  sql?: Record<string, unknown>;
}

type Attrs = Record<string, SpanAttributes[string]>;

function text(attrs: Attrs, key: string): string | undefined {
  const value = attrs[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `fields` without its undefined values, or undefined when none is left (runs on every span end). */
function defined<T extends Record<string, unknown>>(fields: T): Partial<T> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    out ??= {};
    out[key] = value;
  }
  return out as Partial<T> | undefined;
}

// The resource fields the X-Ray SDK's own AWS capture records, by attribute.
const AWS_RESOURCES: readonly [string, string][] = [
  [ATTR.queueUrl, 'queue_url'],
  [ATTR.topicArn, 'topic_arn'],
  [ATTR.bucket, 'bucket_name'],
  [ATTR.streamName, 'stream_name'],
  [ATTR.functionName, 'function_name'],
  [ATTR.secretArn, 'secret_id'],
  [ATTR.stateMachineArn, 'state_machine_arn'],
];

export function xrayFields(kind: SpanKind, attrs: Attrs): XrayFields {
  const fields: XrayFields = {};
  const status = attrs[ATTR.httpStatus];
  const response = typeof status === 'number' ? { status } : undefined;
  if (attrs[ATTR.rpcSystem] === AWS_API) {
    fields.namespace = 'aws';
    const tables = attrs[ATTR.tableNames];
    const aws: Record<string, unknown> = {
      operation: text(attrs, ATTR.rpcMethod),
      region: text(attrs, ATTR.region),
      request_id: text(attrs, ATTR.requestId),
      table_name: Array.isArray(tables) && tables.length === 1 ? tables[0] : undefined,
    };
    for (const [attribute, field] of AWS_RESOURCES) aws[field] = text(attrs, attribute);
    const block = defined(aws);
    if (block) fields.aws = block;
    if (response) fields.http = { response };
    return fields;
  }
  if (kind === 'client') fields.namespace = 'remote';
  const request = defined({ method: text(attrs, ATTR.httpMethod), url: text(attrs, ATTR.urlFull) });
  if (request || response) fields.http = defined({ request, response }) ?? {};
  const system = text(attrs, ATTR.dbSystem);
  if (system) {
    const host = text(attrs, ATTR.serverAddress);
    const port = attrs[ATTR.serverPort];
    const database = text(attrs, ATTR.dbNamespace);
    const hostPart = host ? `${host}${typeof port === 'number' ? `:${port}` : ''}` : '';
    fields.sql = defined({
      url: `${system}://${hostPart}${database ? `/${database}` : ''}`,
      database_type: system,
      user: text(attrs, ATTR.dbUser),
      sanitized_query: text(attrs, ATTR.dbQuery),
    });
  }
  return fields;
}
