/**
 * One redaction pass: a copy of anything a log can hold, censoring by key and
 * path rules, masking by value detectors, decoding encoded payloads, within
 * depth and size limits. Never mutates its input and never throws: anything
 * unreadable becomes a marker, and a failure or a limit cuts only the value it
 * happened in, never its siblings.
 */
import type { BenignCache } from './benign-cache.ts';
import { CENSOR, type Detector, GROUP_AT, SHORT_STRING } from './detector.ts';
import {
  decodeBase64Record,
  decodeBase64Text,
  decodeFormComponent,
  encodeFormValue,
  looksLikeForm,
  parseJsonPayload,
} from './encoded.ts';
import { KEY_NAME, KEY_SECRET, KEY_SSN, type KeyKind, type KeyMatcher } from './key-rules.ts';
import { keepInText } from './pair-parser.ts';
import { MATCHED, NO_STATES, type PathMatcher, type PathStates } from './paths.ts';
import type { PiiReplacer } from './pii-detectors.ts';
import type { Prefilter } from './prefilter.ts';

/** What a property name means, worked out once per distinct name. */
export interface KeyInfo {
  /** What key rules say about the value under this name. */
  readonly kind: KeyKind;
  /** The name itself with detector hits masked (an email used as a map key), if any. */
  readonly masked: string | undefined;
  /** Detector families that hit the name. */
  readonly families: readonly string[];
  /** The name is one of the fields that may carry base64 record data. */
  readonly base64Field: boolean;
}

export interface Compiled {
  readonly keyKind: KeyMatcher;
  readonly keyInfo: (key: string) => KeyInfo;
  readonly paths: PathMatcher | undefined;
  /** Undefined when every detector is off. */
  readonly prefilter: Prefilter | undefined;
  /** Replacers for values under PII names (`ssn`, `firstName`), when those families are on. */
  readonly ssnByKey: PiiReplacer | undefined;
  readonly nameByKey: PiiReplacer | undefined;
  readonly parseEncoded: boolean;
  /** Strings that came out unchanged before (per redactor). */
  readonly benign: BenignCache;
  /**
   * Characters that may make a string shorter than SHORT_STRING change, per ASCII unit: GATE_ANYWHERE
   * (detectors' `short` characters, form separators), GATE_FIRST (a JSON start or whitespace as the
   * first character); undefined when short strings cannot be ruled out (see settledShort).
   */
  readonly shortGate: Uint8Array | undefined;
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxNodes: number;
  readonly maxTotalSize: number;
}

export const UNREADABLE = '[Unreadable]';

/** Compiled.shortGate bits. */
export const GATE_ANYWHERE = 1;
export const GATE_FIRST = 2;

/**
 * Most values are short (ids, enums, words, numbers as text). One shorter than SHORT_STRING that no
 * detector can match (none of their short characters), that no decoder takes (no JSON start, no
 * form) and that fits the length limit comes out as it is: the whole pipeline is skipped.
 * Non-ASCII never settles (a look-alike may be read as ASCII downstream). Equivalence with the
 * full pipeline is a property test (shortcuts.test.ts).
 */
// Stryker disable next-line BlockStatement: a body that settles nothing only sends strings to the full pipeline, which returns them the same (speed only)
function settledShort(s: string, gate: Uint8Array | undefined, maxStringLength: number): boolean {
  const n = s.length;
  if (gate === undefined || n >= SHORT_STRING || n > maxStringLength) return false;
  // Stryker disable next-line BooleanLiteral: the empty string, not settled, goes through the full pipeline, which returns it the same (speed only)
  if (n === 0) return true;
  const first = s.charCodeAt(0);
  if (first > 127 || gate[first] !== 0) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || (gate[c]! & GATE_ANYWHERE) !== 0) return false;
  }
  // Stryker disable next-line BooleanLiteral: settling nothing only sends strings to the full pipeline, which returns them the same (speed only)
  return true;
}

/** The KeyInfo of every name no rule cares about (shared, so the walker tests it by identity). */
export const PLAIN_KEY: KeyInfo = { kind: 0, masked: undefined, families: [], base64Field: false };
export const CIRCULAR = '[Circular]';
const SECRET_PARAM = '[REDACTED:secret-param]';

