/** A value detector: finds one kind of secret inside any string and masks only that part. */
export interface Detector {
  readonly family: string;
  /** Text features (TEXT_* bits) of which every hit has at least one: most strings are ruled out by one scan. */
  readonly needs: number;
  /** Cheap test (a substring check) so the regex only runs on strings that could match. */
  readonly mayContain: (s: string) => boolean;
  /** Return `s` with every hit masked; call `hit()` once per masked occurrence. */
  readonly mask: (s: string, hit: () => void) => string;
}

/** Inline marker for a masked part of a longer string. Consumers must not depend on its exact text. */
export const marker = (family: string): string => `[REDACTED:${family}]`;

/** Marker for a whole value censored by a key or path rule. */
export const CENSOR = '[REDACTED]';

export const isMarked = (s: string): boolean => s.startsWith('[REDACTED');

/** Build a detector from one global regex and a replacer that may decline (return the match unchanged). */
export function regexDetector(
  family: string,
  needs: number,
  mayContain: (s: string) => boolean,
  pattern: RegExp,
  replace: (match: string, groups: string[]) => string,
): Detector {
  return {
    family,
    needs,
    mayContain,
    mask(s, hit) {
      pattern.lastIndex = 0;
      return s.replace(pattern, (match: string, ...rest: unknown[]) => {
        // rest = [...capture groups, offset, whole string] (no named groups are used).
        const groups = rest.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
        const replaced = replace(match, groups);
        if (replaced !== match) hit();
        return replaced;
      });
    },
  };
}

/** Regex lookbehind: not glued to a preceding word char, except that an escape like \\n (JSON-encoded text) does not count. */
export const START = (wordChars: string): string => `(?<!(?<!\\\\)[${wordChars}])`;

export const TEXT_DIGITS_8 = 1;
export const TEXT_DIGITS_13 = 2;
export const TEXT_AT = 4; // @
export const TEXT_PERCENT = 8; // %40
export const TEXT_PAIR = 16; // = or :
export const TEXT_SCHEME = 32; // :/
export const TEXT_UNDERSCORE = 64; // gh*_, github_pat_
export const TEXT_J = 128; // eyJ
export const TEXT_I = 256; // AKIA, ASIA
export const TEXT_K = 512; // PRIVATE KEY
export const TEXT_B = 1024; // bearer, basic
export const TEXT_X = 2048; // xox
export const TEXT_DOT = 4096; // IPv4

/**
 * One pass over the characters that tell which detectors could fire at all.
 * Cheaper than a dozen substring searches or one big alternation regex, and
 * zero for most identifiers, dates and sentences.
 */
export function textFeatures(s: string): number {
  let features = 0;
  let digits = 0;
  // Digits in a run where single spaces or dashes may separate groups (4111 1111-…), as cards are
  // written; a date like 2024-05-01T12:00:00 breaks the run at the T.
  let run = 0;
  let separated = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (++run >= 13) features |= TEXT_DIGITS_13;
      separated = false;
      continue;
    }
    if ((c === 32 || c === 45) && !separated && run > 0) {
      separated = true;
    } else {
      run = 0;
      separated = false;
    }
    if (c >= 97 && c <= 122) {
      if (c === 98) features |= TEXT_B;
      else if (c === 120) features |= TEXT_X;
    } else {
      switch (c) {
        case 64:
          features |= TEXT_AT;
          break;
        case 37:
          features |= TEXT_PERCENT;
          break;
        case 61:
          features |= TEXT_PAIR;
          break;
        case 58:
          features |= s.charCodeAt(i + 1) === 47 ? TEXT_PAIR | TEXT_SCHEME : TEXT_PAIR;
          break;
        case 95:
          features |= TEXT_UNDERSCORE;
          break;
        case 46:
          features |= TEXT_DOT;
          break;
        case 74:
          features |= TEXT_J;
          break;
        case 73:
          features |= TEXT_I;
          break;
        case 75:
          features |= TEXT_K;
          break;
        case 66:
          features |= TEXT_B;
          break;
      }
    }
  }
  if (digits >= 8) features |= TEXT_DIGITS_8;
  return features;
}
