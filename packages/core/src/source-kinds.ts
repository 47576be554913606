/** Every invocation source kind `classifyEvent` can name, in documentation order. */
export const SOURCE_KINDS = [
  'apigateway-rest',
  'apigateway-http',
  'apigateway-websocket',
  'apigateway-authorizer-token',
  'apigateway-authorizer-request',
  'alb',
  'function-url',
  'vpc-lattice',
  'appsync',
  'sqs',
  'sns',
  's3',
  's3-object-lambda',
  'eventbridge',
  'schedule',
  'dynamodb-stream',
  'kinesis',
  'firehose',
  'kafka',
  'mq',
  'cloudwatch-logs',
  'cognito-trigger',
  'ses',
  'cloudfront',
  'cloudformation-custom-resource',
  'secrets-manager-rotation',
  'config-rule',
  'unknown',
] as const;

export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Kinds whose caller expects an HTTP response (a refusal is a 403, not a thrown error). */
export const HTTP_SOURCE_KINDS: readonly SourceKind[] = [
  'apigateway-rest',
  'apigateway-http',
  'alb',
  'function-url',
  'vpc-lattice',
];

/** Kinds that are API Gateway Lambda authorizers (a refusal is `Unauthorized`). */
export const AUTHORIZER_SOURCE_KINDS: readonly SourceKind[] = [
  'apigateway-authorizer-token',
  'apigateway-authorizer-request',
];

/** Kinds delivered as a batch of records, each with its own origin. */
export const BATCH_SOURCE_KINDS: readonly SourceKind[] = [
  'sqs',
  'sns',
  's3',
  'dynamodb-stream',
  'kinesis',
  'firehose',
  'kafka',
  'mq',
  'ses',
];

const kindSet: ReadonlySet<string> = new Set(SOURCE_KINDS);

export function isSourceKind(value: unknown): value is SourceKind {
  return typeof value === 'string' && kindSet.has(value);
}

/** Where one record of a batch came from. */
export interface SourceRecord {
  arn?: string;
  accountId?: string;
  region?: string;
}

/**
 * What invoked the function, as far as the event itself tells. Fields are
 * present only when the event carries them; nothing is guessed from the
 * function's own context.
 */
export interface InvocationSource {
  kind: SourceKind;
  /** The source's ARN: queue, topic, bucket, stream, rule, target group, delivery stream, cluster, broker, secret... */
  arn?: string;
  accountId?: string;
  region?: string;
  /** API Gateway REST/HTTP/WebSocket API id, or the AppSync API id. */
  apiId?: string;
  stage?: string;
  method?: string;
  path?: string;
  /** For batch kinds: the origin of every record, in order. Empty for an empty batch. */
  records?: SourceRecord[];
  /** Who called: the authorizer's principal id, the JWT `sub`, the IAM caller... when the event says. */
  principal?: string;
}
