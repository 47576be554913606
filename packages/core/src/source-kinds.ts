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
  'appsync-authorizer',
  'appsync-events',
  'client-vpn',
  'codecommit',
  'codepipeline',
  'codedeploy-hook',
  'cognito-sync',
  'connect-contact-flow',
  'connect-campaign',
  'iot-authorizer',
  'iot-provisioning-hook',
  'iot-button',
  'kinesis-analytics',
  'lex-v1',
  'lex-v2',
  's3-batch',
  'bedrock-agent',
  'cloudwatch-alarm',
  'cloudwatch-widget',
  'transfer-idp',
  'alexa-skill',
  'alexa-smart-home',
  'ground-truth',
  'workmail',
  'unknown',
] as const;

/** One of {@link SOURCE_KINDS}: what kind of event source invoked the function. */
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
  'codecommit',
  'kinesis-analytics',
  's3-batch',
];

const kindSet: ReadonlySet<string> = new Set(SOURCE_KINDS);

/** True when `value` is one of {@link SOURCE_KINDS}: checks an allowlist rule or a kind read from config. */
export function isSourceKind(value: unknown): value is SourceKind {
  return typeof value === 'string' && kindSet.has(value);
}

/** Where one record of a batch came from. */
export interface SourceRecord {
  /** The record's source ARN (queue, topic, bucket, stream...). */
  arn?: string;
  /** The account the record came from, from its ARN or the event. */
  accountId?: string;
  /** The region the record came from. */
  region?: string;
  /** Kafka: the topic the record was read from. */
  topic?: string;
}

/**
 * What invoked the function, as far as the event itself tells. Fields are
 * present only when the event carries them; nothing is guessed from the
 * function's own context.
 */
export interface InvocationSource {
  /** What kind of source invoked the function; `unknown` when the event matches no known shape. */
  kind: SourceKind;
  /** The source's ARN: queue, topic, bucket, stream, rule, target group, delivery stream, cluster, broker, secret... */
  arn?: string;
  /** The account the event came from (the API's, the queue's, the rule's...). */
  accountId?: string;
  /** The region the event came from. */
  region?: string;
  /** API Gateway REST/HTTP/WebSocket API id, or the AppSync API id. */
  apiId?: string;
  /** The API Gateway stage. */
  stage?: string;
  /** The HTTP method, for HTTP kinds. */
  method?: string;
  /** The request path, for HTTP kinds. */
  path?: string;
  /** For batch kinds: the origin of every record, in order. Empty for an empty batch. */
  records?: SourceRecord[];
  /** Who called: the authorizer's principal id, the JWT `sub`, the IAM caller... when the event says. */
  principal?: string;
  /** Cognito user pool triggers: the user pool id (`<region>_<id>`). */
  userPoolId?: string;
  /** CloudWatch Logs subscriptions: the log group (from the gzipped `awslogs.data`). */
  logGroup?: string;
  /** Lambda@Edge: the CloudFront distribution id. */
  distributionId?: string;
  /** Kafka: the bootstrap servers (`host:port`) the event source mapping reads from, lower-cased and sorted. */
  bootstrapServers?: string[];
  /** Kafka: the first record's topic (every record's is in `records`). */
  topic?: string;
  /**
   * The source's own id where the event names it without an ARN: the Lex bot, Bedrock agent,
   * Alexa skill, Transfer Family server, Client VPN endpoint, Cognito identity pool, Connect
   * campaign, CloudWatch dashboard, IoT button.
   */
  resourceId?: string;
}
