/**
 * The span attribute keys capture records: OpenTelemetry semantic
 * conventions (https://opentelemetry.io/docs/specs/semconv/), and the AWS
 * keys AWS's OpenTelemetry distribution uses where the conventions have none.
 * The `xray` adapter maps them to X-Ray's blocks.
 */
export const ATTR = {
  // AWS SDK calls (https://opentelemetry.io/docs/specs/semconv/cloud-providers/aws-sdk/)
  rpcSystem: 'rpc.system',
  rpcService: 'rpc.service',
  rpcMethod: 'rpc.method',
  region: 'cloud.region',
  requestId: 'aws.request_id',
  tableNames: 'aws.dynamodb.table_names',
  queueUrl: 'aws.sqs.queue.url',
  topicArn: 'aws.sns.topic.arn',
  secretArn: 'aws.secretsmanager.secret.arn',
  bucket: 'aws.s3.bucket',
  streamName: 'aws.kinesis.stream_name',
  functionName: 'aws.lambda.function.name',
  stateMachineArn: 'aws.step_functions.state_machine.arn',
  // HTTP clients (https://opentelemetry.io/docs/specs/semconv/http/http-spans/)
  httpMethod: 'http.request.method',
  urlFull: 'url.full',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  httpStatus: 'http.response.status_code',
  // Databases (https://opentelemetry.io/docs/specs/semconv/database/database-spans/)
  dbSystem: 'db.system.name',
  dbNamespace: 'db.namespace',
  dbQuery: 'db.query.text',
  dbUser: 'db.user',
  // The handler span (https://opentelemetry.io/docs/specs/semconv/faas/faas-spans/)
  invocationId: 'faas.invocation_id',
  coldStart: 'faas.coldstart',
  /** Keys of the attributes X-Ray should index as annotations (the X-Ray OTLP endpoint and daemon read it). */
  xrayAnnotations: 'aws.xray.annotations',
} as const;

/** `rpc.system` of an AWS SDK call. */
export const AWS_API = 'aws-api';
