import { BATCH_SOURCE_KINDS, type InvocationSource, type SourceRecord } from '@lambda-sentinel/core';
import type { RejectedSource } from './errors.ts';

/** The `message` of an observe-mode line; the CLI also keys on `sentinel` and `invocationSource`. */
export const OBSERVED_MESSAGE = 'sentinel source observed';
export const OBSERVED_MARKER = 'source-allowlist';

/**
 * What observe mode logs about a source: where it came from, never the
 * payload, the principal or the path (paths carry ids and would make every
 * request a new signature).
 */
export type ObservedSource = RejectedSource &
  Pick<
    InvocationSource,
    'userPoolId' | 'logGroup' | 'distributionId' | 'bootstrapServers' | 'topic' | 'resourceId'
  > & {
    /** Batches: each distinct record origin, at most `MAX_ORIGINS_PER_LINE`. */
    records?: SourceRecord[];
  };

/** The stable shape of one observe-mode log line (extra logger keys may surround it). */
export interface ObservedLine {
  /** Always {@link OBSERVED_MESSAGE}. */
  message: typeof OBSERVED_MESSAGE;
  /** A fixed marker that tells these lines from any other `message`. */
  sentinel: typeof OBSERVED_MARKER;
  /** The source, as `suggestAllowlist` reads it back. */
  invocationSource: ObservedSource;
  /** Present when rules were given: whether enforce mode would have allowed it. */
  allowed?: boolean;
}

const MAX_ORIGINS_PER_LINE = 100;
const batchKinds: ReadonlySet<string> = new Set(BATCH_SOURCE_KINDS);

function copyOrigin(record: SourceRecord): SourceRecord {
  const origin: SourceRecord = {};
  if (record.arn !== undefined) origin.arn = record.arn;
  if (record.accountId !== undefined) origin.accountId = record.accountId;
  if (record.region !== undefined) origin.region = record.region;
  if (record.topic !== undefined) origin.topic = record.topic;
  return origin;
}

/** The loggable projection of a source; fields in a fixed order so its JSON is a stable signature. */
export function observedSource(source: InvocationSource): ObservedSource {
  const observed: ObservedSource = { kind: source.kind };
  if (source.arn !== undefined) observed.arn = source.arn;
  if (source.accountId !== undefined) observed.accountId = source.accountId;
  if (source.region !== undefined) observed.region = source.region;
  if (source.apiId !== undefined) observed.apiId = source.apiId;
  if (source.stage !== undefined) observed.stage = source.stage;
  if (source.userPoolId !== undefined) observed.userPoolId = source.userPoolId;
  if (source.logGroup !== undefined) observed.logGroup = source.logGroup;
  if (source.distributionId !== undefined) observed.distributionId = source.distributionId;
  if (source.bootstrapServers !== undefined) observed.bootstrapServers = [...source.bootstrapServers];
  if (source.topic !== undefined) observed.topic = source.topic;
  if (source.resourceId !== undefined) observed.resourceId = source.resourceId;
  if (batchKinds.has(source.kind)) {
    const distinct = new Map<string, SourceRecord>();
    let previous: SourceRecord | undefined;
    for (const record of source.records ?? []) {
      if (
        previous &&
        record.arn === previous.arn &&
        record.accountId === previous.accountId &&
        record.region === previous.region &&
        record.topic === previous.topic
      ) {
        continue;
      }
      previous = record;
      const key = `${record.arn}\u0000${record.accountId}\u0000${record.region}\u0000${record.topic}`;
      if (!distinct.has(key)) distinct.set(key, copyOrigin(record));
      if (distinct.size >= MAX_ORIGINS_PER_LINE) break;
    }
    observed.records = [...distinct.values()];
  }
  return observed;
}

/**
 * Remembers which signatures were already logged, for the life of the
 * process (a process-level cache, not invocation state). Bounded: when full
 * it starts over, so a flood of distinct forged sources costs repeated lines,
 * never unbounded memory, and no source goes unlogged.
 */
export class SeenSignatures {
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max = 1000) {
    this.#max = max;
  }

  /** True the first time `signature` is offered (since the last reset). */
  firstTime(signature: string): boolean {
    if (this.#seen.has(signature)) return false;
    if (this.#seen.size >= this.#max) this.#seen.clear();
    this.#seen.add(signature);
    return true;
  }
}