const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Values worth censoring by KEY rules. A boolean or null under `password` says nothing secret, an
 * ARN names a resource rather than holding a credential, and under a credential name (`token`,
 * `secret`) a number or a date is a count or a timestamp; keeping them keeps logs useful. Names
 * whose secret may be numeric (`pin`, `password`, `ssn`) censor numbers too.
 */
function censorable(kind: KeyKind, value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return (
        !value.startsWith('arn:aws') && !(kind === KEY_SECRET && (DATE.test(value) || HTTP_DATE.test(value)))
      );
    case 'number':
    case 'bigint':
      return kind !== KEY_SECRET;
    case 'object':
      return value !== null;
    case 'boolean':
    case 'undefined':
      return false;
    default:
      return true;
  }
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment to "__proto__" would replace the copy's prototype instead of adding a key.
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

export class Walk {
  /** Counts by family, but path hits (the most frequent, hundreds in a large payload) in a field. */
  private readonly tally: Record<string, number> = {};
  private pathHits = 0;
  /** Anything altered (redaction or limit marker): decides whether an encoded payload is re-encoded. */
  changes = 0;
  private nodes = 0;
  private size = 0;
  /**
   * Objects on the current path (at most maxDepth deep), the first `onPath` entries: a small
   * array beats a Set here, and a counter beats push/pop (entries past it are stale, never read).
   */
  // Stryker disable next-line ArrayDeclaration: entries at or past `onPath` are never read, only overwritten
  private readonly ancestors: object[] = [];
  private onPath = 0;
  private readonly config: Compiled;
  private readonly hit = (family?: string): void => this.count(family ?? this.family);
  /** The family of the detector running now (its hits are counted under it). */
  // Stryker disable next-line StringLiteral: set before every detector runs; never read before that
  private family = '';

  /** The limits, copied from the config: checked for every key and item. */
  private readonly maxNodes: number;
  private readonly maxTotalSize: number;

  constructor(config: Compiled) {
    this.config = config;
    this.maxNodes = config.maxNodes;
    this.maxTotalSize = config.maxTotalSize;
  }

  count(family: string): void {
    this.tally[family] = (this.tally[family] ?? 0) + 1;
    this.changes++;
  }

  private countPath(): void {
    this.pathHits++;
    this.changes++;
  }

  /** How many things were redacted, by family. */
  get counts(): Record<string, number> {
    if (this.pathHits === 0) return this.tally;
    return { ...this.tally, path: (this.tally.path ?? 0) + this.pathHits };
  }

  private exhausted(): boolean {
    return this.nodes >= this.maxNodes || this.size >= this.maxTotalSize;
  }

