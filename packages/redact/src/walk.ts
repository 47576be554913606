/**
 * One redaction pass: a deep copy of anything a log can hold, censoring by
 * key and path rules, masking by value detectors, decoding encoded payloads,
 * within depth and size limits. Never mutates its input and never throws:
 * anything unreadable becomes a marker.
 */
import { CENSOR, type Detector, textFeatures } from './detector.ts';
import {
  decodeBase64Text,
  decodeFormComponent,
  encodeFormValue,
  looksLikeForm,
  parseJsonPayload,
} from './encoded.ts';
import type { KeyMatcher } from './key-rules.ts';
import { MATCHED, NO_STATES, type PathMatcher, type PathStates } from './paths.ts';

/** What a property name means, worked out once per distinct name. */
export interface KeyInfo {
  /** Key rules say the value under this name is secret. */
  readonly secret: boolean;
  /** The name itself with detector hits masked (an email used as a map key), if any. */
  readonly masked: string | undefined;
  /** Detector families that hit the name. */
  readonly families: readonly string[];
}

export interface Compiled {
  readonly isSecretKey: KeyMatcher;
  readonly keyInfo: (key: string) => KeyInfo;
  readonly paths: PathMatcher | undefined;
  readonly detectors: readonly Detector[];
  /** OR of the detectors' `needs`: a string with none of these features needs no detector. */
  readonly detectorNeeds: number;
  readonly parseEncoded: boolean;
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxNodes: number;
  readonly maxTotalSize: number;
}

export const UNREADABLE = '[Unreadable]';
export const CIRCULAR = '[Circular]';
const SECRET_PARAM = '[REDACTED:secret-param]';

/**
 * Values worth censoring by KEY rules: a boolean or null under `password` says nothing secret,
 * and an ARN names a resource rather than holding a credential; keeping them keeps logs useful.
 */
