import {
  BATCH_SOURCE_KINDS,
  type InvocationSource,
  isSourceKind,
  type SourceRecord,
} from '@lambda-sentinel/core';
import type { AllowRule } from './rules.ts';
import { compileRules } from './rules.ts';

type Field = 'kind' | 'arn' | 'accountId' | 'region' | 'apiId' | 'stage';
/** A rule while it is being built: each named field's allowed values. */
type Draft = Map<Field, Set<string>>;

const FIELD_ORDER: readonly Field[] = ['kind', 'arn', 'accountId', 'region', 'apiId', 'stage'];
const batchKinds: ReadonlySet<string> = new Set(BATCH_SOURCE_KINDS);
/** A glob replaces exact ARNs only when it stands for at least this many of them. */
const MIN_ARNS_PER_GLOB = 3;
const MIN_GLOB_PREFIX = 3;
const NAME_SEPARATORS = '-_./';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function arnSegments(arn: string): string[] {
  return arn.split(':', 6);
}

/** One draft per origin; batch records each count as an origin. */
function draftsOf(source: InvocationSource): Draft[] {
  if (source === null || typeof source !== 'object' || !isSourceKind(source.kind)) return [];
  const origins: SourceRecord[] = batchKinds.has(source.kind)
    ? (Array.isArray(source.records) ? source.records : []).map((r) => ({
        arn: str(r?.arn) ?? str(source.arn),
        accountId: str(r?.accountId) ?? str(source.accountId),
        region: str(r?.region) ?? str(source.region),
      }))
    : [{ arn: str(source.arn), accountId: str(source.accountId), region: str(source.region) }];
  const drafts: Draft[] = [];
  for (const origin of origins) {
    const draft: Draft = new Map([['kind', new Set([source.kind])]]);
    const arnParts = origin.arn ? arnSegments(origin.arn) : undefined;
    // An observed ARN is a literal: one carrying "*" is forged and must never become a glob.
    if (origin.arn?.includes('*')) continue;
    if (origin.arn) draft.set('arn', new Set([origin.arn]));
    // Fields the ARN already pins are left out, except an account the ARN does not show.
    if (origin.accountId && origin.accountId !== arnParts?.[4])
      draft.set('accountId', new Set([origin.accountId]));
    if (origin.region && origin.region !== arnParts?.[3]) draft.set('region', new Set([origin.region]));
    const apiId = str(source.apiId);
    const stage = str(source.stage);
    if (apiId) draft.set('apiId', new Set([apiId]));
    if (stage) draft.set('stage', new Set([stage]));
    drafts.push(draft);
  }
  return drafts;
}

function toRule(draft: Draft): AllowRule {
  const rule: Record<string, string | string[]> = {};
  for (const field of FIELD_ORDER) {
    const values = draft.get(field);
    if (!values) continue;
    const sorted = [...values].sort();
    rule[field] = sorted.length === 1 ? sorted[0]! : sorted;
  }
  return rule as unknown as AllowRule;
}

/** A draft the rule compiler accepts: observed values are untrusted input. */
function isValid(draft: Draft): boolean {
  try {
    compileRules([toRule(draft)]);
    return true;
  } catch {
    return false;
  }
}

/** The one field two drafts differ in, when they name the same fields and differ in exactly one. */
function soleDifference(a: Draft, b: Draft): Field | undefined | null {
  if (a.size !== b.size) return null;
  let differing: Field | undefined;
  for (const [field, values] of a) {
    const other = b.get(field);
    if (!other) return null;
    if (values.size === other.size && [...values].every((v) => other.has(v))) continue;
    if (differing) return null;
    differing = field;
  }
  return differing;
}

/**
 * Merges drafts that differ in exactly one field: the merged rule allows
 * exactly the union of the two, nothing more (fields are ANDed, values ORed).
 */
function mergeDrafts(drafts: Draft[]): Draft[] {
  const merged = [...drafts];
  let changed = true;
  while (changed) {
    changed = false;
    outer: for (let i = 0; i < merged.length; i++) {
      for (let j = i + 1; j < merged.length; j++) {
        const field = soleDifference(merged[i]!, merged[j]!);
        if (field === null) continue;
        if (field !== undefined) for (const v of merged[j]!.get(field)!) merged[i]!.get(field)!.add(v);
        merged.splice(j, 1);
        changed = true;
        break outer;
      }
    }
  }
  return merged;
}

function commonPrefix(values: string[]): string {
  let prefix = values[0] ?? '';
  for (const value of values) {
    let n = 0;
    while (n < prefix.length && n < value.length && prefix[n] === value[n]) n++;
    prefix = prefix.slice(0, n);
  }
  return prefix;
}

/**
 * Replaces 3 or more ARNs that differ only in the end of their resource
 * with `prefix*`, when the shared prefix ends at a name separator (so
 * `orders-eu`, `orders-us`, `orders-ap` → `orders-*`, but `a`, `b`, `c` stay exact).
 */
function globArns(arns: Set<string>): Set<string> {
  const byHead = new Map<string, string[]>();
  for (const arn of arns) {
    // Split before the resource component (after the 5th ':'): only the resource is globbed.
    let cut = -1;
    for (let i = 0; i < 5; i++) cut = arn.indexOf(':', cut + 1);
    const head = arn.slice(0, cut + 1);
    byHead.set(head, [...(byHead.get(head) ?? []), arn.slice(cut + 1)]);
  }
  const result = new Set<string>();
  for (const [head, tails] of byHead) {
    const prefix = commonPrefix(tails);
    let end = prefix.length;
    while (end > 0 && !NAME_SEPARATORS.includes(prefix[end - 1]!)) end--;
    if (tails.length >= MIN_ARNS_PER_GLOB && end >= MIN_GLOB_PREFIX) {
      result.add(`${head}${prefix.slice(0, end)}*`);
    } else {
      for (const tail of tails) result.add(head + tail);
    }
  }
  return result;
}

/**
 * The smallest rule set that allows every given source: one rule per
 * kind/account/region/API/stage, merged where that is exact, with exact ARNs
 * (a prefix glob only where it stands for 3 or more ARNs). Every account is
 * named, so the rules also hold for cross-account sources. Sources with
 * values no rule could hold (forged ARNs with "*", malformed regions...) are
 * skipped. Review the result before enforcing it: it allows what was seen,
 * including anything forged while observing.
 */
export function suggestAllowlist(sources: readonly InvocationSource[]): AllowRule[] {
  if (!Array.isArray(sources)) throw new TypeError('suggestAllowlist: expected an array of sources');
  const unique = new Map<string, Draft>();
  for (const source of sources) {
    for (const draft of draftsOf(source)) {
      const key = JSON.stringify(toRule(draft));
      if (!unique.has(key) && isValid(draft)) unique.set(key, draft);
    }
  }
  const rules = mergeDrafts([...unique.values()]).map((draft) => {
    const arns = draft.get('arn');
    if (arns) draft.set('arn', globArns(arns));
    return toRule(draft);
  });
  return rules.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
