import { SentinelConfigError } from '@lambda-sentinel/core';
import { EVENT_TYPE_DIMENSION, METRIC_NAMES } from './emf-metrics.ts';
import { dimensionValueProblem, namespaceProblem } from './emf-rules.ts';

/** The optional alarms of {@link alarmDefinitions}: each one set adds an alarm. */
export interface AlarmThresholds {
  /** Alarm when the share of failed invocations in a period exceeds this (0-1), e.g. 0.05. */
  errorRate?: number;
  /** Alarm when p99 `Duration` in a period exceeds this many ms. */
  durationP99Ms?: number;
  /** Alarm when any invocation's `EventLoopDelayMax` in a period exceeds this many ms. */
  eventLoopDelayMs?: number;
}

/** What {@link alarmDefinitions} needs to name the metrics it watches. */
export interface AlarmDefinitionsOptions {
  /** The namespace the metrics are published in (as given to `createMetrics`). */
  namespace: string;
  /** The service dimension value. */
  service: string;
  /** The environment dimension value, when the metrics carry one (must match exactly). */
  environment?: string;
  /** Error-rate, p99-duration and event-loop alarms; without them only the security-event alarms are made. */
  thresholds?: AlarmThresholds;
  /** Alarm/OK actions, e.g. `[{ Ref: 'AlertTopic' }]` or SNS topic ARNs. */
  alarmActions?: unknown[];
  /** Period in seconds (a multiple of 60). Default 60. */
  periodSeconds?: number;
  /** Prefix of the logical ids. Default `Sentinel`. */
  logicalIdPrefix?: string;
}

/** One CloudFormation alarm resource, as it goes into a template's `Resources`. */
export interface CloudWatchAlarmResource {
  /** Always `AWS::CloudWatch::Alarm`. */
  Type: 'AWS::CloudWatch::Alarm';
  /** The alarm's properties (`MetricName`, `Namespace`, `Dimensions`, `Threshold`, ...). */
  Properties: Record<string, unknown>;
}

const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** `orders-api_v2` → `OrdersApiV2`: CloudFormation logical ids are alphanumeric. */
function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

function positive(option: string, value: unknown, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new SentinelConfigError(
      option,
      `expected a number > 0${max < Number.POSITIVE_INFINITY ? ` and <= ${max}` : ''}`,
    );
  }
  return value;
}

/**
 * CloudFormation `AWS::CloudWatch::Alarm` resources for the metrics
 * `emfMetrics` publishes, keyed by deterministic alphanumeric logical ids,
 * ready to spread into a SAM template's `Resources`. Always: any
 * `source_rejected`, any `budget_exceeded`, any `guard_violation` (the
 * runtime guard), any `function_expired` (an invocation after the function's
 * `expires` date). With a threshold: error rate,
 * p99 duration, event-loop blocking.
 */
export function alarmDefinitions(options: AlarmDefinitionsOptions): Record<string, CloudWatchAlarmResource> {
  if (options === null || typeof options !== 'object')
    throw new SentinelConfigError('options', 'expected an object');
  const { namespace, service, environment, thresholds = {}, alarmActions, periodSeconds = 60 } = options;
  const namespaceIssue = namespaceProblem(namespace);
  if (namespaceIssue) throw new SentinelConfigError('namespace', namespaceIssue);
  const serviceIssue = dimensionValueProblem(service);
  if (serviceIssue) throw new SentinelConfigError('service', serviceIssue);
  if (environment !== undefined) {
    const issue = dimensionValueProblem(environment);
    if (issue) throw new SentinelConfigError('environment', issue);
  }
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0) {
    throw new SentinelConfigError('periodSeconds', 'expected a multiple of 60');
  }
  if (alarmActions !== undefined && !Array.isArray(alarmActions)) {
    throw new SentinelConfigError('alarmActions', 'expected an array');
  }
  const prefix = options.logicalIdPrefix ?? 'Sentinel';
  if (typeof prefix !== 'string' || !ALPHANUMERIC.test(prefix)) {
    throw new SentinelConfigError('logicalIdPrefix', 'expected letters and digits only');
  }
  if (thresholds === null || typeof thresholds !== 'object') {
    throw new SentinelConfigError('thresholds', 'expected an object');
  }

  const baseDimensions = [
    { Name: 'service', Value: service },
    ...(environment !== undefined ? [{ Name: 'environment', Value: environment }] : []),
  ];
  const idStem = `${prefix}${pascal(service)}${environment !== undefined ? pascal(environment) : ''}`;
  const common = {
    Namespace: namespace,
    Period: periodSeconds,
    EvaluationPeriods: 1,
    DatapointsToAlarm: 1,
    // No invocations means nothing to alarm about.
    TreatMissingData: 'notBreaching',
    ...(alarmActions ? { AlarmActions: alarmActions } : {}),
  };
  const resources: Record<string, CloudWatchAlarmResource> = {};
  const add = (name: string, properties: Record<string, unknown>): void => {
    resources[`${idStem}${name}Alarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { ...common, ...properties },
    };
  };

  for (const eventType of ['source_rejected', 'budget_exceeded', 'guard_violation', 'function_expired']) {
    add(pascal(eventType), {
      AlarmDescription: `${service}: at least one ${eventType} security event`,
      MetricName: METRIC_NAMES.securityEvents,
      Dimensions: [...baseDimensions, { Name: EVENT_TYPE_DIMENSION, Value: eventType }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  }
  if (thresholds.errorRate !== undefined) {
    // Errors is 0 or 1 per invocation, so its Average is the error rate.
    add('ErrorRate', {
      AlarmDescription: `${service}: error rate above ${thresholds.errorRate}`,
      MetricName: METRIC_NAMES.errors,
      Dimensions: baseDimensions,
      Statistic: 'Average',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: positive('thresholds.errorRate', thresholds.errorRate, 1),
    });
  }
  if (thresholds.durationP99Ms !== undefined) {
    add('DurationP99', {
      AlarmDescription: `${service}: p99 Duration above ${thresholds.durationP99Ms} ms`,
      MetricName: METRIC_NAMES.duration,
      Dimensions: baseDimensions,
      ExtendedStatistic: 'p99',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: positive('thresholds.durationP99Ms', thresholds.durationP99Ms),
    });
  }
  if (thresholds.eventLoopDelayMs !== undefined) {
    add('EventLoopDelay', {
      AlarmDescription: `${service}: event loop blocked longer than ${thresholds.eventLoopDelayMs} ms`,
      MetricName: METRIC_NAMES.eventLoopDelayMax,
      Dimensions: baseDimensions,
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: positive('thresholds.eventLoopDelayMs', thresholds.eventLoopDelayMs),
    });
  }
  return resources;
}
