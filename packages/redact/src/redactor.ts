import type { Detector } from './detector.ts';
import { compileKeyRules } from './key-rules.ts';
import { type RedactorOptions, resolveOptions } from './options.ts';
import { compilePaths, NO_STATES } from './paths.ts';
import { piiDetectors } from './pii-detectors.ts';
import { secretDetectors } from './secret-detectors.ts';
import { type Compiled, type KeyInfo, UNREADABLE, Walk } from './walk.ts';

/** What {@link Redactor.withCounts} returns. */
export interface RedactionResult {
  /** The redacted deep copy. */
  value: unknown;
  /** How many things were redacted, by rule family ('key', 'path', 'jwt', 'email', ...). Never the values. */
  counts: Record<string, number>;
}

/** A compiled redactor, made by {@link createRedactor}: call it on any value. */
export interface Redactor {
  /** A redacted deep copy of `value`. Never mutates it, never throws. */
  (value: unknown): unknown;
  /** The copy plus what was redacted, counted by rule family. */
  withCounts(value: unknown): RedactionResult;
  /** Redact one string (detectors, encoded payloads, length limit). */
  redactString(s: string): string;
}

const KEY_CACHE_LIMIT = 5000;
const NOT_SECRET: KeyInfo = { secret: false, masked: undefined, families: [] };
const SECRET: KeyInfo = { secret: true, masked: undefined, families: [] };

/** Work out, once per distinct property name, whether it is secret and whether the name itself leaks. */
function keyInfoCache(isSecretKey: (key: string) => boolean, detectors: readonly Detector[]) {
  const cache = new Map<string, KeyInfo>();
  return (key: string): KeyInfo => {
    let info = cache.get(key);
    if (info === undefined) {
      const secret = isSecretKey(key);
      let masked = key;
      const families: string[] = [];
      for (const detector of detectors) {
        if (detector.mayContain(masked)) masked = detector.mask(masked, () => families.push(detector.family));
      }
      info = masked === key ? (secret ? SECRET : NOT_SECRET) : { secret, masked, families };
      if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
      cache.set(key, info);
    }
    return info;
  };
}

/**
 * Compile redaction rules once (rule 6) and return the redactor. Bad options
 * throw SentinelConfigError here, never later.
 */
export function createRedactor(options?: RedactorOptions): Redactor {
  const resolved = resolveOptions(options);
  const isSecretKey = compileKeyRules(resolved);
  const detectors = [
    ...secretDetectors(resolved.detectors, isSecretKey),
    ...piiDetectors(resolved.pii, resolved.hashKey),
  ];
  const paths = compilePaths(resolved.paths);
  const config: Compiled = {
    isSecretKey,
    keyInfo: keyInfoCache(isSecretKey, detectors),
    paths,
    detectors,
    detectorNeeds: detectors.reduce((needs, d) => needs | d.needs, 0),
    parseEncoded: resolved.parseEncoded,
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
    if (typeof s !== 'string') return String(redactor(s));
    const out = withCounts(s).value;
    return typeof out === 'string' ? out : UNREADABLE;
  };
  return redactor;
}
