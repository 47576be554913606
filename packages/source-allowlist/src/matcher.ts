import { BATCH_SOURCE_KINDS, type InvocationSource, type SourceRecord } from '@lambda-sentinel/core';
import { globMatches } from './glob.ts';
import type { CompiledRule } from './rules.ts';

/**
 * Why an invocation was refused: `unknown_source` (the event is no known kind), `empty_batch`,
 * `oversized_batch` (more records than can be judged), `no_matching_rule`, `cross_account`
 * (a rule matched but the source is in another account no rule names), `invalid_signature`
 * (an SNS record only a `verifySignature` rule matched failed verification), or
 * `tenant_not_allowed` (a rule matched the source but names `tenants`, and the invocation's
 * tenant id is missing or not among them).
 */
export type RefusalReason =
  | 'unknown_source'
  | 'empty_batch'
  | 'oversized_batch'
  | 'no_matching_rule'
  | 'cross_account'
  | 'invalid_signature'
  | 'tenant_not_allowed';

export type Verdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reason: RefusalReason;
      /** Where the refused origin came from: the source itself, or the first foreign record of a batch. */
      readonly origin: SourceRecord;
      readonly recordIndex?: number;
    };

const ALLOWED: Verdict = { allowed: true };
const batchKinds: ReadonlySet<string> = new Set(BATCH_SOURCE_KINDS);

/** `arn:partition:service:region:account:...` → segment `index`, or undefined. */
function arnSegment(arn: string | undefined, index: 3 | 4): string | undefined {
  if (arn === undefined) return undefined;
  const parts = arn.split(':', 6);
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return parts[index] || undefined;
}

export function originAccount(origin: SourceRecord): string | undefined {
  return origin.accountId ?? arnSegment(origin.arn, 4);
}

export function originRegion(origin: SourceRecord): string | undefined {
  return origin.region ?? arnSegment(origin.arn, 3);
}

type RuleResult = 'match' | 'mismatch' | 'cross_account' | 'tenant';

/** A field the event does not carry never matches a rule that names it. */
function has(values: ReadonlySet<string>, value: string | undefined): boolean {
  return value !== undefined && values.has(value);
}

/** Every server the event names is one the rule names (a non-empty list; the classifier lower-cases). */
function allAmong(allowed: ReadonlySet<string>, servers: readonly string[] | undefined): boolean {
  if (!Array.isArray(servers) || servers.length === 0) return false;
  for (const server of servers)
    if (typeof server !== 'string' || !allowed.has(server.toLowerCase())) return false;
  return true;
}

function matchRule(
  rule: CompiledRule,
  source: InvocationSource,
  origin: SourceRecord,
  ownAccount: string | undefined,
  tenantId: string | undefined,
): RuleResult {
  if (!rule.kinds.has(source.kind)) return 'mismatch';
  if (rule.apiIds && !(source.apiId !== undefined && rule.apiIds.has(source.apiId))) return 'mismatch';
  if (rule.stages && !(source.stage !== undefined && rule.stages.has(source.stage))) return 'mismatch';
  if (rule.methods && !(source.method !== undefined && rule.methods.has(source.method.toUpperCase()))) {
    return 'mismatch';
  }
  if (rule.paths) {
    const path = source.path;
    if (path === undefined || !rule.paths.some((glob) => globMatches(glob, path))) return 'mismatch';
  }
  if (rule.userPoolIds && !has(rule.userPoolIds, source.userPoolId)) return 'mismatch';
  if (rule.logGroups && !has(rule.logGroups, source.logGroup)) return 'mismatch';
  if (rule.distributionIds && !has(rule.distributionIds, source.distributionId)) return 'mismatch';
  if (rule.resourceIds && !has(rule.resourceIds, source.resourceId)) return 'mismatch';
  if (rule.bootstrapServers && !allAmong(rule.bootstrapServers, source.bootstrapServers)) return 'mismatch';
  if (rule.topics && !has(rule.topics, origin.topic)) return 'mismatch';
  if (rule.regions) {
    const region = originRegion(origin);
    if (region === undefined || !rule.regions.has(region)) return 'mismatch';
  }
  const account = originAccount(origin);
  // A rule that names an account matches only a source that provably comes from it.
  if (rule.accountIds && !(account !== undefined && rule.accountIds.has(account))) return 'mismatch';
  const arn = origin.arn;
  if (rule.arns && !(arn !== undefined && rule.arns.some((p) => globMatches(p.glob, arn)))) return 'mismatch';
  // Cross-account needs the account written out: in accountId (checked above)
  // or literally in a matching ARN. An account wildcard never opens it. An
  // origin whose account the event does not carry is judged by the rest.
  if (account !== undefined && account !== ownAccount && !rule.accountIds?.has(account)) {
    const named = rule.arns?.some((p) => p.literalAccount === account && globMatches(p.glob, arn ?? ''));
    if (!named) return 'cross_account';
  }
  // Last: `tenant` means the rule matched the source and only the tenant kept it out.
  if (rule.tenants && !has(rule.tenants, tenantId)) return 'tenant';
  return 'match';
}

