// The stacks the whole-stack measurements compare (`pnpm bench preset`, bench/heap.ts,
// bench/profile.ts), built in one place so every measurement runs the same handler doing the same
// work. Import it after lambdaBenchEnvironment() (bench/run.ts does): the X-Ray SDK reads the
// environment when it is loaded. The trio is in trio-stack.ts, so that a process measuring only
// sentinel() with `otel` never loads the X-Ray SDK (and cls-hooked's async hooks) it would not load
// on Lambda either.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createLogger } from '@lambda-sentinel/logger';
import { createMetrics } from '@lambda-sentinel/metrics';
import { sentinel } from '@lambda-sentinel/preset';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

/** A handler as the bench calls it. */
export type BenchHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The API the events come from, and the allowlist rule that admits them. */
export const BENCH_API = { apiId: 'a1b2c3d4e5', stage: 'prod' } as const;

/** One log line and one metric: the same work in every stack, through its own instances. */
export function work(logger: Logger, metrics: Metrics) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    logger.info('order received', { path: event.path });
    metrics.addMetric('OrdersReceived', 'Count', 1);
    return { statusCode: 200, body: '{"ok":true}' };
  };
}

/** The same work in bare Middy: the baseline overheads are measured from. */
export function bareMiddyStack(): BenchHandler {
  const logger = new Logger({ serviceName: 'bench' });
  const metrics = new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
  return middy(work(logger, metrics));
}

/** `sentinel()` with the given tracing backend, admitting the bench's API. */
export function sentinelStack(tracing: 'xray' | 'otel'): BenchHandler {
  const logger = createLogger({ serviceName: 'bench' });
  const metrics = createMetrics({ serviceName: 'bench', namespace: 'LambdaSentinelBench' });
  return middy(work(logger, metrics)).use(
    sentinel({
      serviceName: 'bench',
      allow: [{ kind: 'apigateway-rest', ...BENCH_API }],
      logger,
      metrics,
      tracing,
    }),
  );
}
