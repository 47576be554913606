import { createLogger } from '@lambda-sentinel/logger';
import { createMetrics } from '@lambda-sentinel/metrics';

/**
 * A function's logger and metrics, shared by its handler code and its
 * sentinel() middlewares so both write through the same redaction and the
 * same EMF documents. One pair per function (in AWS each function is its own
 * process anyway; the demo runs them all in one).
 */
export function instrumentation(serviceName: string) {
  return {
    logger: createLogger({ serviceName }),
    metrics: createMetrics({
      serviceName,
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CustomizeUnicorns',
    }),
  };
}