  value(value: unknown, depth: number, states: PathStates): unknown {
    this.nodes++;
    switch (typeof value) {
      case 'string':
        return this.string(value, depth, states);
      case 'object':
        return value === null ? null : this.object(value, depth, states, depth);
      // Stryker disable next-line ConditionalExpression: falling through to the symbol case returns the same toString()
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
    // Stryker disable next-line BlockStatement: without the shortcut the string goes through the full pipeline, which returns it the same (speed only)
    if (settledShort(s, config.shortGate, config.maxStringLength)) {
      this.size += s.length;
      return s;
    }
    // A value seen unchanged before (path rules aside, which depend on where it is) needs no work.
    const cacheable = states === NO_STATES;
    // Stryker disable next-line BlockStatement: without the cache hit the string is walked again, with the same result (speed only)
    if (cacheable && config.benign.has(s, depth)) {
      this.size += s.length;
      return s;
    }
    const before = this.changes;
    const out = this.fresh(s, depth, states);
    // Stryker disable next-line CallExpression: not remembering a string only means walking it again (speed only)
    if (cacheable && this.changes === before) config.benign.add(s, depth);
    return out;
  }

  private fresh(s: string, depth: number, states: PathStates): string {
    const config = this.config;
    if (config.parseEncoded) {
      const first = s.charCodeAt(0);
      if (first === 123 || first === 91 || first === 34 || first <= 32) {
        const parsed = parseJsonPayload(s);
        if (parsed !== undefined) return this.json(s, parsed.value, depth, states);
      }
      if (looksLikeForm(s)) return this.truncate(this.form(s, depth, states), 0);
    }
    // Redact BEFORE truncating so no secret is cut into an unrecognisable but readable prefix;
    // bound the work on huge strings, whose tail is cut off by truncation anyway.
    const scanLimit = Math.max(config.maxStringLength * 4, 65_536);
    const cut = Math.max(0, s.length - scanLimit);
    return this.truncate(this.detect(cut > 0 ? s.slice(0, scanLimit) : s), cut);
  }

  /** Every detector the prefilter admits, in order. */
  detect(s: string): string {
    const prefilter = this.config.prefilter;
    if (prefilter === undefined) return s;
    const candidates = prefilter.candidates(s);
    let out = s;
    let grouped: Detector | undefined; // a group already run for this string
    for (let i = 0; i < candidates.length; i++) {
      const detector: Detector = candidates[i]!;
      const group = detector.group;
      if (group !== undefined) {
        if (group === grouped) continue;
        if (countGroup(candidates, group) >= GROUP_AT) {
          grouped = group;
          this.family = group.family;
          out = group.mask(out, this.hit);
          continue;
        }
      }
      this.family = detector.family;
      out = detector.mask(out, this.hit);
    }
    return out;
  }

  /** A string holding JSON: redact the parsed value, re-serialise only if something changed. */
  private json(s: string, inner: unknown, depth: number, states: PathStates): string {
    const before = this.changes;
    const redacted = this.value(inner, depth + 1, states);
    this.nodes--; // the parsed value is this string, not a new node
    return this.truncate(this.changes !== before ? JSON.stringify(redacted) : s, 0);
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
    // Stryker disable next-line BooleanLiteral: joining unchanged pairs gives back the same string
    let changed = false;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const rawValue = pair.slice(eq + 1);
      // Stryker disable next-line StringLiteral: an empty value is kept by keepInText and comes out of the walk unchanged, so the skip is only a shortcut
      if (rawValue === '') continue;
      const value = decodeFormComponent(rawValue);
      const kind = this.config.keyKind(decodeFormComponent(name));
      // Form values are text: the same rules as `name=value` in a sentence.
      if (kind !== 0 && !keepInText(kind, value)) {
        const replaced = this.censorByKey(kind, value, SECRET_PARAM, 'secret-param');
        if (replaced !== undefined) {
          pairs[i] = `${name}=${encodeFormValue(replaced)}`;
          changed = true;
          continue;
        }
      }
      const before = this.changes;
      const redacted = this.string(value, depth, states);
      if (this.changes !== before) {
        pairs[i] = `${name}=${encodeFormValue(redacted)}`;
        changed = true;
      }
    }
    return changed ? pairs.join('&') : s;
  }

  /**
   * What a key rule replaces `value` with (counted), or undefined when the rule keeps it: the
   * PII families' marker or hash under `ssn` / person names, else `censor` counted as `family`.
   */
  private censorByKey(kind: KeyKind, value: unknown, censor = CENSOR, family = 'key'): string | undefined {
    if (kind === KEY_SSN || kind === KEY_NAME) {
      const replace = kind === KEY_SSN ? this.config.ssnByKey : this.config.nameByKey;
      if (replace === undefined) return undefined;
      this.count(kind === KEY_SSN ? 'ssn' : 'name');
      return replace(typeof value === 'string' ? value.trim().toLowerCase() : (JSON.stringify(value) ?? ''));
    }
    this.count(family);
    return censor;
  }

  /** `site` picks the copy site of a plain object (see copyPlain): the same for alike objects. */
  private object(value: object, depth: number, states: PathStates, site: number): unknown {
    if (this.exhausted()) {
      this.changes++;
      return '[Truncated: size limit]';
    }
    if (depth > this.config.maxDepth) {
      this.changes++;
      return `[Truncated: depth limit ${this.config.maxDepth}]`;
    }
    const ancestors = this.ancestors;
    const onPath = this.onPath;
    for (let i = 0; i < onPath; i++) {
      if (ancestors[i] === value) {
        // Stryker disable next-line UpdateOperator: changes is only compared inside a JSON, form or base64 string, whose parsed values hold no cycles
        this.changes++;
        return CIRCULAR;
      }
    }
    ancestors[onPath] = value;
    this.onPath = onPath + 1;
    try {
      if (Array.isArray(value)) return this.array(value, depth, states, site);
      // Fast path for the common case, plain objects (JSON-parsed events, literals). An own
      // `toJSON` shows up among the keys and is honoured there (a lookup here would be a
      // prototype-chain miss on every object).
      const proto = Object.getPrototypeOf(value);
      // Stryker disable next-line LogicalOperator,BlockStatement: a plain object left to the generic path (toJSON check, then key by key) is copied the same; the spread is a fast path
      if (proto === Object.prototype || proto === null) {
        return this.plain(value as Record<string, unknown>, depth, states, site);
      }
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (ArrayBuffer.isView(value)) {
        const name = Buffer.isBuffer(value) ? 'Buffer' : value.constructor.name;
        return `[${name} ${value.byteLength} bytes]`;
      }
      if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
      if (value instanceof Error) return this.error(value, depth, states);
      if (value instanceof Map) return this.map(value, depth, states);
      if (value instanceof Set) return this.array([...value], depth, states, site);
      if (value instanceof RegExp) return String(value);
      if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) {
        return `[${value.constructor.name}]`;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
        return this.viaToJSON(value, depth, states);
      return this.properties(value, Object.keys(value), {}, depth, states);
    } catch {
      // A throwing proxy trap, toJSON or iterator: the value cannot be copied safely.
      // Stryker disable next-line UpdateOperator: changes is only compared inside a JSON, form or base64 string, whose parsed values are never proxies or objects with toJSON
      this.changes++;
      return UNREADABLE;
    } finally {
      this.onPath = onPath;
    }
  }