function matchAny(
  rules: readonly CompiledRule[],
  source: InvocationSource,
  origin: SourceRecord,
  ownAccount: string | undefined,
  tenantId: string | undefined,
): RuleResult {
  let result: RuleResult = 'mismatch';
  for (const rule of rules) {
    const r = matchRule(rule, source, origin, ownAccount, tenantId);
    if (r === 'match') return r;
    // A rule that matched all but the tenant says more than one that matched all but the account.
    if (r === 'tenant' || (r === 'cross_account' && result !== 'tenant')) result = r;
  }
  return result;
}

function reasonOf(result: Exclude<RuleResult, 'match'>): RefusalReason {
  if (result === 'cross_account') return result;
  return result === 'tenant' ? 'tenant_not_allowed' : 'no_matching_rule';
}

function sourceOrigin(source: InvocationSource): SourceRecord {
  const origin: SourceRecord = { arn: source.arn, accountId: source.accountId, region: source.region };
  if (source.topic !== undefined) origin.topic = source.topic;
  return origin;
}

/**
 * Judges a classified source against compiled rules. Batches: every record
 * must match (one foreign record refuses the batch); an empty batch is
 * refused. A record's missing field falls back to the source's own.
 * `tenantId` is the invocation's (core's validated state), for rules that name `tenants`.
 */
export function judge(
  rules: readonly CompiledRule[],
  source: InvocationSource,
  ownAccount: string | undefined,
  tenantId?: string,
): Verdict {
  if (!batchKinds.has(source.kind)) {
    const result = matchAny(rules, source, sourceOrigin(source), ownAccount, tenantId);
    if (result === 'match') return ALLOWED;
    return {
      allowed: false,
      reason: source.kind === 'unknown' ? 'unknown_source' : reasonOf(result),
      origin: sourceOrigin(source),
    };
  }
  const records = source.records ?? [];
  if (records.length === 0) return { allowed: false, reason: 'empty_batch', origin: sourceOrigin(source) };
  // Records of one batch nearly always share an origin: judge each distinct origin once.
  let previous: SourceRecord | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (
      previous !== undefined &&
      record.arn === previous.arn &&
      record.accountId === previous.accountId &&
      record.region === previous.region &&
      record.topic === previous.topic
    ) {
      continue;
    }
    const origin: SourceRecord = {
      arn: record.arn ?? source.arn,
      accountId: record.accountId ?? source.accountId,
      region: record.region ?? source.region,
    };
    const topic = record.topic ?? source.topic;
    if (topic !== undefined) origin.topic = topic;
    const result = matchAny(rules, source, origin, ownAccount, tenantId);
    if (result !== 'match') {
      return {
        allowed: false,
        reason: reasonOf(result),
        origin,
        recordIndex: i,
      };
    }
    previous = record;
  }
  return ALLOWED;
}

/** Kafka messages in the raw `records` map, counted until they exceed `judged`. */
function kafkaMessages(groups: unknown, judged: number): number {
  if (groups === null || typeof groups !== 'object') return 0;
  let count = 0;
  for (const key in groups) {
    if (!Object.hasOwn(groups, key)) continue;
    const group = (groups as Record<string, unknown>)[key];
    if (Array.isArray(group)) count += group.length;
    if (count > judged) return count;
  }
  return count;
}

/**
 * True when the raw event carries more records than classification judged.
 * Classification stops at Lambda's largest batch (10,000); a longer list is
 * forged, and its records past the cap would otherwise reach the handler
 * unjudged. That matters wherever records have origins of their own:
 * `Records[]` kinds, S3 Batch Operations `tasks` (a bucket each) and Kafka
 * messages (a topic each). MQ, Firehose and Kinesis Data Analytics batches
 * share one origin, so nothing can hide past the cap there.
 */
export function hasUnjudgedRecords(event: unknown, source: InvocationSource): boolean {
  if (!batchKinds.has(source.kind) || event === null || typeof event !== 'object') return false;
  const judged = source.records?.length ?? 0;
  const raw = event as { Records?: unknown; tasks?: unknown; records?: unknown };
  if (source.kind === 'kafka') return kafkaMessages(raw.records, judged) > judged;
  const list = source.kind === 's3-batch' ? raw.tasks : raw.Records;
  return Array.isArray(list) && list.length > judged;
}
