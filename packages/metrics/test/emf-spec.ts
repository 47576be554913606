/**
 * An EMF validator written from the CloudWatch "Specification: Embedded
 * metric format" and the CloudWatch API limits it refers to — deliberately
 * not from Powertools, so it can catch what Powertools lets through.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { CapturedOutput, EmfDocument } from '@lambda-sentinel/testing';

// MetricDatum units (the spec: "Unit ... MUST be a valid MetricDatum unit").
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_DIMENSIONS_PER_SET = 30;
const MAX_VALUES_PER_METRIC = 100;
const ASCII_PRINTABLE = /^[\x20-\x7e]+$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isMetricNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** Every way `doc` breaks the specification; empty when valid. */
export function emfProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['root is not a JSON object'];
  const meta = doc._aws;
  if (!isObject(meta)) return ['_aws is missing or not an object'];
  if (typeof meta.Timestamp !== 'number' || !Number.isInteger(meta.Timestamp) || meta.Timestamp <= 0) {
    problems.push('_aws.Timestamp must be a number of epoch milliseconds');
  }
  const directives = meta.CloudWatchMetrics;
  if (!Array.isArray(directives)) return [...problems, '_aws.CloudWatchMetrics must be an array'];
  directives.forEach((directive, d) => {
    const at = `CloudWatchMetrics[${d}]`;
    if (!isObject(directive)) {
      problems.push(`${at} is not an object`);
      return;
    }
    for (const key of Object.keys(directive)) {
      if (!['Namespace', 'Dimensions', 'Metrics'].includes(key))
        problems.push(`${at} has unexpected member ${key}`);
    }
    const ns = directive.Namespace;
    if (typeof ns !== 'string' || ns.length < 1 || ns.length > 255 || !ASCII_PRINTABLE.test(ns)) {
      problems.push(`${at}.Namespace must be a 1-255 character string`);
    }
    const dimensionSets = directive.Dimensions;
    const dimensionKeys = new Set<string>();
    if (!Array.isArray(dimensionSets)) problems.push(`${at}.Dimensions must be an array of arrays`);
    else {
      dimensionSets.forEach((set, s) => {
        if (!Array.isArray(set)) {
          problems.push(`${at}.Dimensions[${s}] must be an array`);
          return;
        }
        if (set.length > MAX_DIMENSIONS_PER_SET)
          problems.push(`${at}.Dimensions[${s}] has ${set.length} keys (max 30)`);
        for (const key of set) {
          if (typeof key !== 'string') {
            problems.push(`${at}.Dimensions[${s}] has a non-string key`);
            continue;
          }
          dimensionKeys.add(key);
          const value = doc[key];
          if (typeof value !== 'string') problems.push(`dimension ${key}: root value must be a string`);
          else if (value.trim().length === 0 || value.length > 1024 || !ASCII_PRINTABLE.test(value)) {
            problems.push(`dimension ${key}: value must be 1-1024 printable ASCII characters`);
          }
          if (key.length > 255 || key.startsWith(':') || !ASCII_PRINTABLE.test(key) || key.trim() === '') {
            problems.push(`dimension name ${JSON.stringify(key)} is not a valid CloudWatch dimension name`);
          }
        }
      });
    }
    const metrics = directive.Metrics;
    if (!Array.isArray(metrics)) {
      problems.push(`${at}.Metrics must be an array`);
      return;
    }
    if (metrics.length > MAX_METRICS_PER_DIRECTIVE)
      problems.push(`${at}.Metrics has ${metrics.length} (max 100)`);
    metrics.forEach((definition, m) => {
      const where = `${at}.Metrics[${m}]`;
      if (!isObject(definition)) {
        problems.push(`${where} is not an object`);
        return;
      }
      for (const key of Object.keys(definition)) {
        if (!['Name', 'Unit', 'StorageResolution'].includes(key))
          problems.push(`${where} has unexpected member ${key}`);
      }
      const name = definition.Name;
      if (typeof name !== 'string' || name.length < 1 || name.length > 255) {
        problems.push(`${where}.Name must be a 1-255 character string`);
        return;
      }
      if (name === '_aws') problems.push(`${where}.Name must not be _aws`);
      if (dimensionKeys.has(name)) problems.push(`metric ${name} is also a dimension`);
      if (definition.Unit !== undefined && !UNITS.has(definition.Unit as string)) {
        problems.push(`${where}.Unit ${JSON.stringify(definition.Unit)} is not a CloudWatch unit`);
      }
      if (
        definition.StorageResolution !== undefined &&
        ![1, 60].includes(definition.StorageResolution as number)
      ) {
        problems.push(`${where}.StorageResolution must be 1 or 60`);
      }
      const value = doc[name];
      if (Array.isArray(value)) {
        if (value.length > MAX_VALUES_PER_METRIC)
          problems.push(`metric ${name} has ${value.length} values (max 100)`);
        if (!value.every(isMetricNumber)) problems.push(`metric ${name} has a non-numeric value`);
      } else if (!isMetricNumber(value)) {
        problems.push(`metric ${name}: root value must be a number or an array of numbers`);
      }
    });
  });
  return problems;
}

/**
 * Every EMF line a run printed, each validated: a line that mentions `_aws`
 * but does not parse is as broken as an invalid document. Throws listing
 * all problems.
 */
export function validEmf(output: Pick<CapturedOutput<unknown>, 'lines' | 'emf'>): EmfDocument[] {
  const emfLines = output.lines.filter((line) => line.trimStart().startsWith('{') && line.includes('"_aws"'));
  const problems: string[] = [];
  if (emfLines.length !== output.emf.length)
    problems.push(`${emfLines.length - output.emf.length} EMF line(s) did not parse`);
  output.emf.forEach((doc, i) => {
    for (const problem of emfProblems(doc)) problems.push(`document ${i}: ${problem}`);
  });
  if (problems.length > 0) throw new Error(`invalid EMF output:\n${problems.join('\n')}`);
  return output.emf;
}

/** The value of metric `name` in `doc`, if the document declares it. */
export function metricValue(doc: EmfDocument, name: string): unknown {
  const declared = doc._aws.CloudWatchMetrics.some((directive) =>
    directive.Metrics.some((m) => m.Name === name),
  );
  return declared ? doc[name] : undefined;
}

export function metricNames(doc: EmfDocument): string[] {
  return doc._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((m) => m.Name));
}