  /** What JSON.stringify would print for an object with `toJSON`: its result, redacted. */
  private viaToJSON(value: object, depth: number, states: PathStates): unknown {
    const json: unknown = (value as { toJSON: () => unknown }).toJSON();
    if (json === value) return this.properties(value, Object.keys(value), {}, depth, states);
    return this.value(json, depth + 1, states);
  }

  /**
   * A plain object: copied in one native step (`{...value}` keeps the shape, no per-key
   * additions), then only the values that change are written. The copy is what is checked
   * and returned, so a getter is read once. Renamed keys or a size limit rebuild it in order.
   */
  private plain(value: Record<string, unknown>, depth: number, states: PathStates, site: number): unknown {
    let out: Record<string, unknown>;
    try {
      out = copyPlain(value, site);
    } catch {
      // A throwing getter: copy key by key, so only that key is marked.
      return this.properties(value, Object.keys(value), {}, depth, states);
    }
    const keys = Object.keys(out);
    // The copy holds data properties only (the spread read any getter once), so its values come
    // in one builtin call, in the keys' order, instead of a generic keyed load per key.
    const values = Object.values(out);
    const config = this.config;
    let renamed = false;
    // Keys past a size limit are left out (`end`): the copy is then rebuilt with the keys before it.
    let end = keys.length;
    for (let i = 0; i < keys.length; i++) {
      if (this.exhausted()) {
        this.changes++;
        end = i;
        break;
      }
      const key = keys[i]!;
      const child = values[i];
      if (key === 'toJSON' && typeof child === 'function') return this.viaToJSON(value, depth, states);
      const info = config.keyInfo(key);
      const next = states === NO_STATES ? NO_STATES : config.paths!.step(states, key);
      // Stryker disable next-line StringLiteral,BlockStatement: without this shortcut the object goes through child/isolated/value, which decide the same
      if (info === PLAIN_KEY && next !== MATCHED && typeof child === 'object' && child !== null) {
        // A nested object or array under a harmless name: no key rule or path match applies to it
        // as a whole, so straight to the copy (skipping child/isolated/value, which would decide
        // the same in three more calls).
        // Objects under one name are usually alike (every `customer`, every `headers`): the name
        // picks their copy site.
        // Stryker disable next-line ArithmeticOperator: the copy site only affects speed (see copyPlain)
        const childSite = key.length * 7 + key.charCodeAt(0);
        setKey(out, key, this.isolatedObject(child, depth + 1, next, childSite));
        continue;
      }
      // Stryker disable next-line BlockStatement: without the inline case the child goes through child/isolated/value, which decide the same
      if (info === PLAIN_KEY && next === NO_STATES) {
        // The common case inline: a harmless name, no path to follow.
        if (typeof child === 'string') {
          // Stryker disable next-line BlockStatement: isolatedString repeats the same shortcut
          if (settledShort(child, config.shortGate, config.maxStringLength)) {
            this.nodes++;
            this.size += child.length;
            continue;
          }
          const copy = this.isolatedString(child, depth + 1);
          if (copy !== child) setKey(out, key, copy);
          continue;
        }
        if (
          // Stryker disable next-line EqualityOperator,StringLiteral: only primitives and null reach here, and child/isolated/value copy them the same
          typeof child !== 'object' &&
          typeof child !== 'function' &&
          typeof child !== 'bigint' &&
          typeof child !== 'symbol'
          // Stryker disable next-line BlockStatement: a primitive left to child/isolated/value is counted and copied the same
        ) {
          this.nodes++;
          continue;
        }
      }
      if (info.masked !== undefined) renamed = true;
      const copy = this.child(key, info, child, depth, next, out);
      if (copy !== child) setKey(out, key, copy);
    }
    if (!renamed && end === keys.length) return out;
    // An email (or token) used as a key, or a cut: rebuild with the masked names, in order.
    const rebuilt: Record<string, unknown> = {};
    for (let i = 0; i < end; i++) {
      const key = keys[i]!;
      const info = config.keyInfo(key);
      if (info.masked !== undefined) for (const family of info.families) this.count(family);
      setKey(rebuilt, info.masked ?? key, out[key]);
    }
    if (end < keys.length) setKey(rebuilt, '[Truncated]', `${keys.length - end} more keys`);
    return rebuilt;
  }

