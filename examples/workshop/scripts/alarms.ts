/**
 * `node examples/workshop/scripts/alarms.ts`: regenerates the CloudWatch alarms
 * in template.yaml from `alarmDefinitions()`, between the marker comment and
 * `Outputs:`. Idempotent; test/template.test.ts fails when the template drifts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type AlarmThresholds,
  alarmDefinitions,
  type CloudWatchAlarmResource,
} from '@lambda-sentinel/metrics';
import { stringify } from 'yaml';

export const TEMPLATE_PATH = resolve(import.meta.dirname, '../template.yaml');
export const ALARMS_MARKER = '  # --- Lambda Sentinel alarms:';
export const NAMESPACE = 'CustomizeUnicorns';

/** Per function (its POWERTOOLS_SERVICE_NAME): what counts as unhealthy. */
export const SERVICE_THRESHOLDS: Record<string, AlarmThresholds> = {
  // Refusing bad tokens is the authorizer's job, and each refusal is an error: alarm on a surge only.
  authorizer: { errorRate: 0.25, durationP99Ms: 1000, eventLoopDelayMs: 100 },
  'unicorn-parts': { errorRate: 0.05, durationP99Ms: 2000, eventLoopDelayMs: 100 },
  'customize-unicorn': { errorRate: 0.05, durationP99Ms: 3000, eventLoopDelayMs: 100 },
  'manage-partners': { errorRate: 0.05, durationP99Ms: 5000, eventLoopDelayMs: 100 },
  // Runs every two minutes, off the request path: only slowness that nears the timeout matters.
  'custom-unicorn-analytics': { errorRate: 0.5, durationP99Ms: 20000, eventLoopDelayMs: 500 },
};

/**
 * The alarms as they appear in the template. The metrics carry an
 * `environment` dimension (from SENTINEL_TAGS, i.e. the Environment
 * parameter), and a CloudWatch alarm only matches the exact dimension set,
 * so each alarm gets `environment: !Ref Environment` after `service`
 * (alarmDefinitions takes a literal string there, not a parameter).
 */
export function templateAlarms(): Record<string, CloudWatchAlarmResource> {
  const resources: Record<string, CloudWatchAlarmResource> = {};
  for (const [service, thresholds] of Object.entries(SERVICE_THRESHOLDS)) {
    for (const [id, alarm] of Object.entries(
      alarmDefinitions({ namespace: NAMESPACE, service, thresholds }),
    )) {
      const dimensions = alarm.Properties.Dimensions as Array<{ Name: string; Value: unknown }>;
      const at = dimensions.findIndex((d) => d.Name === 'service') + 1;
      const withEnvironment = [
        ...dimensions.slice(0, at),
        { Name: 'environment', Value: { Ref: 'Environment' } },
        ...dimensions.slice(at),
      ];
      resources[id] = { ...alarm, Properties: { ...alarm.Properties, Dimensions: withEnvironment } };
    }
  }
  return resources;
}

/** The template text with the section between the marker line and `Outputs:` replaced. */
export function withAlarms(template: string, alarms: Record<string, CloudWatchAlarmResource>): string {
  const start = template.indexOf(ALARMS_MARKER);
  const end = template.indexOf('\nOutputs:', start);
  if (start < 0 || end < 0)
    throw new Error(`template.yaml needs the line "${ALARMS_MARKER} ..." before "Outputs:"`);
  const markerEnd = template.indexOf('\n', start);
  const body = stringify(alarms, { indent: 2, lineWidth: 0, aliasDuplicateObjects: false })
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `${template.slice(0, markerEnd + 1)}${body}\n${template.slice(end)}`;
}

if (import.meta.main) {
  const before = readFileSync(TEMPLATE_PATH, 'utf8');
  const alarms = templateAlarms();
  const after = withAlarms(before, alarms);
  writeFileSync(TEMPLATE_PATH, after);
  console.log(
    `${Object.keys(alarms).length} alarms ${after === before ? 'already up to date' : 'written'} in ${TEMPLATE_PATH}`,
  );
}
