// Baseline every later benchmark compares against: per-invocation cost of the same small handler
// raw, wrapped in bare Middy, and wrapped in the Powertools trio (logger context, tracer with a
// UDP sink as X-Ray daemon, EMF metrics), in the Lambda-like environment set up by bench/run.ts.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { bench, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';

await lambdaBenchEnvironment();

/** The handler under test does a little work: one log line and one metric. Own instances per case. */
function smallHandler() {
  const logger = new Logger({ serviceName: 'bench' });
  const metrics = new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
  const handler = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    logger.info('order received', { path: event.path });
    metrics.addMetric('ordersReceived', MetricUnit.Count, 1);
    return { statusCode: 200, body: '{"ok":true}' };
  };
  return { logger, metrics, handler };
}

const event = apiGatewayRestEvent();

const raw = smallHandler().handler;

const bareMiddy = middy(smallHandler().handler);

const trio = smallHandler();
const tracer = new Tracer({ serviceName: 'bench' });
const powertools = middy(trio.handler)
  .use(captureLambdaHandler(tracer))
  .use(logMetrics(trio.metrics))
  .use(injectLambdaContext(trio.logger));

// A broken setup must fail loudly here, not be measured.
for (const [name, handler] of [
  ['raw', raw],
  ['bare Middy', bareMiddy],
  ['Powertools trio', powertools],
] as const) {
  const result = await handler(event, nextInvocation());
  if (result?.statusCode !== 200) throw new Error(`baseline: ${name} returned ${JSON.stringify(result)}`);
}
if (!tracer.isTracingEnabled()) throw new Error('baseline: Powertools tracing is not enabled');

// Each case is one invocation: a fresh trace id and context, the call, then one turn of the event
// loop so the tracer's UDP datagram actually leaves, as it would between real invocations.
summary(() => {
  bench('raw handler', async () => {
    await raw(event, nextInvocation());
    await settle();
  }).baseline(true);
  bench('bare Middy', async () => {
    await bareMiddy(event, nextInvocation());
    await settle();
  });
  bench('Powertools trio (logger + tracer + metrics)', async () => {
    await powertools(event, nextInvocation());
    await settle();
  });
});
