// The tracing adapters against Powertools' captureLambdaHandler: the same handler, one run, in the
// Lambda-like environment with a UDP sink as the X-Ray daemon (bench/run.ts sets it up before
// importing suites). Targets: `otel` at most 1.0x Powertools, `xray` at most 1.1x. Sentinel's cases
// annotate more (identity, source, principal, security events) and skip response capture. The
// suite's notes add the bytes each exporter sends per invocation.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { captureClient, sdkCapture, type TraceBackend } from '@lambda-sentinel/sdk-capture';
import { otelBackend } from '@lambda-sentinel/sdk-capture/otel';
import { xrayBackend } from '@lambda-sentinel/sdk-capture/xray';
import { startDynalite, startOtlpReceiver } from '@lambda-sentinel/testing';
import { traceAnnotations } from '@lambda-sentinel/trace-annotations';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { bench, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';

const daemon = await lambdaBenchEnvironment();

const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  body: JSON.stringify({ ok: true, path: event.path }),
});

const event = apiGatewayRestEvent();
const tracer = new Tracer({ serviceName: 'bench' });
const tags = { owner: 'team-bench', environment: 'bench', lifecycle: 'ga' };
const traced = (backend: TraceBackend) =>
  middy(handler)
    .use(sdkCapture({ backend }))
    .use(traceAnnotations({ serviceName: 'bench', tags }));

const powertools = middy(handler).use(captureLambdaHandler(tracer));
// Both adapters send to the bench's daemon (AWS_XRAY_DAEMON_ADDRESS), as they would in Lambda.
const xray = traced(xrayBackend());
const otel = traced(otelBackend({ exporter: 'xray-udp' }));

// A broken setup must fail loudly here, not be measured.
if (!tracer.isTracingEnabled()) throw new Error('tracing: Powertools tracing is not enabled');
for (const [name, h] of [
  ['Powertools', powertools],
  ['xray', xray],
  ['otel', otel],
] as const) {
  const before = daemon.packets;
  const result = await h(event, nextInvocation());
  await settle();
  if (result?.statusCode !== 200) throw new Error(`tracing: ${name} returned ${JSON.stringify(result)}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (daemon.packets === before) throw new Error(`tracing: ${name} sent nothing to the daemon`);
}

summary(() => {
  bench('Powertools captureLambdaHandler', async () => {
    await powertools(event, nextInvocation());
    await settle();
  }).baseline(true);
  bench('sdkCapture + traceAnnotations, xray', async () => {
    await xray(event, nextInvocation());
    await settle();
  });
  bench('sdkCapture + traceAnnotations, otel (OTLP/UDP)', async () => {
    await otel(event, nextInvocation());
    await settle();
  });
});

// Bytes per invocation, for the handler span alone and with one DynamoDB call (dynalite).
const INVOCATIONS = 200;
const dynalite = await startDynalite();
const ddb = captureClient(new DynamoDBClient(dynalite.clientConfig));
await ddb.send(
  new CreateTableCommand({
    TableName: 'bench',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }),
);
const withCall = async (e: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  await ddb.send(new PutItemCommand({ TableName: 'bench', Item: { id: { S: e.path } } }));
  return handler(e);
};
// Powertools traces its own client (captureAWSv3Client), for a like-for-like byte count.
const powertoolsDdb = tracer.captureAWSv3Client(new DynamoDBClient(dynalite.clientConfig));
const withPowertoolsCall = async (e: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  await powertoolsDdb.send(new PutItemCommand({ TableName: 'bench', Item: { id: { S: e.path } } }));
  return handler(e);
};
const receiver = await startOtlpReceiver();
const sizes: string[] = [];

async function measure(
  label: string,
  fn: typeof handler,
  backend: TraceBackend | 'powertools',
  count: () => number,
) {
  const h =
    backend === 'powertools'
      ? middy(fn === withCall ? withPowertoolsCall : fn).use(captureLambdaHandler(tracer))
      : middy(fn)
          .use(sdkCapture({ backend }))
          .use(traceAnnotations({ serviceName: 'bench', tags }));
  const before = count();
  for (let i = 0; i < INVOCATIONS; i++) {
    await h(event, nextInvocation());
    await settle();
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return `${label}: ${((count() - before) / INVOCATIONS).toFixed(0)} bytes`;
}

const udpBytes = () => receiver.datagrams.reduce((sum, d) => sum + d.length, 0);
const httpBytes = () =>
  receiver.requests.reduce(
    (sum, r) =>
      sum +
      r.body.length +
      Object.entries(r.headers).reduce((h, [k, v]) => h + k.length + String(v).length + 4, 0),
    0,
  );
const signed = otelBackend({
  exporter: 'xray-otlp',
  endpoint: receiver.httpUrl,
  region: 'us-east-1',
  // AWS's documented example credentials: the receiver does not check them.
  credentials: async () => ({
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  }),
});
for (const [what, fn] of [
  ['handler span only', handler],
  ['with one DynamoDB call', withCall],
] as const) {
  sizes.push(`${what} (avg of ${INVOCATIONS} invocations, headers included):`);
  sizes.push(
    `  ${await measure('Powertools captureLambdaHandler, X-Ray UDP', fn, 'powertools', () => daemon.bytes)}`,
  );
  sizes.push(`  ${await measure('xray, X-Ray UDP', fn, xrayBackend(), () => daemon.bytes)}`);
  sizes.push(
    `  ${await measure('otel, OTLP over UDP (xray-udp)', fn, otelBackend({ exporter: 'xray-udp', endpoint: receiver.udpAddress }), udpBytes)}`,
  );
  sizes.push(
    `  ${await measure('otel, OTLP/HTTP (otlp-http)', fn, otelBackend({ exporter: 'otlp-http', endpoint: receiver.httpUrl }), httpBytes)}`,
  );
  sizes.push(`  ${await measure('otel, SigV4 OTLP/HTTP (xray-otlp)', fn, signed, httpBytes)}`);
}
await dynalite.close();
await receiver.close();

export const notes = () => sizes;
