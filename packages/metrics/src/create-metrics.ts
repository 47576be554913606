import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import { functionIdentity, SentinelConfigError } from '@lambda-sentinel/core';
import { createRedactor, type RedactorOptions } from '@lambda-sentinel/redact';
import { dimensionValueProblem, namespaceProblem } from './emf-rules.ts';
import { SentinelMetrics } from './sentinel-metrics.ts';

/** The CloudWatch namespace when neither the `namespace` option nor `POWERTOOLS_METRICS_NAMESPACE` names one. */
export const DEFAULT_NAMESPACE = 'LambdaSentinel';

/** Options of {@link createMetrics}; every one has a default from the environment. */
export interface CreateMetricsOptions {
  /** CloudWatch namespace; default `POWERTOOLS_METRICS_NAMESPACE`, then `LambdaSentinel`. */
  namespace?: string;
  /** Service dimension; default `POWERTOOLS_SERVICE_NAME`, then the function name (core's `functionIdentity`). */
  serviceName?: string;
  /** Environment dimension; default the `environment` tag (`tags` option or `SENTINEL_TAGS`). Omitted when unknown. */
  environment?: string;
  /** Ownership tags, as for core's `functionIdentity`. Only `environment` becomes a dimension. */
  tags?: Record<string, string>;
  /** Where Powertools and Sentinel write warnings (never the metrics themselves). Default `console`. */
  logger?: MetricsOptions['logger'];
  /** Read instead of `process.env` (tests). */
  env?: Record<string, string | undefined>;
  /** Redaction rules for metadata and dimension values (as `createRedactor()` takes). Default: the defaults. */
  redact?: RedactorOptions;
}

const KNOWN_OPTIONS = new Set(['namespace', 'serviceName', 'environment', 'tags', 'logger', 'env', 'redact']);

/**
 * A Powertools `Metrics` with the namespace and service resolved like the
 * rest of Sentinel, and default dimensions kept low-cardinality: `service`
 * and, when known, `environment`. Every metric name, value and dimension is
 * checked against CloudWatch's rules so no EMF document it prints is broken.
 */
export function createMetrics(options: CreateMetricsOptions = {}): SentinelMetrics {
  if (options === null || typeof options !== 'object') {
    throw new SentinelConfigError('options', 'expected an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new SentinelConfigError(key, 'unknown option of createMetrics');
  }
  const env = options.env ?? process.env;
  const identity = functionIdentity(undefined, env, {
    ...(options.serviceName !== undefined ? { serviceName: options.serviceName } : {}),
    ...(options.tags !== undefined ? { tags: options.tags } : {}),
  });
  const namespace = options.namespace ?? (env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE);
  const namespaceIssue = namespaceProblem(namespace);
  if (namespaceIssue) throw new SentinelConfigError('namespace', namespaceIssue);
  const serviceIssue = dimensionValueProblem(identity.service);
  if (serviceIssue)
    throw new SentinelConfigError('serviceName', `becomes the service dimension, which ${serviceIssue}`);
  const environment = options.environment ?? identity.environment;
  if (environment !== undefined) {
    const issue = dimensionValueProblem(environment);
    if (issue) throw new SentinelConfigError('environment', `becomes a dimension, which ${issue}`);
  }
  const { redact } = options;
  if (redact !== undefined && (redact === null || typeof redact !== 'object' || Array.isArray(redact))) {
    throw new SentinelConfigError('redact', 'must be an object of redactor options');
  }
  return new SentinelMetrics({
    namespace,
    serviceName: identity.service,
    redactor: createRedactor(redact),
    ...(environment !== undefined ? { defaultDimensions: { environment } } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
