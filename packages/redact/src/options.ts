import { SentinelConfigError } from '@lambda-sentinel/core';
import { PII_FAMILIES, type PiiFamily, type PiiMode } from './pii-detectors.ts';
import { SECRET_DETECTOR_FAMILIES, type SecretDetectorFamily } from './secret-detectors.ts';

/** Options of {@link createRedactor}: extra keys and paths, detector and PII choices, limits. All optional. */
export interface RedactorOptions {
  /** Extra secret key names, matched by word in any case/separator style (`'ssn'`, `'sessionKey'`), or RegExps tested on the raw key. */
  keys?: ReadonlyArray<string | RegExp>;
  /** Keys never censored by key rules (`'tokenBucket'`), whole-name word match, or RegExps. Detectors still scan their values. */
  allowKeys?: ReadonlyArray<string | RegExp>;
  /** Paths whose value is censored: `'headers.Authorization'`, `'Records[*].body.card'`, `'**.ssn'`. Case-sensitive. */
  paths?: readonly string[];
  /** Secret value detectors: `false` turns all off, or `{ jwt: false, ... }` turns some off. Default all on. */
  detectors?: boolean | Partial<Record<SecretDetectorFamily, boolean>>;
  /**
   * Personal data: `false` turns all off, or per family `'mask' | 'hash' | false`. Default: `email`,
   * `card`, `iban` and `ssn` masked; `phone`, `ip` and `name` (person names under name keys) off.
   */
  pii?: false | Partial<Record<PiiFamily, PiiMode>>;
  /** Key for `'hash'` mode (HMAC-SHA256). Default: random per process. Set it to correlate across processes. */
  hashKey?: string;
  /** Parse JSON, URL-encoded forms and base64 bodies held in strings and redact inside. Default true. */
  parseEncoded?: boolean;
  /** Objects nested deeper are replaced by a marker. Default 20. */
  maxDepth?: number;
  /** Longer strings are cut (after redaction) with a marker saying how much. Default 8192. */
  maxStringLength?: number;
  /** At most this many values are copied; the rest is replaced by a marker. Default 20000. */
  maxNodes?: number;
  /** At most this many characters of strings are copied; the rest is replaced by a marker. Default 262144. */
  maxTotalSize?: number;
}

export interface ResolvedOptions {
  readonly keys: ReadonlyArray<string | RegExp>;
  readonly allowKeys: ReadonlyArray<string | RegExp>;
  readonly paths: readonly string[];
  readonly detectors: ReadonlySet<string>;
  readonly pii: Readonly<Record<PiiFamily, PiiMode>>;
  readonly hashKey: string | undefined;
  readonly parseEncoded: boolean;
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxNodes: number;
  readonly maxTotalSize: number;
}

const DEFAULT_PII: Record<PiiFamily, PiiMode> = {
  email: 'mask',
  card: 'mask',
  iban: 'mask',
  ssn: 'mask',
  phone: false,
  ip: false,
  name: false,
};
const KNOWN_OPTIONS = new Set([
  'keys',
  'allowKeys',
  'paths',
  'detectors',
  'pii',
  'hashKey',
  'parseEncoded',
  'maxDepth',
  'maxStringLength',
  'maxNodes',
  'maxTotalSize',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyList(option: string, value: unknown): Array<string | RegExp> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SentinelConfigError(option, 'must be an array of strings or RegExps');
  for (const item of value) {
    if (!(item instanceof RegExp) && (typeof item !== 'string' || item.trim() === '')) {
      throw new SentinelConfigError(
        option,
        `every entry must be a non-empty string or a RegExp, got ${String(item)}`,
      );
    }
  }
  return value;
}

function limit(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SentinelConfigError(option, `must be a positive integer or Infinity, got ${String(value)}`);
  }
  return value;
}

function resolveDetectors(value: unknown): Set<string> {
  if (value === undefined || value === true) return new Set(SECRET_DETECTOR_FAMILIES);
  if (value === false) return new Set();
  if (!isPlainObject(value)) throw new SentinelConfigError('detectors', 'must be a boolean or an object');
  const enabled = new Set<string>(SECRET_DETECTOR_FAMILIES);
  for (const [name, on] of Object.entries(value)) {
    if (!(SECRET_DETECTOR_FAMILIES as readonly string[]).includes(name)) {
      throw new SentinelConfigError(
        'detectors',
        `unknown detector "${name}" (known: ${SECRET_DETECTOR_FAMILIES.join(', ')})`,
      );
    }
    if (typeof on !== 'boolean')
      throw new SentinelConfigError('detectors', `"${name}" must be true or false`);
    if (!on) enabled.delete(name);
  }
  return enabled;
}

function resolvePii(value: unknown): Record<PiiFamily, PiiMode> {
  if (value === undefined) return { ...DEFAULT_PII };
  if (value === false)
    return Object.fromEntries(PII_FAMILIES.map((f) => [f, false])) as Record<PiiFamily, PiiMode>;
  if (!isPlainObject(value)) throw new SentinelConfigError('pii', 'must be false or an object');
  const modes = { ...DEFAULT_PII };
  for (const [name, mode] of Object.entries(value)) {
    if (!(PII_FAMILIES as readonly string[]).includes(name)) {
      throw new SentinelConfigError('pii', `unknown family "${name}" (known: ${PII_FAMILIES.join(', ')})`);
    }
    if (mode !== 'mask' && mode !== 'hash' && mode !== false) {
      throw new SentinelConfigError('pii', `"${name}" must be 'mask', 'hash' or false`);
    }
    modes[name as PiiFamily] = mode;
  }
  return modes;
}

/** Validate options at construction (rule 5): a bad option throws SentinelConfigError naming it. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined || options === null) options = {};
  if (!isPlainObject(options)) throw new SentinelConfigError('options', 'must be an object');
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) throw new SentinelConfigError(name, 'is not a redactor option');
  }
  const { paths, hashKey, parseEncoded } = options;
  if (paths !== undefined && !Array.isArray(paths))
    throw new SentinelConfigError('paths', 'must be an array of strings');
  if (hashKey !== undefined && (typeof hashKey !== 'string' || hashKey.length < 16)) {
    throw new SentinelConfigError('hashKey', 'must be a string of at least 16 characters');
  }
  if (parseEncoded !== undefined && typeof parseEncoded !== 'boolean') {
    throw new SentinelConfigError('parseEncoded', 'must be a boolean');
  }
  return {
    keys: keyList('keys', options.keys),
    allowKeys: keyList('allowKeys', options.allowKeys),
    paths: (paths as string[] | undefined) ?? [],
    detectors: resolveDetectors(options.detectors),
    pii: resolvePii(options.pii),
    hashKey: hashKey as string | undefined,
    parseEncoded: parseEncoded ?? true,
    maxDepth: limit('maxDepth', options.maxDepth, 20),
    maxStringLength: limit('maxStringLength', options.maxStringLength, 8192),
    maxNodes: limit('maxNodes', options.maxNodes, 20_000),
    maxTotalSize: limit('maxTotalSize', options.maxTotalSize, 262_144),
  };
}
