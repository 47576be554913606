// The Powertools trio for the whole-stack comparisons, apart from stacks.ts: importing it loads the
// Powertools Tracer and so the X-Ray SDK.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { type BenchHandler, work } from './stacks.ts';

/** The Powertools trio: tracer, metrics and logger middlewares. */
export function trioStack(): BenchHandler {
  const logger = new Logger({ serviceName: 'bench' });
  const metrics = new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
  return middy(work(logger, metrics))
    .use(captureLambdaHandler(new Tracer({ serviceName: 'bench' })))
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger));
}
