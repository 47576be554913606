/**
 * `name=value` and `name: value` pairs in text: query strings, forms,
 * connection strings (`Password=…;`), JSON and YAML fragments in messages
 * (`"token":"…"`, `DB_PASSWORD: "…"`), Go and Ruby literals (`:=`, `=>`),
 * headers (`Authorization: Token …`) and log prose (`login failed: password = …`).
 * The value is masked when the NAME is secret by the key rules, so text and
 * objects never disagree.
 *
 * A hand-written scanner rather than a regex, so it is linear by construction:
 * it visits every separator once, looks back over the name (stopping at the
 * previous separator or masked value) and forward over the value, and resumes
 * after a masked value. No recursion: a pair inside a harmless pair's value
 * (`request failed: password=…`) is simply the next separator.
 */
import { type Detector, isMarked, marker } from './detector.ts';
import {
  KEY_NAME,
  KEY_SECRET,
  KEY_SECRET_NUMERIC,
  KEY_SSN,
  type KeyKind,
  type KeyMatcher,
} from './key-rules.ts';

const EQUALS = 61;
const COLON = 58;
const SLASH = 47;
const BACKSLASH = 92;
const MAX_NAME = 128;
const MAX_GAP = 3;

/** Auth schemes: the word stays readable, the credential after it is masked. */
const MASK_AFTER_SCHEME = new Set([
  'bearer',
  'basic',
  'token',
  'bot',
  'ssws',
  'apikey',
  'api-key',
  'api-token',
  'apitoken',
  'key',
  'negotiate',
  'ntlm',
  'splunk',
  'geniekey',
  'dpop',
  'jwt',
  'oauth',
]);
/** Schemes whose credential is a list of pairs (`Signature=…`), left to the pairs themselves. */
const PAIRS_AFTER_SCHEME = new Set(['aws4-hmac-sha256', 'sharedaccesssignature', 'digest', 'hmac']);

/** Values a credential name holds that are not credentials: flags, empties, numbers, dates, ARNs. */
const NOT_A_SECRET = /^(?:true|false|null|nil|none|undefined|yes|no|on|off|\*+|x+|\.\.\.)$/i;
const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Values a name the key rules flag may hold without a secret in them: flags, empties, masked
 * values; numbers, dates and ARNs under a credential name (`token=3600`); for `ssn`, no digit.
 */
export function keepInText(kind: KeyKind, value: string): boolean {
  if (value === '' || isMarked(value) || NOT_A_SECRET.test(value)) return true;
  if (kind === KEY_SECRET) return NUMBER.test(value) || DATE.test(value) || value.startsWith('arn:');
  if (kind === KEY_SECRET_NUMERIC) return value.startsWith('arn:');
  if (kind === KEY_SSN) return !/\d/.test(value);
  return false;
}

