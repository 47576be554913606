// The whole sentinel() stack against the Powertools trio on the same handler doing the same logging
// and metric work (issue 7's target: sentinel()'s overhead over bare Middy at most 1.25x the trio's),
// plus bare Middy for the overhead arithmetic.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { createLogger } from '@lambda-sentinel/logger';
import { createMetrics } from '@lambda-sentinel/metrics';
import { sentinel } from '@lambda-sentinel/preset';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { bench, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';

await lambdaBenchEnvironment();

const event = apiGatewayRestEvent({ apiId: 'a1b2c3d4e5', stage: 'prod' });

/** One log line and one metric: the same work in every case, through each stack's own instances. */
function work(logger: Logger, metrics: Metrics) {
  return async (e: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    logger.info('order received', { path: e.path });
    metrics.addMetric('OrdersReceived', 'Count', 1);
    return { statusCode: 200, body: '{"ok":true}' };
  };
}

const plainLogger = new Logger({ serviceName: 'bench' });
const plainMetrics = new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
const bareMiddy = middy(work(plainLogger, plainMetrics));

const trioLogger = new Logger({ serviceName: 'bench' });
const trioMetrics = new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
const trio = middy(work(trioLogger, trioMetrics))
  .use(captureLambdaHandler(new Tracer({ serviceName: 'bench' })))
  .use(logMetrics(trioMetrics))
  .use(injectLambdaContext(trioLogger));

function sentinelStack(tracing: 'xray' | 'otel') {
  const logger = createLogger({ serviceName: 'bench' });
  const metrics = createMetrics({ serviceName: 'bench', namespace: 'LambdaSentinelBench' });
  return middy(work(logger, metrics)).use(
    sentinel({
      serviceName: 'bench',
      allow: [{ kind: 'apigateway-rest', apiId: 'a1b2c3d4e5', stage: 'prod' }],
      logger,
      metrics,
      tracing,
    }),
  );
}
const sentinelXray = sentinelStack('xray');
const sentinelOtel = sentinelStack('otel');

for (const [name, handler] of [
  ['bare Middy', bareMiddy],
  ['Powertools trio', trio],
  ['sentinel() xray', sentinelXray],
  ['sentinel() otel', sentinelOtel],
] as const) {
  const result = await handler(event, nextInvocation());
  if (result?.statusCode !== 200) throw new Error(`preset bench: ${name} returned ${JSON.stringify(result)}`);
}

summary(() => {
  bench('bare Middy (same work)', async () => {
    await bareMiddy(event, nextInvocation());
    await settle();
  }).baseline(true);
  bench('Powertools trio (logger + tracer + metrics)', async () => {
    await trio(event, nextInvocation());
    await settle();
  });
  bench('sentinel(), xray', async () => {
    await sentinelXray(event, nextInvocation());
    await settle();
  });
  bench('sentinel(), otel', async () => {
    await sentinelOtel(event, nextInvocation());
    await settle();
  });
});