  private array(items: readonly unknown[], depth: number, states: PathStates, site: number): unknown[] {
    const paths = this.config.paths;
    // Stryker disable next-line ArrayDeclaration: every index up to the end (or the cut) is assigned, so a preallocated array is only faster
    const out: unknown[] = new Array(items.length);
    // Stryker disable next-line ArithmeticOperator: the copy site only affects speed (see copyPlain)
    const itemSite = site + 1;
    for (let i = 0; i < items.length; i++) {
      if (this.exhausted()) {
        this.changes++;
        out.length = i + 1;
        out[i] = `[Truncated: ${items.length - i} more items]`;
        break;
      }
      const item = items[i];
      let next = NO_STATES;
      // Stryker disable next-line LogicalOperator: stepping from NO_STATES gives NO_STATES, so the check is only a fast path
      if (paths !== undefined && states !== NO_STATES) {
        next = paths.step(states, i);
        if (next === MATCHED && item != null) {
          this.countPath();
          out[i] = CENSOR;
          continue;
        }
        if (next === MATCHED) next = NO_STATES;
      }
      out[i] =
        // Stryker disable next-line StringLiteral: isolated/value copy an object item the same way (fast path)
        typeof item === 'object' && item !== null
          ? this.isolatedObject(item, depth + 1, next, itemSite)
          : this.isolated(item, depth, next);
    }
    return out;
  }

  /** An object child (what `isolated` would do for one, in one call). */
  private isolatedObject(child: object, depth: number, states: PathStates, site: number): unknown {
    this.nodes++;
    try {
      return this.object(child, depth, states, site);
      // Stryker disable next-line BlockStatement: unreachable, object() catches everything after its first checks, and those cannot throw
    } catch {
      // Stryker disable next-line UpdateOperator: unreachable (see above)
      this.changes++;
      return UNREADABLE;
    }
  }

  /** A string child, isolated like any other. */
  private isolatedString(s: string, depth: number): string {
    this.nodes++;
    try {
      return this.string(s, depth, NO_STATES);
      // Stryker disable next-line BlockStatement: unreachable, redacting a string runs no caller code
    } catch {
      // Stryker disable next-line UpdateOperator: unreachable (see above)
      this.changes++;
      return UNREADABLE;
    }
  }

