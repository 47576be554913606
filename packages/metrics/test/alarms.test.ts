import { SentinelConfigError } from '@lambda-sentinel/core';
import { alarmDefinitions, type CloudWatchAlarmResource } from '@lambda-sentinel/metrics';
import { describe, expect, it } from 'vitest';

const UNIT_LESS_COMPARATORS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold'];

describe('alarmDefinitions', () => {
  const resources = alarmDefinitions({
    namespace: 'LambdaSentinel',
    service: 'unicorn-api',
    environment: 'prod',
    thresholds: { errorRate: 0.05, durationP99Ms: 800, eventLoopDelayMs: 100 },
    alarmActions: [{ Ref: 'AlertTopic' }],
  });
  const byMetric = (name: string, eventType?: string): CloudWatchAlarmResource | undefined =>
    Object.values(resources).find(
      (r) =>
        r.Properties.MetricName === name &&
        (eventType === undefined ||
          (r.Properties.Dimensions as { Name: string; Value: string }[]).some((d) => d.Value === eventType)),
    );

  it('produces seven CloudWatch alarms with deterministic alphanumeric logical ids', () => {
    expect(Object.keys(resources).sort()).toEqual([
      'SentinelUnicornApiProdBudgetExceededAlarm',
      'SentinelUnicornApiProdDurationP99Alarm',
      'SentinelUnicornApiProdErrorRateAlarm',
      'SentinelUnicornApiProdEventLoopDelayAlarm',
      'SentinelUnicornApiProdFunctionExpiredAlarm',
      'SentinelUnicornApiProdGuardViolationAlarm',
      'SentinelUnicornApiProdSourceRejectedAlarm',
    ]);
    for (const [id, resource] of Object.entries(resources)) {
      expect(id).toMatch(/^[A-Za-z0-9]{1,255}$/);
      expect(resource.Type).toBe('AWS::CloudWatch::Alarm');
      expect(resource.Properties.Namespace).toBe('LambdaSentinel');
      expect(resource.Properties.Period).toBe(60);
      expect(resource.Properties.EvaluationPeriods).toBe(1);
      expect(UNIT_LESS_COMPARATORS).toContain(resource.Properties.ComparisonOperator);
      expect(resource.Properties.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
      // exactly one of Statistic / ExtendedStatistic, as CloudFormation requires
      expect('Statistic' in resource.Properties !== 'ExtendedStatistic' in resource.Properties).toBe(true);
    }
    expect(
      alarmDefinitions({
        namespace: 'LambdaSentinel',
        service: 'unicorn-api',
        environment: 'prod',
        thresholds: { errorRate: 0.05, durationP99Ms: 800, eventLoopDelayMs: 100 },
        alarmActions: [{ Ref: 'AlertTopic' }],
      }),
    ).toEqual(resources);
  });

  it('alarms on any source_rejected, budget_exceeded, guard_violation and function_expired, on the exact dimensions published', () => {
    for (const type of ['source_rejected', 'budget_exceeded', 'guard_violation', 'function_expired']) {
      const alarm = byMetric('SecurityEvents', type);
      expect(alarm?.Properties).toMatchObject({
        Dimensions: [
          { Name: 'service', Value: 'unicorn-api' },
          { Name: 'environment', Value: 'prod' },
          { Name: 'event_type', Value: type },
        ],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms on error rate, p99 Duration and EventLoopDelayMax thresholds', () => {
    const dims = [
      { Name: 'service', Value: 'unicorn-api' },
      { Name: 'environment', Value: 'prod' },
    ];
    expect(byMetric('Errors')?.Properties).toMatchObject({
      Dimensions: dims,
      Statistic: 'Average',
      Threshold: 0.05,
    });
    expect(byMetric('Duration')?.Properties).toMatchObject({
      Dimensions: dims,
      ExtendedStatistic: 'p99',
      Threshold: 800,
    });
    expect(byMetric('EventLoopDelayMax')?.Properties).toMatchObject({
      Dimensions: dims,
      Statistic: 'Maximum',
      Threshold: 100,
    });
  });

  it('without thresholds only the four security alarms; without environment only the service dimension', () => {
    const minimal = alarmDefinitions({ namespace: 'N', service: 'svc' });
    expect(Object.keys(minimal).sort()).toEqual([
      'SentinelSvcBudgetExceededAlarm',
      'SentinelSvcFunctionExpiredAlarm',
      'SentinelSvcGuardViolationAlarm',
      'SentinelSvcSourceRejectedAlarm',
    ]);
    const first = Object.values(minimal)[0];
    expect(first?.Properties.Dimensions).toEqual([
      { Name: 'service', Value: 'svc' },
      { Name: 'event_type', Value: 'source_rejected' },
    ]);
    expect(first?.Properties).not.toHaveProperty('AlarmActions');
  });

  it.each([
    ['namespace', { namespace: 'AWS/Lambda', service: 's' }],
    ['service', { namespace: 'N', service: '' }],
    ['thresholds.errorRate', { namespace: 'N', service: 's', thresholds: { errorRate: 2 } }],
    ['thresholds.durationP99Ms', { namespace: 'N', service: 's', thresholds: { durationP99Ms: 0 } }],
    ['periodSeconds', { namespace: 'N', service: 's', periodSeconds: 30 }],
    ['logicalIdPrefix', { namespace: 'N', service: 's', logicalIdPrefix: 'my-prefix' }],
    ['alarmActions', { namespace: 'N', service: 's', alarmActions: 'arn:aws:sns:x' }],
  ])('rejects a bad %s', (option, options) => {
    expect(() => alarmDefinitions(options as never)).toThrowError(SentinelConfigError);
    expect(() => alarmDefinitions(options as never)).toThrowError(
      new RegExp(`^${option.replace('.', '\\.')}:`),
    );
  });
});
