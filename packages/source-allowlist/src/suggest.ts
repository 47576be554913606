import {
  AUTHORIZER_SOURCE_KINDS,
  BATCH_SOURCE_KINDS,
  type InvocationSource,
  isSourceKind,
  type SourceRecord,
} from '@lambda-sentinel/core';
import type { AllowRule } from './rules.ts';
import { compileRules, RULE_FIELD_NAMES } from './rules.ts';

/**
 * The fields a suggestion names: every rule field but a path (too specific), verifySignature and
 * tenants (added by hand; observed lines carry no tenant).
 */
type Field = Exclude<(typeof RULE_FIELD_NAMES)[number], 'path' | 'verifySignature' | 'tenants'>;
/** A rule while it is being built: each named field's allowed values. */
type Draft = Map<Field, Set<string>>;

const FIELD_ORDER: readonly Field[] = RULE_FIELD_NAMES.filter(
  (field): field is Field => field !== 'path' && field !== 'verifySignature' && field !== 'tenants',
);
/** Source facts a rule can name, copied into a draft as observed. */
const FACTS = ['userPoolId', 'logGroup', 'distributionId', 'resourceId'] as const;
const batchKinds: ReadonlySet<string> = new Set(BATCH_SOURCE_KINDS);
const authorizerKinds: ReadonlySet<string> = new Set(AUTHORIZER_SOURCE_KINDS);
/** A glob replaces exact ARNs only when it stands for at least this many of them. */
const MIN_ARNS_PER_GLOB = 3;
const MIN_GLOB_PREFIX = 3;
const NAME_SEPARATORS = '-_./';
const LITERAL_METHOD = /^[A-Za-z]{1,16}$/;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function arnSegments(arn: string): string[] {
  return arn.split(':', 6);
}

/** The facts every draft of `source` shares: user pool, log group, distribution, resource id, brokers. */
function sourceFacts(source: InvocationSource, draft: Draft): void {
  for (const fact of FACTS) {
    const value = str(source[fact]);
    if (value) draft.set(fact, new Set([value]));
  }
  const servers = Array.isArray(source.bootstrapServers) ? source.bootstrapServers.filter((s) => str(s)) : [];
  if (servers.length > 0) draft.set('bootstrapServers', new Set(servers.map((s) => s.toLowerCase())));
}

/**
 * An API Gateway authorizer's draft: account, region, API and stage (and the
 * method, for now) from its method ARN
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`, never
 * the ARN itself, so every route of the stage is allowed. A `*` method or a
 * `{proxy+}` / `*` path is fine; an API or stage that is not a literal is not.
 */
function authorizerDraft(source: InvocationSource): Draft | undefined {
  const arn = str(source.arn);
  const parts = arn ? arnSegments(arn) : [];
  const resource = arn && parts.length === 6 ? arn.slice(parts.slice(0, 5).join(':').length + 1) : '';
  const [arnApi, arnStage, arnMethod] = resource.split('/', 3);
  const accountId = str(parts[4]) ?? str(source.accountId);
  const region = str(parts[3]) ?? str(source.region);
  const apiId = str(arnApi) ?? str(source.apiId);
  const stage = str(arnStage) ?? str(source.stage);
  if (!apiId || !stage || !accountId) return undefined;
  const draft: Draft = new Map([
    ['kind', new Set([source.kind])],
    ['accountId', new Set([accountId])],
    ['apiId', new Set([apiId])],
    ['stage', new Set([stage])],
  ]);
  if (region) draft.set('region', new Set([region]));
  const method = str(arnMethod) ?? str(source.method);
  if (method && LITERAL_METHOD.test(method)) draft.set('method', new Set([method.toUpperCase()]));
  return draft;
}

/** One draft per origin; batch records each count as an origin. */
function draftsOf(source: InvocationSource): Draft[] {
  if (source === null || typeof source !== 'object' || !isSourceKind(source.kind)) return [];
  if (authorizerKinds.has(source.kind)) {
    const draft = authorizerDraft(source);
    return draft ? [draft] : [];
  }
  const origins: SourceRecord[] = batchKinds.has(source.kind)
    ? (Array.isArray(source.records) ? source.records : []).map((r) => ({
        arn: str(r?.arn) ?? str(source.arn),
        accountId: str(r?.accountId) ?? str(source.accountId),
        region: str(r?.region) ?? str(source.region),
        topic: str(r?.topic) ?? str(source.topic),
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
    if (origin.topic) draft.set('topic', new Set([origin.topic]));
    sourceFacts(source, draft);
    drafts.push(draft);
  }
  return drafts;
}

/** The draft's fields but `method`, as a key: the authorizer drafts of one API and stage. */
function withoutMethod(draft: Draft): string {
  return JSON.stringify(
    FIELD_ORDER.filter((f) => f !== 'method').map((f) => [...(draft.get(f) ?? [])].sort()),
  );
}

/**
 * An authorizer rule names the method only when every observation of its
 * API and stage agrees on one literal method; otherwise it allows the stage's
 * every method.
 */
function agreeOnMethods(drafts: Draft[]): void {
  const methods = new Map<string, Set<string> | null>();
  for (const draft of drafts) {
    if (!authorizerKinds.has([...draft.get('kind')!][0]!)) continue;
    const key = withoutMethod(draft);
    const method = draft.get('method');
    const seen = methods.get(key);
    if (!method || seen === null) methods.set(key, null);
    else methods.set(key, new Set([...(seen ?? []), ...method]));
  }
  for (const draft of drafts) {
    if (!draft.has('method')) continue;
    const agreed = methods.get(withoutMethod(draft));
    if (agreed?.size !== 1) draft.delete('method');
  }
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
 * kind/account/region/API/stage and source fact (user pool, log group,
 * distribution, Kafka brokers and topic, resource id), merged where that is
 * exact, with exact ARNs (a prefix glob only where it stands for 3 or more
 * ARNs). API Gateway authorizers are allowed at their API and stage (and
 * method, when every observation agrees on one), not at the one route of
 * their method ARN; a `*` or `{proxy+}` in it is fine. Every account is
 * named, so the rules also hold for cross-account sources. Sources with
 * values no rule could hold (forged ARNs with "*", malformed regions...) are
 * skipped. Review the result before enforcing it: it allows what was seen,
 * including anything forged while observing.
 */
export function suggestAllowlist(sources: readonly InvocationSource[]): AllowRule[] {
  if (!Array.isArray(sources)) throw new TypeError('suggestAllowlist: expected an array of sources');
  const observed = new Map<string, Draft>();
  for (const source of sources) {
    for (const draft of draftsOf(source)) {
      const key = JSON.stringify(toRule(draft));
      if (!observed.has(key) && isValid(draft)) observed.set(key, draft);
    }
  }
  const drafts = [...observed.values()];
  agreeOnMethods(drafts);
  const unique = new Map<string, Draft>();
  for (const draft of drafts) {
    const key = JSON.stringify(toRule(draft));
    if (!unique.has(key)) unique.set(key, draft);
  }
  const rules = mergeDrafts([...unique.values()]).map((draft) => {
    const arns = draft.get('arn');
    if (arns) draft.set('arn', globArns(arns));
    return toRule(draft);
  });
  return rules.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