/** A gap inside one line: space, tab, and the no-break space that copied text often carries. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0;
}

function isWhitespace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000;
}

/** Characters of a name: `[A-Za-z0-9_.%[\]-]`, and non-ASCII letters (look-alikes are folded by the key rules). */
function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 45 ||
    c === 46 ||
    c === 37 ||
    c === 91 ||
    c === 93 ||
    (c >= 128 && !isWhitespace(c))
  );
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/** Where a name ending just before `end` starts, not reaching back past `floor`; -1 if none. */
function nameStart(s: string, end: number, floor: number): number {
  let i = end;
  const limit = Math.max(floor, end - MAX_NAME);
  while (i > limit && isNameChar(s.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * `<base64>=` followed by a delimiter is a padded token (`…Pw== in`, `…YQ=,`), not `name=`: a
 * long run of letters and digits in both cases, with no word separator, is not a name.
 */
function paddedToken(name: string, next: number): boolean {
  if (
    name.length < 16 ||
    !(Number.isNaN(next) || isWhitespace(next) || next === 44 || next === 59 || isQuote(next))
  )
    return false;
  return /^[A-Za-z0-9+/]+$/.test(name) && /[0-9]/.test(name) && /[a-z]/.test(name) && /[A-Z]/.test(name);
}

/** The smallest of three positions, ignoring -1 (not found); -1 when all are. */
function firstOf(a: number, b: number, c: number): number {
  let min = a;
  // Stryker disable next-line EqualityOperator: b and min are positions of different characters ('=', ':'), never equal, so < and <= choose alike
  if (b !== -1 && (min === -1 || b < min)) min = b;
  if (c !== -1 && (min === -1 || c < min)) min = c;
  return min;
}

function hasLetter(s: string): boolean {
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, which is no letter
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if ((c >= 97 && c <= 122) || c >= 128) return true;
  }
  return false;
}

function decodeName(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Does a `name=`/`name:` start at `i` (after up to MAX_GAP spaces)? Bounded look-ahead. */
function pairFollows(s: string, i: number): boolean {
  let j = i;
  const n = s.length;
  // Stryker disable next-line EqualityOperator,UpdateOperator: the only caller passes a position whose character is no whitespace, so this gap is never skipped and its bounds and steps are never reached
  for (let gap = 0; j < n && isSpace(s.charCodeAt(j)) && gap < MAX_GAP; gap++) j++;
  const start = j;
  while (j < n && j - start < MAX_NAME && isNameChar(s.charCodeAt(j))) j++;
  if (j === start) return false;
  for (let gap = 0; j < n && isSpace(s.charCodeAt(j)) && gap < MAX_GAP; gap++) j++;
  const c = s.charCodeAt(j);
  return c === EQUALS || c === COLON;
}

/** Is position `i` the end of a quoted or bracketed context (followed by a delimiter or the end)? */
function closesContext(s: string, i: number): boolean {
  if (i >= s.length) return true;
  const c = s.charCodeAt(i);
  return (
    isWhitespace(c) ||
    c === 44 || // ,
    c === 59 || // ;
    c === 58 || // :
    c === 41 || // )
    c === 93 || // ]
    c === 125 || // }
    c === 62 || // >
    c === 38 || // &
    isQuote(c) ||
    (c === BACKSLASH && (s.charCodeAt(i + 1) === 34 || s.charCodeAt(i + 1) === 110))
  );
}

/**
 * End of an unquoted value starting at `start`: whitespace, `&`, a JSON escape (`\n`, `\"`),
 * a closing tag, or `;` `,` `"` `'` `)` `]` `}` when they close the value (a next pair, a
 * delimiter or the end follows). Anything else is part of the value, so `pa;ss,wo"rd` is
 * masked whole.
 */
function unquotedEnd(s: string, start: number): number {
  const n = s.length;
  let i = start;
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, which ends nothing; an end of n + 1 slices, resumes and scans alike
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isWhitespace(c) || c === 38) break;
    if (c === BACKSLASH) {
      const next = s.charCodeAt(i + 1);
      if (next === 110 || next === 114 || next === 116 || next === 34 || next === BACKSLASH) break;
    } else if (c === 59 || c === 44) {
      if (i + 1 >= n || isWhitespace(s.charCodeAt(i + 1)) || pairFollows(s, i + 1)) break;
    } else if (isQuote(c) || c === 41 || c === 93 || c === 125 || c === 62) {
      if (closesContext(s, i + 1)) break;
    } else if (c === 60 && s.charCodeAt(i + 1) === SLASH) {
      break;
    }
  }
  return i;
}

/** End of a quoted value whose opening quote `quote` ends at `start` (escapes skipped); the line end if unclosed. */
function quotedEnd(s: string, start: number, quote: string): number {
  const n = s.length;
  const escaped = quote.length === 2; // \" inside JSON-encoded text
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, which closes nothing, and the text's end is returned anyway
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    if (escaped) {
      if (c === BACKSLASH && s.charCodeAt(i + 1) === 34) return i;
      if (c === BACKSLASH && s.charCodeAt(i + 1) === 110) return i; // \n
    } else if (c === BACKSLASH) {
      i++;
    } else if (c === quote.charCodeAt(0)) {
      return i;
    }
  }
  return n;
}

export interface PairOptions {
  /** Family to count and mark for personal data found by name (only when that PII family is on). */
  readonly ssnFamily: string | undefined;
  readonly nameFamily: string | undefined;
}

/**
 * The `secret-param` detector: masks values of secret names in text, and the
 * values of `ssn` / person-name names when those PII families are on.
 */