function censorable(value: unknown): boolean {
  if (typeof value === 'string') return !value.startsWith('arn:aws');
  return value !== undefined && value !== null && typeof value !== 'boolean';
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment to "__proto__" would replace the copy's prototype instead of adding a key.
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export class Walk {
  readonly counts: Record<string, number> = {};
  /** Anything altered (redaction or limit marker): decides whether an encoded payload is re-encoded. */
  changes = 0;
  private nodes = 0;
  private size = 0;
  /** Objects on the current path (at most maxDepth deep): a small array beats a Set here. */
  private readonly ancestors: object[] = [];
  private readonly config: Compiled;

  constructor(config: Compiled) {
    this.config = config;
  }

  count(family: string): void {
    this.counts[family] = (this.counts[family] ?? 0) + 1;
    this.changes++;
  }

  private exhausted(): boolean {
    return this.nodes >= this.config.maxNodes || this.size >= this.config.maxTotalSize;
  }

  value(value: unknown, depth: number, states: PathStates): unknown {
    this.nodes++;
    switch (typeof value) {
      case 'string':
        return this.string(value, depth, states);
      case 'object':
        return value === null ? null : this.object(value, depth, states);
      case 'bigint':
        return value.toString();
      case 'symbol':
        return value.toString();
      case 'function':
        return `[Function${value.name ? ` ${value.name}` : ''}]`;
      default:
        return value; // number, boolean, undefined
    }
  }

  string(s: string, depth: number, states: PathStates): string {
    const config = this.config;
    const features = s.length < 5 || config.detectorNeeds === 0 ? 0 : textFeatures(s) & config.detectorNeeds;
    // Fast path: nothing to decode, within the length limit, no detector could fire.
    if (features === 0 && s.length <= config.maxStringLength) {
      const first = s.charCodeAt(0);
      if (
        !config.parseEncoded ||
        (first !== 123 && first !== 91 && first !== 34 && first > 32 && !s.includes('&'))
      ) {
        this.size += s.length;
        return s;
      }
    }
    let out = s;
    if (config.parseEncoded) {
      const parsed = parseJsonPayload(s);
      if (parsed !== undefined) {
        const before = this.changes;
        const inner = parsed.value;
        const redacted =
          typeof inner === 'string'
            ? this.string(inner, depth + 1, states)
            : this.object(inner as object, depth + 1, states);
        if (this.changes !== before) out = JSON.stringify(redacted);
        return this.truncate(out, 0);
      }
      if (looksLikeForm(s)) return this.truncate(this.form(s, depth, states), 0);
    }
    // Redact BEFORE truncating so no secret is cut into an unrecognisable but readable prefix;
    // bound the work on huge strings, whose tail is cut off by truncation anyway.
    const scanLimit = Math.max(config.maxStringLength * 4, 65_536);
    const cut = Math.max(0, out.length - scanLimit);
    if (cut > 0) out = out.slice(0, scanLimit);
    if (features !== 0) {
      for (const detector of config.detectors) {
        if ((features & detector.needs) !== 0 && detector.mayContain(out)) {
          out = detector.mask(out, () => this.count(detector.family));
        }
      }
    }
    return this.truncate(out, cut);
  }

  /** Apply maxStringLength; `alreadyCut` chars were dropped before scanning and count as truncated. */
  private truncate(s: string, alreadyCut: number): string {
    const max = this.config.maxStringLength;
    if (s.length <= max && alreadyCut === 0) {
      this.size += s.length;
      return s;
    }
    this.changes++;
    const kept = s.slice(0, max);
    this.size += kept.length;
    return `${kept}…[truncated ${s.length - kept.length + alreadyCut} chars]`;
  }

  /** `a=b&c=d`: mask values of secret names, redact the rest decoded, re-encode only what changed. */
  private form(s: string, depth: number, states: PathStates): string {
    const pairs = s.split('&');
    let changed = false;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const rawValue = pair.slice(eq + 1);
      if (rawValue === '') continue;
      if (this.config.isSecretKey(decodeFormComponent(name))) {
        this.count('secret-param');
        pairs[i] = `${name}=${SECRET_PARAM}`;
        changed = true;
        continue;
      }
      const value = decodeFormComponent(rawValue);
      const before = this.changes;
      const redacted = this.string(value, depth, states);
      if (this.changes !== before) {
        pairs[i] = `${name}=${encodeFormValue(redacted)}`;
        changed = true;
      }
    }
    return changed ? pairs.join('&') : s;
  }

  private object(value: object, depth: number, states: PathStates): unknown {
    if (this.exhausted()) {
      this.changes++;
      return '[Truncated: size limit]';
    }
    if (depth > this.config.maxDepth) {
      this.changes++;
      return `[Truncated: depth limit ${this.config.maxDepth}]`;
    }
    const ancestors = this.ancestors;
    if (ancestors.includes(value)) {
      this.changes++;
      return CIRCULAR;
    }
    ancestors.push(value);
    try {
      if (Array.isArray(value)) return this.array(value, depth, states);
      // Fast path for the common case, plain objects (JSON-parsed events, literals).
      const proto = Object.getPrototypeOf(value);
      if (
        (proto === Object.prototype || proto === null) &&
        typeof (value as { toJSON?: unknown }).toJSON !== 'function'
      ) {
        return this.properties(value, Object.keys(value), {}, depth, states);
      }
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (ArrayBuffer.isView(value)) {
        const name = Buffer.isBuffer(value) ? 'Buffer' : value.constructor.name;
        return `[${name} ${value.byteLength} bytes]`;
      }
      if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
      if (value instanceof Error) return this.error(value, depth, states);
      if (value instanceof Map) return this.map(value, depth, states);
      if (value instanceof Set) return this.array([...value], depth, states);
      if (value instanceof RegExp) return String(value);
      if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) {
        return `[${value.constructor.name}]`;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        const json: unknown = toJSON.call(value);
        if (json !== value) return this.value(json, depth + 1, states);
      }
      return this.properties(value, Object.keys(value), {}, depth, states);
    } catch {
      // A throwing proxy trap, toJSON or iterator: the value cannot be copied safely.
      this.changes++;
      return UNREADABLE;
    } finally {
      ancestors.pop();
    }
  }

  private array(items: readonly unknown[], depth: number, states: PathStates): unknown[] {
    const paths = this.config.paths;
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      if (this.exhausted()) {
        this.changes++;
        out.push(`[Truncated: ${items.length - i} more items]`);
        break;
      }
      const item = items[i];
      if (paths !== undefined && states !== NO_STATES) {
        const next = paths.step(states, i);
        if (next === MATCHED && item != null) {
          this.count('path');
          out.push(CENSOR);
        } else {
          out.push(this.value(item, depth + 1, next === MATCHED ? NO_STATES : next));
        }
      } else {
        out.push(this.value(item, depth + 1, NO_STATES));
      }
    }
    return out;
  }

  /** Copy own enumerable properties of `source` (or the given keys) into `out`, rule by rule. */
  private properties(
    source: object,
    keys: readonly string[],
    out: Record<string, unknown>,
    depth: number,
    states: PathStates,
  ): Record<string, unknown> {
    const record = source as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      if (this.exhausted()) {
        this.changes++;
        setKey(out, '[Truncated]', `${keys.length - i} more keys`);
        break;
      }
      const key = keys[i]!;
      let child: unknown;
      try {
        child = record[key];
      } catch {
        this.changes++;
        setKey(out, key, UNREADABLE);
        continue;
      }
      // API Gateway / ALB / Function URL bodies may be base64: decode only when the event says so.
      const base64Body =
        key === 'body' &&
        typeof child === 'string' &&
        this.config.parseEncoded &&
        readSafely(record, 'isBase64Encoded') === true;
      this.entry(out, key, child, depth, states, base64Body);
    }
    return out;
  }

  private entry(
    out: Record<string, unknown>,
    key: string,
    child: unknown,
    depth: number,
    states: PathStates,
    base64Body = false,
  ): void {
    const config = this.config;
    const info = config.keyInfo(key);
    let outKey = key;
    if (info.masked !== undefined) {
      outKey = info.masked;
      for (const family of info.families) this.count(family);
    }
    let childStates = NO_STATES;
    if (config.paths !== undefined && states !== NO_STATES) {
      const next = config.paths.step(states, key);
      if (next === MATCHED) {
        // A path is an explicit request: censor whatever is there (only absent values stay absent).
        if (child != null) {
          this.count('path');
          setKey(out, outKey, CENSOR);
          return;
        }
      } else {
        childStates = next;
      }
    }
    if (info.secret && censorable(child)) {
      this.count('key');
      setKey(out, outKey, CENSOR);
      return;
    }
    const copy =
      base64Body && typeof child === 'string'
        ? this.base64(child, depth + 1, childStates)
        : this.value(child, depth + 1, childStates);
    setKey(out, outKey, copy);
  }

  /** API Gateway/ALB `body` with `isBase64Encoded: true`: decode, redact the text, re-encode if changed. */
  private base64(body: string, depth: number, states: PathStates): string {
    const text = decodeBase64Text(body);
    if (text === undefined) return this.truncate(body, 0);
    const before = this.changes;
    const redacted = this.string(text, depth, states);
    if (this.changes === before) return this.truncate(body, 0);
    return Buffer.from(redacted, 'utf8').toString('base64');
  }

  private error(error: Error, depth: number, states: PathStates): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const record = error as unknown as Record<string, unknown>;
    const own = Object.keys(error);
    // name, message and stack are not enumerable own properties; cause and AggregateError's errors may not be either.
    const name = readSafely(record, 'name');
    const message = readSafely(record, 'message');
    const stack = readSafely(record, 'stack');
    if (!own.includes('name')) this.entry(out, 'name', name, depth, states);
    if (!own.includes('message')) this.entry(out, 'message', message, depth, states);
    if (!own.includes('stack')) {
      // V8 stacks start with "Name: message". A message holding JSON is redacted as JSON above; the
      // copy in the stack is plain text to the detectors, so reuse the redacted message there.
      const header =
        typeof message === 'string' && message !== '' ? `${String(name)}: ${message}` : undefined;
      if (
        header !== undefined &&
        typeof stack === 'string' &&
        stack.startsWith(header) &&
        !own.includes('message')
      ) {
        const rest = this.value(stack.slice(header.length), depth + 1, NO_STATES);
        setKey(out, 'stack', `${String(name)}: ${String(out.message)}${String(rest)}`);
      } else {
        this.entry(out, 'stack', stack, depth, states);
      }
    }
    this.properties(error, own, out, depth, states);
    for (const key of ['cause', 'errors']) {
      if (!own.includes(key) && key in error) this.entry(out, key, readSafely(record, key), depth, states);
    }
    return out;
  }

  private map(map: Map<unknown, unknown>, depth: number, states: PathStates): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, child] of map) {
      if (this.exhausted()) {
        this.changes++;
        setKey(out, '[Truncated]', 'more entries');
        break;
      }
      this.entry(out, typeof key === 'string' ? key : String(key), child, depth, states);
    }
    return out;
  }
}

function readSafely(record: Record<string, unknown>, key: string): unknown {
  try {
    return record[key];
  } catch {
    return UNREADABLE;
  }
}
