import type { InvocationSource, SourceRecord } from './source-kinds.ts';

/**
 * Defensive readers for classification (rule 5). Events come from anywhere —
 * a direct invocation can pass any JSON, a test can pass a Proxy or an object
 * with throwing getters — so every property read is guarded, and only
 * strings of the expected shape make it into an `InvocationSource`.
 */

type Bag = Record<PropertyKey, unknown>;

export function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/** `o[key]`, or undefined when `o` is not an object or the read throws. */
export function field(o: unknown, key: string | number): unknown {
  if (o === null || typeof o !== 'object') return undefined;
  try {
    return (o as Bag)[key];
  } catch {
    return undefined;
  }
}

/** A non-empty string property, or undefined. */
export function text(o: unknown, key: string): string | undefined {
  const value = field(o, key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An object property (arrays included), or undefined. */
export function child(o: unknown, key: string): object | undefined {
  const value = field(o, key);
  return value !== null && typeof value === 'object' ? value : undefined;
}

export function isArray(value: unknown): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    // A revoked Proxy makes Array.isArray throw.
    return false;
  }
}

/** The length of an array, capped: a hostile Proxy can claim any length. */
export function lengthOf(list: readonly unknown[], cap: number): number {
  const length = field(list, 'length');
  return typeof length === 'number' && length > 0 ? Math.min(length, cap) : 0;
}

/** Twelve ASCII digits. A loop, not a regex: this runs on every invocation. */
function isAccountId(value: string): boolean {
  if (value.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * `<letters>(-<letters>)+-<1-2 digits>`: us-east-1, eu-central-2,
 * us-gov-west-1, cn-northwest-1, us-isob-east-1. A loop, not a regex.
 */
function isRegion(value: string): boolean {
  const length = value.length;
  if (length < 6 || length > 32) return false;
  const lastHyphen = value.lastIndexOf('-');
  const digits = length - lastHyphen - 1;
  if (digits < 1 || digits > 2) return false;
  for (let i = lastHyphen + 1; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  // Before the number: lowercase words joined by single hyphens, at least two words.
  let previous = 45; // as if preceded by a hyphen: no leading hyphen allowed
  let hyphens = 0;
  for (let i = 0; i < lastHyphen; i++) {
    const c = value.charCodeAt(i);
    if (c === 45) {
      if (previous === 45) return false;
      hyphens++;
    } else if (c < 97 || c > 122) {
      return false;
    }
    previous = c;
  }
  return previous !== 45 && hyphens >= 1;
}

export function accountIdOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && isAccountId(value) ? value : undefined;
}

export function regionOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && isRegion(value) ? value : undefined;
}

/**
 * Splits `arn:partition:service:region:account:resource` without allocating
 * an array: the index just past the fifth colon (where the resource starts),
 * or -1 when `arn` is not an ARN.
 */
function resourceStart(arn: string): number {
  if (!arn.startsWith('arn:')) return -1;
  let at = 3;
  for (let colon = 0; colon < 4; colon++) {
    at = arn.indexOf(':', at + 1);
    if (at < 0) return -1;
  }
  return at + 1;
}

/** Sets `target.arn`, and `accountId`/`region` from the ARN where `target` has none yet. */
export function applyArn(target: InvocationSource | SourceRecord, arn: string | undefined): void {
  if (arn === undefined) return;
  target.arn = arn;
  const start = resourceStart(arn);
  if (start < 0) return;
  // Positions of the 3rd and 4th colons: arn:partition:service:REGION:ACCOUNT:
  const afterService = arn.indexOf(':', arn.indexOf(':', 4) + 1);
  const afterRegion = arn.indexOf(':', afterService + 1);
  if (target.region === undefined) {
    const region = regionOrUndefined(arn.slice(afterService + 1, afterRegion));
    if (region) target.region = region;
  }
  if (target.accountId === undefined) {
    const accountId = accountIdOrUndefined(arn.slice(afterRegion + 1, start - 1));
    if (accountId) target.accountId = accountId;
  }
}

/** The resource part of an ARN (after `arn:partition:service:region:account:`), or undefined. */
export function arnResource(arn: string): string | undefined {
  const start = resourceStart(arn);
  return start < 0 ? undefined : arn.slice(start);
}

/** Sets `region` when `value` is a region and `target` has none yet. */
export function applyRegion(target: InvocationSource | SourceRecord, value: unknown): void {
  if (target.region !== undefined) return;
  const region = regionOrUndefined(value);
  if (region) target.region = region;
}

export function applyAccountId(target: InvocationSource, value: unknown): void {
  if (target.accountId !== undefined) return;
  const accountId = accountIdOrUndefined(value);
  if (accountId) target.accountId = accountId;
}

/**
 * The region in an AWS host name `<id>.<service>.<region>.<suffix>`, e.g.
 * `abc.execute-api.us-east-1.amazonaws.com` or `abc.lambda-url.eu-west-1.on.aws`.
 */
export function hostRegion(host: string, serviceLabel: string): string | undefined {
  const at = host.indexOf(serviceLabel);
  if (at <= 0) return undefined;
  const start = at + serviceLabel.length;
  const end = host.indexOf('.', start);
  return end < 0 ? undefined : regionOrUndefined(host.slice(start, end));
}
