import type { InvocationSource } from '@lambda-sentinel/core';
import { OBSERVED_MARKER } from './observe.ts';

const MAX_NESTING = 2;

function fromRecord(record: unknown, depth: number): InvocationSource | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const fields = record as { sentinel?: unknown; invocationSource?: unknown; message?: unknown };
  if (
    fields.sentinel === OBSERVED_MARKER &&
    fields.invocationSource &&
    typeof fields.invocationSource === 'object'
  ) {
    return fields.invocationSource as InvocationSource;
  }
  // Lambda's JSON log format wraps a console line as a string in `message`.
  if (depth < MAX_NESTING && typeof fields.message === 'string') return fromLine(fields.message, depth + 1);
  return undefined;
}

function fromLine(line: string, depth: number): InvocationSource | undefined {
  // Text-format Lambda logs prefix the JSON with "timestamp\trequestId\tINFO\t".
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    return fromRecord(JSON.parse(line.slice(start)), depth);
  } catch {
    return undefined;
  }
}

/**
 * The sources in exported observe-mode log lines: plain JSON lines,
 * Powertools-style lines with extra keys, Lambda text-format lines, or
 * Lambda JSON-format lines wrapping the line in `message`. Other lines are
 * ignored.
 */
export function readObservedSources(lines: Iterable<string>): InvocationSource[] {
  const sources: InvocationSource[] = [];
  for (const line of lines) {
    const source = fromLine(line, 0);
    if (source) sources.push(source);
  }
  return sources;
}