  /** One child, so that an exception in it marks only it (never its siblings or parent). */
  private isolated(child: unknown, depth: number, states: PathStates): unknown {
    try {
      return this.value(child, depth + 1, states);
    } catch {
      // Stryker disable next-line UpdateOperator: changes is only compared inside a JSON, form or base64 string, whose parsed values never throw
      this.changes++;
      return UNREADABLE;
    }
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
        // Stryker disable next-line UpdateOperator: changes is only compared inside a JSON, form or base64 string, whose parsed values are plain objects, never copied key by key here
        this.changes++;
        setKey(out, '[Truncated]', `${keys.length - i} more keys`);
        break;
      }
      const key = keys[i]!;
      let child: unknown;
      try {
        child = record[key];
      } catch {
        // Stryker disable next-line UpdateOperator: changes is only compared inside a JSON, form or base64 string, whose parsed values have no getters
        this.changes++;
        setKey(out, key, UNREADABLE);
        continue;
      }
      this.entry(out, key, child, depth, states, record);
    }
    return out;
  }

  private entry(
    out: Record<string, unknown>,
    key: string,
    child: unknown,
    depth: number,
    states: PathStates,
    parent?: Record<string, unknown>,
  ): void {
    const info = this.config.keyInfo(key);
    let outKey = key;
    if (info.masked !== undefined) {
      outKey = info.masked;
      for (const family of info.families) this.count(family);
    }
    const next = states === NO_STATES ? NO_STATES : this.config.paths!.step(states, key);
    setKey(out, outKey, this.child(key, info, child, depth, next, parent));
  }

  /**
   * The redacted value of one property: path rules (`next` is the path states after its key, or
   * MATCHED), key rules, then the value itself.
   */
  private child(
    key: string,
    info: KeyInfo,
    child: unknown,
    depth: number,
    next: PathStates,
    parent?: Record<string, unknown>,
  ): unknown {
    const config = this.config;
    let childStates = next;
    if (next === MATCHED) {
      // A path is an explicit request: censor whatever is there (only absent values stay absent).
      if (child != null) {
        this.countPath();
        return CENSOR;
      }
      childStates = NO_STATES;
    }
    if (info.kind !== 0 && censorable(info.kind, child)) {
      const censored = this.censorByKey(info.kind, child);
      if (censored !== undefined) return censored;
    }
    if (typeof child === 'string' && info.base64Field && config.parseEncoded) {
      // API Gateway / ALB / Function URL bodies say they are base64; record data does not.
      const flagged =
        key === 'body' && parent !== undefined && readSafely(parent, 'isBase64Encoded') === true;
      const text = flagged ? decodeBase64Text(child) : decodeBase64Record(child);
      if (text !== undefined) return this.base64(child, text, depth + 1, childStates);
    }
    return this.isolated(child, depth, childStates);
  }

  /**
   * Base64 text: redact the decoded text, re-encode if anything changed. Otherwise the original
   * is kept, after the detectors have seen it as it is (a token can itself be base64 of JSON,
   * like Cloudflare's tunnel tokens).
   */
  private base64(original: string, text: string, depth: number, states: PathStates): string {
    this.nodes++;
    const before = this.changes;
    const redacted = this.string(text, depth, states);
    if (this.changes === before) return this.truncate(this.detect(original), 0);
    this.size -= redacted.length;
    return this.truncate(Buffer.from(redacted, 'utf8').toString('base64'), 0);
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
        const rest = this.isolated(stack.slice(header.length), depth, NO_STATES);
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
        // Stryker disable next-line UpdateOperator: changes is only compared inside a JSON, form or base64 string, whose parsed values are never Maps
        this.changes++;
        setKey(out, '[Truncated]', 'more entries');
        break;
      }
      // Stryker disable next-line StringLiteral: String() of a string is the string
      this.entry(out, typeof key === 'string' ? key : String(key), child, depth, states);
    }
    return out;
  }
}

/**
 * `{ ...value }`, at one of 16 identical spread sites picked by `site` (from the name the object
 * is found under, or its depth). V8 caches a spread per site and shape; one site that sees every
 * shape of an event (headers, requestContext, body items, ...) goes megamorphic and takes a generic
 * path about four times slower. The site only affects speed: what is copied is the spread's own
 * reading of `value`, and the walker reads the keys from the copy.
 */
function copyPlain(value: Record<string, unknown>, site: number): Record<string, unknown> {
  // Stryker disable ConditionalExpression: the 16 cases are identical; which one runs only affects speed
  switch (site & 15) {
    case 0:
      return { ...value };
    case 1:
      return { ...value };
    case 2:
      return { ...value };
    case 3:
      return { ...value };
    case 4:
      return { ...value };
    case 5:
      return { ...value };
    case 6:
      return { ...value };
    case 7:
      return { ...value };
    case 8:
      return { ...value };
    case 9:
      return { ...value };
    case 10:
      return { ...value };
    case 11:
      return { ...value };
    case 12:
      return { ...value };
    case 13:
      return { ...value };
    case 14:
      return { ...value };
    default:
      return { ...value };
  }
  // Stryker restore ConditionalExpression
}

function countGroup(candidates: readonly Detector[], group: Detector): number {
  let count = 0;
  for (const candidate of candidates) if (candidate.group === group) count++;
  return count;
}

function readSafely(record: Record<string, unknown>, key: string): unknown {
  try {
    return record[key];
  } catch {
    return UNREADABLE;
  }
}
