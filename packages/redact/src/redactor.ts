import { BenignCache } from './benign-cache.ts';
import type { Detector } from './detector.ts';
import { BASE64_FIELDS } from './encoded.ts';
import { compileKeyRules, type KeyMatcher } from './key-rules.ts';
import { type RedactorOptions, type ResolvedOptions, resolveOptions } from './options.ts';
import { compilePaths, NO_STATES } from './paths.ts';
import { type PiiReplacer, piiDetectors, piiReplacer } from './pii-detectors.ts';
import { compilePrefilter, type Prefilter, shortStringGate } from './prefilter.ts';
import { secretDetectors } from './secret-detectors.ts';
import {
  type Compiled,
  GATE_ANYWHERE,
  GATE_FIRST,
  type KeyInfo,
  PLAIN_KEY,
  UNREADABLE,
  Walk,
} from './walk.ts';

/** What {@link Redactor.withCounts} returns. */
export interface RedactionResult {
  /** The redacted copy. */
  value: unknown;
  /** How many things were redacted, by rule family ('key', 'path', 'jwt', 'email', ...). Never the values. */
  counts: Record<string, number>;
}

/** A compiled redactor, made by {@link createRedactor}: call it on any value. */
export interface Redactor {
  /** A redacted copy of `value`. Never mutates it, never throws. */
  (value: unknown): unknown;
  /** The copy plus what was redacted, counted by rule family. */
  withCounts(value: unknown): RedactionResult;
  /** Redact one string (detectors, encoded payloads, length limit). */
  redactString(s: string): string;
}

const KEY_CACHE_LIMIT = 5000;

/** Work out, once per distinct property name, what the rules say and whether the name itself leaks. */
function keyInfoCache(keyKind: KeyMatcher, prefilter: Prefilter | undefined) {
  const cache = new Map<string, KeyInfo>();
  const plain: KeyInfo[] = [0, 1, 2, 3, 4].flatMap((kind) => [
    kind === 0 ? PLAIN_KEY : { kind, masked: undefined, families: [], base64Field: false },
    { kind, masked: undefined, families: [], base64Field: true },
  ]) as KeyInfo[];
  return (key: string): KeyInfo => {
    let info = cache.get(key);
    if (info === undefined) {
      const kind = keyKind(key);
      const base64Field = BASE64_FIELDS.has(key.toLowerCase());
      let masked = key;
      const families: string[] = [];
      for (const detector of prefilter?.candidates(key) ?? []) {
        masked = (detector as Detector).mask(masked, (family) => families.push(family ?? detector.family));
      }
      info =
        masked === key ? plain[kind * 2 + (base64Field ? 1 : 0)]! : { kind, masked, families, base64Field };
      // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: when (or whether) the cache is emptied only bounds memory; a name is worked out again the same
      if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
      // Stryker disable next-line CallExpression: not caching a name only means working it out again (speed only)
      cache.set(key, info);
    }
    return info;
  };
}

/**
 * The walk's gate for short strings (see settledShort in walk.ts): the detectors' short characters
 * anywhere, plus, when encoded payloads are decoded, `=` and `&` anywhere (a form needs both) and
 * a JSON start or whitespace first. Undefined when some detector can match a short string of any
 * characters (phone numbers).
 */
// Stryker disable next-line BlockStatement: no gate (undefined) only turns the short-string shortcut off (speed only)
function shortGateFor(detectors: readonly Detector[], parseEncoded: boolean): Uint8Array | undefined {
  const gate = shortStringGate(detectors);
  if (gate === undefined) return undefined;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: shortStringGate marks with 1, which is GATE_ANYWHERE already; writing past the end of a typed array does nothing
  for (let c = 0; c < gate.length; c++) if (gate[c] !== 0) gate[c] = GATE_ANYWHERE;
  if (parseEncoded) {
    // A form needs both `=` and `&`, so either one alone rules short forms out.
    // Stryker disable next-line StringLiteral: the `&` below still rules out every short form
    gate['='.charCodeAt(0)] = GATE_ANYWHERE;
    // Stryker disable next-line StringLiteral: the `=` above still rules out every short form
    gate['&'.charCodeAt(0)] = GATE_ANYWHERE;
    for (const c of '{["') gate[c.charCodeAt(0)]! |= GATE_FIRST;
    for (let c = 0; c <= 32; c++) gate[c]! |= GATE_FIRST;
  }
  return gate;
}

/** Internal switches, for tests that prove a shortcut changes nothing. */
export interface RedactorTuning {
  /** Short strings ruled out by their characters (walk and prefilter). Default true. */
  readonly shortcuts: boolean;
}

/**
 * Compile redaction rules once (rule 6) and return the redactor. Bad options
 * throw SentinelConfigError here, never later.
 */
export function createRedactor(options?: RedactorOptions): Redactor {
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: without the shortcuts the result is the same (shortcuts.test.ts), only slower
  return buildRedactor(options, { shortcuts: true });
}