export function pairDetector(keyKind: KeyMatcher, options: PairOptions): Detector {
  const family = 'secret-param';
  const secretMarker = marker(family);

  const classify = (name: string, before: string | undefined): KeyKind => {
    const kind = keyKind(decodeName(name));
    if (kind !== 0 || before === undefined || !keyKind.phraseTails.has(name.toLowerCase())) return kind;
    // Two-word names in prose (`API key: …`, `access code = …`): only when the phrase needs the last
    // word. In `token a=b` the name is `a`; `token` is a word of the sentence before it.
    if (keyKind(decodeName(before)) !== 0) return 0;
    return keyKind(`${decodeName(before)} ${decodeName(name)}`);
  };

  const familyOf = (kind: KeyKind): string | undefined =>
    kind === KEY_SSN ? options.ssnFamily : kind === KEY_NAME ? options.nameFamily : family;

  const mask = (s: string, hit: (family: string) => void): string => {
    const n = s.length;
    const out: string[] = [];
    let last = 0; // everything before `last` has been copied to `out` (or masked)
    let floor = 0; // names never reach back past a masked value or a marker
    // The next '=', ':' and marker at or after `i`, each found by a native search that resumes
    // where it stopped: every character is searched at most once per kind (linear).
    let nextEquals = s.indexOf('=');
    let nextColon = s.indexOf(':');
    let nextMarker = s.indexOf('[REDACTED');
    let i = 0;
    for (;;) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: searching again from i (when -1, or when not behind i) finds the same position: speed only
      if (nextEquals !== -1 && nextEquals < i) nextEquals = s.indexOf('=', i);
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: searching again from i (when -1, or when not behind i) finds the same position: speed only
      if (nextColon !== -1 && nextColon < i) nextColon = s.indexOf(':', i);
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: searching again from i (when -1, or when not behind i) finds the same position: speed only
      if (nextMarker !== -1 && nextMarker < i) nextMarker = s.indexOf('[REDACTED', i);
      i = firstOf(nextEquals, nextColon, nextMarker);
      if (i === -1) break;
      const c = s.charCodeAt(i);
      if (c === 91) {
        // Another detector's marker (`[REDACTED:jwt]`) is opaque: step over it.
        const close = s.indexOf(']', i);
        if (close < 0) {
          // No `]` closes it, so it is text, not a marker (and so is any later `[REDACTED`).
          nextMarker = -1;
          continue;
        }
        i = close + 1;
        floor = i;
        continue;
      }
      // `scheme://`, `::` (IPv6, C++), `==` (base64 padding, comparisons) are not pair separators.
      if (c === COLON && s.charCodeAt(i + 1) === SLASH && s.charCodeAt(i + 2) === SLASH) {
        i += 3;
        continue;
      }
      let valueFrom = i + 1;
      const second = s.charCodeAt(valueFrom);
      // `==` is base64 padding or a comparison, not an assignment.
      if (c === EQUALS && second === EQUALS) {
        i += 2;
        continue;
      }
      if (second === EQUALS || second === 62 /* > */) valueFrom++; // := =>

      // The name, looking back over spaces and an optional closing quote.
      let nameEnd = i;
      for (let gap = 0; nameEnd > floor && isSpace(s.charCodeAt(nameEnd - 1)) && gap < MAX_GAP; gap++)
        nameEnd--;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: at or below floor the name is empty anyway (nameStart never reaches below floor)
      if (nameEnd > floor && isQuote(s.charCodeAt(nameEnd - 1))) {
        nameEnd--;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: at or below floor the name is empty anyway (nameStart never reaches below floor)
        if (nameEnd > floor && s.charCodeAt(nameEnd - 1) === BACKSLASH) nameEnd--;
      }
      const start = nameStart(s, nameEnd, floor);
      const name = s.slice(start, nameEnd);
      if (
        name === '' ||
        !hasLetter(decodeName(name)) ||
        (c === EQUALS && paddedToken(name, s.charCodeAt(i + 1)))
      ) {
        i = valueFrom;
        continue;
      }
      // `arn:aws:…:secret:name` is one identifier, not pairs: step over it, and at least past this
      // colon (in `"arn": …` or `arn : …` the identifier ends before it: scanning on from there
      // would find this colon again, forever).
      if (c === COLON && name === 'arn') {
        i = Math.max(unquotedEnd(s, start), valueFrom);
        continue;
      }
      let before: string | undefined;
      if (start - 1 > floor && s.charCodeAt(start - 1) === 32) {
        const prevStart = nameStart(s, start - 1, floor);
        if (prevStart < start - 1) before = s.slice(prevStart, start - 1);
      }
      const kind = classify(name, before);
      const maskFamily = kind === 0 ? undefined : familyOf(kind);
      if (maskFamily === undefined) {
        i = valueFrom;
        continue;
      }

      // The value: skip spaces, then quoted or unquoted.
      let v = valueFrom;
      for (let gap = 0; v < n && isSpace(s.charCodeAt(v)) && gap < MAX_GAP; gap++) v++;
      let quote = '';
      const first = s.charCodeAt(v);
      if (isQuote(first)) quote = s[v]!;
      else if (first === BACKSLASH && s.charCodeAt(v + 1) === 34) quote = '\\"';
      const valueStart = v + quote.length;
      let valueEnd = quote ? quotedEnd(s, valueStart, quote) : unquotedEnd(s, valueStart);
      let maskStart = valueStart;

      // An auth scheme word first (`Token abc`, `AWS4-HMAC-SHA256 Credential=…`)?
      // (Looked for within the first 25 characters only: an unbounded search per pair would be quadratic.)
      let headEnd = valueStart;
      const headLimit = Math.min(valueEnd, valueStart + 25);
      while (headEnd < headLimit && s.charCodeAt(headEnd) !== 32) headEnd++;
      const scheme =
        // Stryker disable next-line EqualityOperator: no scheme word has 24 or 25 characters (the longest has 21), so the length bound only saves a lookup
        kind !== KEY_SSN && kind !== KEY_NAME && headEnd - valueStart <= 24
          ? s.slice(valueStart, headEnd).toLowerCase()
          : // Stryker disable next-line StringLiteral: any non-scheme word here reads the same: no scheme set holds it
            '';
      if (!quote && PAIRS_AFTER_SCHEME.has(scheme)) {
        i = valueEnd;
        continue;
      }
      if (MASK_AFTER_SCHEME.has(scheme)) {
        // `Authorization: Token abc`: keep the scheme word, mask the credential after it.
        const schemeEnd = headEnd;
        let credential = schemeEnd;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: past the end the character is NaN, which is no space
        while (credential < n && isSpace(s.charCodeAt(credential))) credential++;
        // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,BlockStatement: without this exit the credential is empty (the scheme word is the whole value, or only spaces follow it) and the next check skips it the same way
        if (credential === schemeEnd || credential >= n) {
          // Stryker disable next-line ConditionalExpression,EqualityOperator: valueEnd >= valueFrom > i always, and the value holds only the scheme word (no separator to find again)
          i = valueEnd > i ? valueEnd : valueFrom;
          continue;
        }
        maskStart = credential;
        if (!quote) valueEnd = unquotedEnd(s, credential);
      }
      const masked = s.slice(maskStart, valueEnd);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty value is kept by keepInText too
      if (maskStart >= valueEnd || keepInText(kind, masked)) {
        i = Math.max(valueEnd, valueFrom);
        continue;
      }
      out.push(s.slice(last, maskStart), maskFamily === family ? secretMarker : marker(maskFamily));
      last = valueEnd;
      floor = valueEnd;
      i = valueEnd;
      hit(maskFamily);
    }
    // Stryker disable next-line ConditionalExpression: joining the untouched string alone gives the same string
    if (last === 0) return s;
    out.push(s.slice(last));
    // Pieces joined once: appending to a string per match builds a rope the collector pays for.
    return out.join('');
  };

  return {
    family,
    keywords: keyKind.anyName ? ['=', ':'] : keyKind.stems,
    features: 0,
    // Stryker disable next-line StringLiteral: '' turns the short-string shortcut off, which costs time only (shortcuts.test.ts: the shortcut changes nothing)
    short: '=:',
    // Stryker disable next-line ConditionalExpression,StringLiteral: mask() of a string with no separator returns it unchanged: the check is speed only
    mask: (s, hit) => (s.includes('=') || s.includes(':') ? mask(s, hit) : s),
  };
}
