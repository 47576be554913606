// emfMetrics (resources on: Duration, CpuTime, EventLoopDelayMax, MemoryUsed, ColdStart, Errors,
// plus the handler's own metric) against Powertools' logMetrics publishing just the handler's
// metric: the same handler, one run, EMF written to bench/run.ts's sink. Target: at most 1.3x.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { createMetrics, emfMetrics } from '@lambda-sentinel/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { bench, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation } from '../lambda-env.ts';

await lambdaBenchEnvironment();

function handlerFor(metrics: Metrics) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    metrics.addMetric('ordersReceived', MetricUnit.Count, 1);
    return { statusCode: 200, body: JSON.stringify({ ok: true, path: event.path }) };
  };
}

const event = apiGatewayRestEvent();
const powertoolsMetrics = new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
const sentinelMetrics = createMetrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
const powertools = middy(handlerFor(powertoolsMetrics)).use(logMetrics(powertoolsMetrics));
const sentinel = middy(handlerFor(sentinelMetrics)).use(emfMetrics({ metrics: sentinelMetrics }));
// Informative: without the resource metrics (two getrusage calls per invocation).
const sentinelLean = middy(handlerFor(sentinelMetrics)).use(
  emfMetrics({ metrics: sentinelMetrics, resources: false }),
);

// A broken setup must fail loudly here, not be measured.
for (const [name, h] of [
  ['Powertools', powertools],
  ['sentinel', sentinel],
  ['sentinel lean', sentinelLean],
] as const) {
  const result = await h(event, nextInvocation());
  if (result?.statusCode !== 200) throw new Error(`metrics: ${name} returned ${JSON.stringify(result)}`);
}

summary(() => {
  bench('Powertools logMetrics', async () => {
    await powertools(event, nextInvocation());
  }).baseline(true);
  bench('emfMetrics (resources on)', async () => {
    await sentinel(event, nextInvocation());
  });
  bench('emfMetrics (resources off)', async () => {
    await sentinelLean(event, nextInvocation());
  });
});
