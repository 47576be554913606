// Each middleware alone against its Powertools equivalent, on the same handler doing the same work
// (one log line, one metric), in one run: where sentinel()'s overhead over the trio comes from.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { createLogger, redactedLogging } from '@lambda-sentinel/logger';
import { createMetrics, emfMetrics } from '@lambda-sentinel/metrics';
import { sdkCapture } from '@lambda-sentinel/sdk-capture';
import { sourceAllowlist } from '@lambda-sentinel/source-allowlist';
import { traceAnnotations } from '@lambda-sentinel/trace-annotations';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { bench, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';

await lambdaBenchEnvironment();

const event = apiGatewayRestEvent({ apiId: 'a1b2c3d4e5', stage: 'prod' });
const allow = [{ kind: 'apigateway-rest' as const, apiId: 'a1b2c3d4e5', stage: 'prod' }];

type LoggerLike = Pick<Logger, 'info'>;
/** A handler doing the same work in every case, through the instances the case's middleware uses. */
function stack(
  logger: LoggerLike,
  metrics: Metrics,
  ...middlewares: MiddlewareObj[]
): (e: APIGatewayProxyEvent, c: ReturnType<typeof nextInvocation>) => Promise<APIGatewayProxyResult> {
  const publishesItself = middlewares.length === 0 || !middlewares.some((m) => m.after);
  return middy(async (e: APIGatewayProxyEvent) => {
    logger.info('order received', { path: e.path });
    metrics.addMetric('OrdersReceived', MetricUnit.Count, 1);
    // Without a metrics middleware the handler publishes, so every case prints one EMF document.
    if (publishesItself) metrics.publishStoredMetrics();
    return { statusCode: 200, body: '{"ok":true}' };
  }).use(middlewares) as never;
}

const plainLogger = () => new Logger({ serviceName: 'bench' });
const plainMetrics = () => new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });

const cases: [string, ReturnType<typeof stack>][] = [];
const add = (name: string, handler: ReturnType<typeof stack>) => cases.push([name, handler]);

add('bare Middy (same work)', stack(plainLogger(), plainMetrics()));
{
  const logger = plainLogger();
  add('Powertools injectLambdaContext', stack(logger, plainMetrics(), injectLambdaContext(logger)));
}
{
  const logger = createLogger({ serviceName: 'bench' });
  add('redactedLogging', stack(logger, plainMetrics(), redactedLogging({ logger, redactConsole: false })));
}
{
  const logger = createLogger({ serviceName: 'bench' });
  add(
    'redactedLogging + redactConsole',
    stack(logger, plainMetrics(), redactedLogging({ logger, redactConsole: true })),
  );
}
{
  const metrics = plainMetrics();
  add('Powertools logMetrics', stack(plainLogger(), metrics, logMetrics(metrics)));
}
{
  const metrics = createMetrics({ serviceName: 'bench', namespace: 'LambdaSentinelBench' });
  add('emfMetrics', stack(plainLogger(), metrics, emfMetrics({ metrics })));
}
{
  const metrics = createMetrics({ serviceName: 'bench', namespace: 'LambdaSentinelBench' });
  add('emfMetrics, resources off', stack(plainLogger(), metrics, emfMetrics({ metrics, resources: false })));
}
add(
  'Powertools captureLambdaHandler',
  stack(plainLogger(), plainMetrics(), captureLambdaHandler(new Tracer({ serviceName: 'bench' }))),
);
for (const backend of ['otel', 'xray'] as const) {
  add(
    `sdkCapture + traceAnnotations, ${backend}`,
    stack(plainLogger(), plainMetrics(), sdkCapture({ backend }), traceAnnotations({ serviceName: 'bench' })),
  );
}
add('sourceAllowlist', stack(plainLogger(), plainMetrics(), sourceAllowlist({ allow })));

// A broken setup must fail loudly here, not be measured.
for (const [name, handler] of cases) {
  const result = await handler(event, nextInvocation());
  if (result?.statusCode !== 200)
    throw new Error(`middlewares bench: ${name} returned ${JSON.stringify(result)}`);
}

summary(() => {
  for (const [name, handler] of cases) {
    const measured = bench(name, async () => {
      await handler(event, nextInvocation());
      await settle();
    });
    if (name.startsWith('bare')) measured.baseline(true);
  }
});
