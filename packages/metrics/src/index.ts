export {
  type AlarmDefinitionsOptions,
  type AlarmThresholds,
  alarmDefinitions,
  type CloudWatchAlarmResource,
} from './alarms.ts';
export type { Budgets } from './budgets.ts';
export { type CreateMetricsOptions, createMetrics, DEFAULT_NAMESPACE } from './create-metrics.ts';
export {
  type EmfMetricsOptions,
  EVENT_TYPE_DIMENSION,
  emfMetrics,
  METRIC_NAMES,
  TENANT_DIMENSION,
} from './emf-metrics.ts';
export { SentinelMetrics, type SentinelMetricsOptions } from './sentinel-metrics.ts';
