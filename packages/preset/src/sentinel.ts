import type { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SentinelConfigError } from '@lambda-sentinel/core';
import {
  createLogger,
  type RedactingLogger,
  type RedactOptions,
  redactedLogging,
} from '@lambda-sentinel/logger';
import { type Budgets, createMetrics, emfMetrics } from '@lambda-sentinel/metrics';
import { createRedactor } from '@lambda-sentinel/redact';
import { captureMysql, sdkCapture } from '@lambda-sentinel/sdk-capture';
import { type AllowRule, sourceAllowlist } from '@lambda-sentinel/source-allowlist';
import { traceAnnotations } from '@lambda-sentinel/trace-annotations';
import type { MiddlewareObj } from '@middy/core';

type MysqlTarget = Parameters<typeof captureMysql>[1];

export interface SentinelOptions {
  /** Service name for logs, metrics and annotations; default `POWERTOOLS_SERVICE_NAME`, then the function name. */
  serviceName?: string;
  /** Who may invoke the function. Required unless `mode: 'observe'`. */
  allow?: readonly AllowRule[];
  /** `enforce` (default) refuses other sources; `observe` logs each distinct source once and refuses nothing. */
  mode?: 'enforce' | 'observe';
  /** Log the (redacted) event at the start of each invocation. */
  logEvent?: boolean;
  /** Log the (redacted) response. */
  logResponse?: boolean;
  /** Redaction rules (keys, paths, PII) for the logger and the trace's error records. */
  redact?: RedactOptions;
  /** Per-invocation budgets; exceeding one records a `budget_exceeded` security event. */
  budgets?: Budgets;
  /** Ownership tags (`owner`, `environment`, `lifecycle`...); `SENTINEL_TAGS` supplies the rest. */
  tags?: Record<string, string>;
  /** AWS SDK v3 clients to trace. */
  clients?: readonly unknown[];
  /** mysql2 pools or connections to trace. */
  mysql?: MysqlTarget | readonly MysqlTarget[];
  /** Your own instances, so handler code logs, traces and measures through the same ones. */
  logger?: RedactingLogger;
  tracer?: Tracer;
  metrics?: Metrics;
}

const KNOWN = new Set([
  'serviceName',
  'allow',
  'mode',
  'logEvent',
  'logResponse',
  'redact',
  'budgets',
  'tags',
  'clients',
  'mysql',
  'logger',
  'tracer',
  'metrics',
]);

/**
 * Every Lambda Sentinel middleware, outside in, in the order the design
 * needs: the logger outermost (it sees every error and every security event),
 * metrics next (published in after and onError), then the handler
 * subsegment, its annotations, and the allowlist just outside the handler.
 *
 * ```ts
 * export const handler = middy(fn).use(sentinel({ serviceName: 'orders', allow: [{ kind: 'sqs', arn: queueArn }] }));
 * ```
 */
export function sentinel(options: SentinelOptions): MiddlewareObj[] {
  if (options === null || typeof options !== 'object') {
    throw new SentinelConfigError('options', 'expected an object like { serviceName, allow: [...] }');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new SentinelConfigError(key, 'unknown option of sentinel()');
  }
  const mode = options.mode ?? 'enforce';
  if (mode === 'enforce' && options.allow === undefined) {
    throw new SentinelConfigError(
      'allow',
      "is required: list the sources that may invoke this function, or start with mode: 'observe' to learn them",
    );
  }
  const { serviceName, tags } = options;
  const logger =
    options.logger ??
    createLogger({
      ...(serviceName ? { serviceName } : {}),
      ...(options.redact ? { redact: options.redact } : {}),
    });
  const tracer = options.tracer ?? new Tracer(serviceName ? { serviceName } : {});
  const metrics =
    options.metrics ?? createMetrics({ ...(serviceName ? { serviceName } : {}), ...(tags ? { tags } : {}) });
  if (options.mysql) {
    const targets = (Array.isArray(options.mysql) ? options.mysql : [options.mysql]) as MysqlTarget[];
    for (const target of targets) captureMysql(tracer, target);
  }

  return [
    redactedLogging({
      logger,
      ...(options.logEvent !== undefined ? { logEvent: options.logEvent } : {}),
      ...(options.logResponse !== undefined ? { logResponse: options.logResponse } : {}),
    }),
    emfMetrics({ metrics, ...(options.budgets ? { budgets: options.budgets } : {}) }),
    sdkCapture({
      tracer,
      ...(options.clients ? { clients: options.clients } : {}),
      ...(options.redact ? { redact: createRedactor(options.redact) } : {}),
    }),
    traceAnnotations({ tracer, ...(serviceName ? { serviceName } : {}), ...(tags ? { tags } : {}) }),
    sourceAllowlist({
      mode,
      ...(options.allow ? { allow: options.allow } : {}),
      logger,
    }),
  ];
}
