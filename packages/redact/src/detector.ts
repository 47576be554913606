/**
 * A value detector finds one kind of secret inside any string and masks only
 * that part. Detectors never scan on their own: the prefilter (prefilter.ts)
 * reads each string once and hands a detector only the strings that contain
 * one of its keywords or text features, so a string with none costs no regex.
 */
export interface Detector {
  /** The family counted and shown in the marker (`[REDACTED:<family>]`). */
  readonly family: string;
  /** Lower-case substrings of which every hit contains one (matched case-insensitively, look-alikes folded). */
  readonly keywords: readonly string[];
  /** Text features (FEATURE_* bits) that also make the detector a candidate, for formats with no keyword. */
  readonly features: number;
  /**
   * For detectors that can match a string shorter than SHORT_STRING: characters one of which such
   * a match always contains (`'=:'` for pairs, `'@%'` for emails), or `''` when there are none
   * (phone numbers). Absent: the detector never matches a short string.
   */
  readonly short?: string;
  /**
   * A detector doing the work of every detector that shares it, in one pass: used instead of
   * them when many are candidates for the same string (see GROUP_AT).
   */
  readonly group?: Detector;
  /**
   * Return `s` with every hit masked; call `hit()` once per masked occurrence
   * (with a family when it differs from `family`, as the pair parser's PII names do).
   */
  readonly mask: (s: string, hit: (family?: string) => void) => string;
}

/** At least 8 ASCII digits in the string (phones, IBANs, SSNs). */
export const FEATURE_DIGITS_8 = 1;
/** 13+ digits in a row, single spaces or dashes allowed between groups (card numbers). */
export const FEATURE_CARD_RUN = 2;
/** A run of 40+ token characters `[A-Za-z0-9+/_-]` (bare AWS secret keys, Azure storage keys). */
export const FEATURE_RUN_40 = 4;
/** A run of 23+ token characters ended by a dot (Discord bot tokens). */
export const FEATURE_RUN_DOT = 8;
/** Two upper-case letters followed by two digits (an IBAN's country code and check digits). */
export const FEATURE_IBAN_START = 16;

/** From this many candidates sharing a group, the group's single pass replaces theirs. */
export const GROUP_AT = 6;

/** Strings shorter than this are only scanned when a detector with `short` characters may match. */
export const SHORT_STRING = 11;

/** Inline marker for a masked part of a longer string. Consumers must not depend on its exact text. */
export const marker = (family: string): string => `[REDACTED:${family}]`;

/** Marker for a whole value censored by a key or path rule. */
export const CENSOR = '[REDACTED]';

export const isMarked = (s: string): boolean => s.startsWith('[REDACTED');

/**
 * Regex look-behind: not glued to a preceding character of the token's own
 * alphabet, except that an escape like \\n (JSON-encoded text) does not count.
 * Besides precision this keeps every pattern linear: inside a run of the
 * token's alphabet only the run's first character can start a match, so a
 * hostile run is scanned once, not once per position.
 */
export const START = (alphabet: string): string => `(?<!(?<!\\\\)[${alphabet}])`;

/**
 * Build a detector from one global regex. With `keepFirstGroup`, the first
 * capture group (a URL's host and path, a scheme word) stays readable and only
 * the rest is masked. `accept` may decline a match (a checksum, a composition rule).
 */
export function regexDetector(spec: {
  family: string;
  keywords: readonly string[];
  features?: number;
  /** The global regex, or its source: compiled on first use (most formats never meet a string, and cold start counts). */
  pattern: RegExp | string;
  keepFirstGroup?: boolean;
  accept?: (match: string) => boolean;
  short?: string;
}): Detector {
  const { family, keepFirstGroup = false, accept } = spec;
  const masked = marker(family);
  let pattern = spec.pattern;
  return {
    family,
    keywords: spec.keywords,
    features: spec.features ?? 0,
    ...(spec.short !== undefined ? { short: spec.short } : {}),
    mask(s, hit) {
      if (typeof pattern === 'string') pattern = new RegExp(pattern, 'g');
      pattern.lastIndex = 0;
      return s.replace(pattern, (match: string, first: unknown) => {
        if (accept !== undefined && !accept(match)) return match;
        hit();
        return keepFirstGroup && typeof first === 'string' ? `${first}${masked}` : masked;
      });
    },
  };
}