/** What the detectors, key rules and prefilter compile to: the same for equal options. */
interface Engine {
  readonly keyKind: KeyMatcher;
  readonly detectors: readonly Detector[];
  readonly prefilter: Prefilter | undefined;
  readonly ssnByKey: PiiReplacer | undefined;
  readonly nameByKey: PiiReplacer | undefined;
}

// Every middleware of sentinel() makes its redactor, most with the same options (cold start):
// engines are stateless between calls (the redactor is synchronous), so equal options share one.
// Per process, bounded; options with RegExp keys are compiled each time (no signature).
const engines = new Map<string, Engine>();
const MAX_ENGINES = 16;

function engineSignature(resolved: ResolvedOptions, tuning: RedactorTuning): string | undefined {
  const { keys, allowKeys } = resolved;
  if (keys.some((k) => typeof k !== 'string') || allowKeys.some((k) => typeof k !== 'string')) {
    return undefined;
  }
  return JSON.stringify([
    [...resolved.detectors],
    resolved.pii,
    resolved.hashKey,
    keys,
    allowKeys,
    tuning.shortcuts,
  ]);
}

function compileEngine(resolved: ResolvedOptions, tuning: RedactorTuning): Engine {
  const { pii, hashKey } = resolved;
  const keyKind = compileKeyRules({
    keys: resolved.keys,
    allowKeys: resolved.allowKeys,
    // Stryker disable next-line BooleanLiteral: `!== true` always holds (a mode is 'mask', 'hash' or false), and the key rule of a family that is off finds no replacer, so the value is kept either way
    ssn: pii.ssn !== false,
    // Stryker disable next-line BooleanLiteral: `!== true` always holds (a mode is 'mask', 'hash' or false), and the key rule of a family that is off finds no replacer, so the value is kept either way
    names: pii.name !== false,
  });
  const ssnByKey = pii.ssn ? piiReplacer('ssn', pii.ssn, hashKey) : undefined;
  const nameByKey = pii.name ? piiReplacer('name', pii.name, hashKey) : undefined;
  const detectors = [
    ...secretDetectors(resolved.detectors, keyKind, {
      ssnFamily: ssnByKey ? 'ssn' : undefined,
      nameFamily: nameByKey ? 'name' : undefined,
    }),
    ...piiDetectors(pii, hashKey),
  ];
  const prefilter = detectors.length > 0 ? compilePrefilter(detectors, tuning) : undefined;
  return { keyKind, detectors, prefilter, ssnByKey, nameByKey };
}

function engineFor(resolved: ResolvedOptions, tuning: RedactorTuning): Engine {
  const signature = engineSignature(resolved, tuning);
  if (signature === undefined) return compileEngine(resolved, tuning);
  let engine = engines.get(signature);
  if (engine === undefined) {
    engine = compileEngine(resolved, tuning);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: the per-process cache of engines only saves compiling them again; a compiled engine is the same.
    if (engines.size >= MAX_ENGINES) engines.clear();
    // Stryker disable next-line CallExpression: the per-process cache of engines only saves compiling them again; a compiled engine is the same.
    engines.set(signature, engine);
  }
  return engine;
}

/** {@link createRedactor} with internal switches (not part of the public surface). */
export function buildRedactor(options: RedactorOptions | undefined, tuning: RedactorTuning): Redactor {
  const resolved = resolveOptions(options);
  const { keyKind, detectors, prefilter, ssnByKey, nameByKey } = engineFor(resolved, tuning);
  const paths = compilePaths(resolved.paths);
  const config: Compiled = {
    keyKind,
    keyInfo: keyInfoCache(keyKind, prefilter),
    paths,
    prefilter,
    ssnByKey,
    nameByKey,
    parseEncoded: resolved.parseEncoded,
    benign: new BenignCache(),
    shortGate: tuning.shortcuts ? shortGateFor(detectors, resolved.parseEncoded) : undefined,
    maxDepth: resolved.maxDepth,
    maxStringLength: resolved.maxStringLength,
    maxNodes: resolved.maxNodes,
    maxTotalSize: resolved.maxTotalSize,
  };
  const initialStates = paths?.initial ?? NO_STATES;

  const withCounts = (value: unknown): RedactionResult => {
    const walk = new Walk(config);
    try {
      return { value: walk.value(value, 0, initialStates), counts: walk.counts };
    } catch {
      // Unreachable by design (every risky read is guarded); if it happens anyway, withhold rather than leak.
      return { value: UNREADABLE, counts: walk.counts };
    }
  };

  const redactor = ((value: unknown) => withCounts(value).value) as Redactor;
  redactor.withCounts = withCounts;
  redactor.redactString = (s: string): string => {
    // Stryker disable next-line StringLiteral: String() of the redacted string is that string
    if (typeof s !== 'string') return String(redactor(s));
    const out = withCounts(s).value;
    return typeof out === 'string' ? out : UNREADABLE;
  };
  return redactor;
}
