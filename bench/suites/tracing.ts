// sdkCapture + traceAnnotations against Powertools' captureLambdaHandler alone: the same handler,
// the same Tracer settings, one run, in the Lambda-like environment with a UDP sink as X-Ray daemon
// (bench/run.ts sets it up before importing suites). Target: at most 1.1x Powertools. We annotate
// more (identity, source, principal, security events) but skip response capture.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { sdkCapture } from '@lambda-sentinel/sdk-capture';
import { traceAnnotations } from '@lambda-sentinel/trace-annotations';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { bench, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';

await lambdaBenchEnvironment();

const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  body: JSON.stringify({ ok: true, path: event.path }),
});

const event = apiGatewayRestEvent();
const tracer = new Tracer({ serviceName: 'bench' });

const powertools = middy(handler).use(captureLambdaHandler(tracer));
const sentinel = middy(handler)
  .use(sdkCapture({ tracer }))
  .use(traceAnnotations({ tracer, tags: { owner: 'team-bench', environment: 'bench', lifecycle: 'ga' } }));

// A broken setup must fail loudly here, not be measured.
if (!tracer.isTracingEnabled()) throw new Error('tracing: Powertools tracing is not enabled');
for (const [name, h] of [
  ['Powertools', powertools],
  ['sentinel', sentinel],
] as const) {
  const result = await h(event, nextInvocation());
  if (result?.statusCode !== 200) throw new Error(`tracing: ${name} returned ${JSON.stringify(result)}`);
}

summary(() => {
  bench('Powertools captureLambdaHandler', async () => {
    await powertools(event, nextInvocation());
    await settle();
  }).baseline(true);
  bench('sdkCapture + traceAnnotations', async () => {
    await sentinel(event, nextInvocation());
    await settle();
  });
});
