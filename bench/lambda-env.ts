// Small, synchronous-friendly helpers every bench suite reuses: a Lambda-like environment, a UDP sink
// standing in for the X-Ray daemon, a complete Lambda context and a realistic API Gateway REST event.
// (The testing kit's invoke() is async and resets the environment per call; a benchmark loop wants
// the environment set once and each iteration as close to the bare handler call as possible.)
import { randomBytes, randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export const functionName = 'bench-function';
export const region = 'us-east-1';
export const accountId = '123456789012';

/** A fresh X-Ray trace header, as the runtime sets in _X_AMZN_TRACE_ID for each invocation. */
export function traceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
}

/**
 * Sets the variables the Lambda runtime sets (plus Powertools settings with tracing on) and returns a
 * function that restores the previous values. Set it BEFORE importing aws-xray-sdk-core or the
 * Powertools Tracer: the SDK reads AWS_XRAY_DAEMON_ADDRESS once, at module load.
 */
export function setLambdaEnv(overrides: Record<string, string | undefined> = {}): () => void {
  const vars: Record<string, string | undefined> = {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: 'index.handler',
    _X_AMZN_TRACE_ID: traceHeader(),
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    POWERTOOLS_SERVICE_NAME: 'bench',
    POWERTOOLS_METRICS_NAMESPACE: 'LambdaSentinelBench',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_TRACE_ENABLED: 'true',
    POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'true',
    POWERTOOLS_TRACER_CAPTURE_ERROR: 'true',
    POWERTOOLS_DEV: undefined,
    ...overrides,
  };
  const previous = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(vars)) {
    previous.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

export interface UdpSink {
  /** '127.0.0.1:PORT', for AWS_XRAY_DAEMON_ADDRESS. */
  address: string;
  /** Datagrams received (and discarded) so far. */
  readonly packets: number;
  /** Their bytes, headers included. */
  readonly bytes: number;
  close(): Promise<void>;
}

/** A UDP socket on loopback that receives and discards: the X-Ray daemon, minus the daemon. */
export async function startUdpSink(): Promise<UdpSink> {
  const socket: Socket = createSocket('udp4');
  let packets = 0;
  let bytes = 0;
  socket.on('message', (message) => {
    packets += 1;
    bytes += message.length;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  socket.unref(); // never keep the bench process alive
  return {
    address: `127.0.0.1:${socket.address().port}`,
    get packets() {
      return packets;
    },
    get bytes() {
      return bytes;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

let benchEnvironment: Promise<UdpSink> | undefined;

/**
 * The process-wide bench environment: the Lambda variables with a UDP sink as X-Ray daemon.
 * Idempotent; bench/run.ts calls it before importing any suite, so suites may import the
 * Tracer or the X-Ray SDK statically.
 */
export function lambdaBenchEnvironment(): Promise<UdpSink> {
  benchEnvironment ??= startUdpSink().then((sink) => {
    setLambdaEnv({ AWS_XRAY_DAEMON_ADDRESS: sink.address });
    return sink;
  });
  return benchEnvironment;
}

/** A complete Lambda context, as the runtime passes to the handler. */
export function lambdaContext(overrides: Partial<Context> = {}): Context {
  const deadline = Date.now() + 3000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
    ...overrides,
  };
}

/**
 * Starts a new invocation the way the runtime does: a fresh _X_AMZN_TRACE_ID (so the X-Ray SDK opens a
 * new facade segment) and a fresh context with its own request id.
 */
export function nextInvocation(overrides: Partial<Context> = {}): Context {
  process.env._X_AMZN_TRACE_ID = traceHeader();
  return lambdaContext(overrides);
}

/**
 * Lets the event loop turn once, as it does between real invocations. Without it an async benchmark
 * loop only ever runs microtasks: the X-Ray SDK's UDP sends (and any other I/O a middleware starts)
 * pile up unsent and the measurement drifts away from what Lambda does. Use it in every case of a
 * comparison so they pay the same price.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A realistic ~2 KB API Gateway REST (v1 proxy) event, shaped like AWS's documentation sample. */
export function apiGatewayRestEvent(
  options: { apiId?: string; stage?: string; method?: string; path?: string; body?: string | null } = {},
): APIGatewayProxyEvent {
  const { apiId = 'a1b2c3d4e5', stage = 'prod', method = 'POST', path = '/orders/42', body } = options;
  const host = `${apiId}.execute-api.${region}.amazonaws.com`;
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Encoding': 'gzip, deflate, br',
    Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLW5vdC1yZWFs',
    'CloudFront-Forwarded-Proto': 'https',
    'Content-Type': 'application/json',
    Host: host,
    'User-Agent':
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    'X-Amzn-Trace-Id': 'Root=1-5e66d96f-7491f09xmpl79d18acf3d050',
    'X-Forwarded-For': '203.0.113.24, 198.51.100.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  return {
    resource: '/orders/{id}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
    queryStringParameters: { include: 'items' },
    multiValueQueryStringParameters: { include: ['items'] },
    pathParameters: { id: '42' },
    stageVariables: null,
    requestContext: {
      accountId,
      apiId,
      authorizer: { principalId: 'user-42', integrationLatency: 12 },
      domainName: host,
      domainPrefix: apiId,
      extendedRequestId: 'JJbxmHc0IAMF2pw=',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.24',
        user: null,
        userAgent: headers['User-Agent'] ?? null,
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '04/Mar/2025:08:30:00 +0000',
      requestTimeEpoch: 1741077000000,
      resourceId: 'abc123',
      resourcePath: '/orders/{id}',
      stage,
    },
    body:
      body === undefined ? JSON.stringify({ sku: 'UNICORN-7', quantity: 2, note: 'gift wrap please' }) : body,
    isBase64Encoded: false,
  };
}
