/**
 * Personal data detectors (GDPR): email addresses, card numbers, IBANs and US
 * social security numbers by default; phone numbers, IP addresses and person
 * names (by key) opt-in. Each can mask or replace the value with a short keyed
 * hash, so equal values stay correlatable in logs without being readable.
 * Precision comes from checksums (Luhn, mod-97) and shapes checked in code,
 * not from looser patterns.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { IBAN_LENGTHS, ibanValid, luhnValid } from './checksums.ts';
import {
  type Detector,
  FEATURE_CARD_RUN,
  FEATURE_DIGITS_8,
  FEATURE_IBAN_START,
  marker,
  START,
} from './detector.ts';

/** Personal data families, in the order they run. */
export const PII_FAMILIES = ['email', 'card', 'iban', 'ssn', 'phone', 'ip', 'name'] as const;
/** A personal data family name. */
export type PiiFamily = (typeof PII_FAMILIES)[number];
/** `'mask'` replaces with `[REDACTED:<family>]`, `'hash'` with a short keyed hash, `false` turns the family off. */
export type PiiMode = 'mask' | 'hash' | false;

// Per-process key: hashes correlate within a process's logs but cannot be
// reversed by brute force over, say, all IPv4 addresses, without the key.
const PROCESS_HASH_KEY = randomBytes(32);

/** How a PII value is replaced: its marker, or its keyed hash in a marker. */
export type PiiReplacer = (value: string) => string;

export function piiReplacer(family: PiiFamily, mode: 'mask' | 'hash', hashKey?: string): PiiReplacer {
  if (mode === 'mask') {
    const masked = marker(family);
    return () => masked;
  }
  const key = hashKey === undefined ? PROCESS_HASH_KEY : Buffer.from(hashKey);
  return (value) =>
    `[REDACTED:${family}:${createHmac('sha256', key).update(value).digest('hex').slice(0, 12)}]`;
}

/** A detector whose replacement depends on the match (its hash), declining with `undefined`. */
function piiDetector(
  family: PiiFamily,
  keywords: readonly string[],
  features: number,
  pattern: RegExp,
  replace: (match: string) => string | undefined,
  short?: string,
): Detector {
  return {
    family,
    keywords,
    features,
    ...(short !== undefined ? { short } : {}),
    mask: (s, hit) => maskMatches(s, pattern, replace, hit),
  };
}

/** `s` with each match of the global `pattern` that `replace` takes replaced, one `hit()` each. */
function maskMatches(
  s: string,
  pattern: RegExp,
  replace: (match: string) => string | undefined,
  hit: () => void,
): string {
  pattern.lastIndex = 0;
  return s.replace(pattern, (match: string) => {
    const out = replace(match);
    if (out === undefined) return match;
    hit();
    return out;
  });
}

// --- Email -------------------------------------------------------------------------------------

// Image and code file names written like addresses (`avatar@2x.png`, `icon@3x.webp`).
const FILE_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'ico',
  'bmp',
  'tif',
  'tiff',
  'avif',
  'js',
  'mjs',
  'cjs',
  'ts',
  'css',
  'map',
  'json',
  'html',
  'htm',
  'txt',
  'pdf',
  'log',
]);

/**
 * A file extension's letters (2–4, ASCII, any case) packed into a number, so a TLD is compared
 * with the extensions in place, without a substring or a lower-case copy per address; -1 when the
 * range is not 2–4 ASCII letters (no extension is anything else).
 */
function letterCode(s: string, from: number, to: number): number {
  const length = to - from;
  // Stryker disable next-line LogicalOperator,UnaryOperator: callers pass only 2–4 letter ranges (a TLD after a dot within 5 of the end; the extension table), so this guard's other outcomes are never reached
  if (length < 2 || length > 4) return -1;
  let code = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) | 32;
    // Stryker disable next-line UnaryOperator: +1 is the code of the single letter `a`, which no extension has: still not found
    if (c < 97 || c > 122) return -1;
    // Stryker disable next-line ArithmeticOperator: the table is built with the same packing; checked exhaustively, every variant keeps all 2–4 letter words apart from the extensions
    code = code * 32 + (c - 96);
  }
  return code;
}
const FILE_EXTENSION_CODES: ReadonlySet<number> = new Set(
  [...FILE_EXTENSIONS].map((extension) => letterCode(extension, 0, extension.length)),
);

const isDigit = (c: number) => c >= 48 && c <= 57;

/** `\d+(?:\.\d+)?x\.` at `from` (a retina image name's `@2x.`, `@1.5x.`), within `end`. */
function retinaAt(s: string, from: number, end: number): boolean {
  let i = from;
  while (isDigit(s.charCodeAt(i))) i++;
  // Stryker disable next-line BooleanLiteral: unreachable, the caller checks that the domain starts with a digit
  if (i === from) return false;
  if (s.charCodeAt(i) === 46 && isDigit(s.charCodeAt(i + 1))) {
    i++;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  return i + 1 < end && s.charCodeAt(i) === 120 && s.charCodeAt(i + 1) === 46;
}

const SES_DOMAIN = 'amazonses.com';

/** Does `s` end at `end` with `amazonses.com`, letters in any case? */
function endsWithSesDomain(s: string, end: number): boolean {
  const from = end - SES_DOMAIN.length;
  // Stryker disable next-line BooleanLiteral: unreachable, the caller only asks when `end - 13 > at >= 0`
  if (from < 0) return false;
  for (let i = 0; i < SES_DOMAIN.length; i++) {
    const want = SES_DOMAIN.charCodeAt(i);
    const c = s.charCodeAt(from + i);
    if (c !== want && !(want >= 97 && want <= 122 && c === want - 32)) return false;
  }
  return true;
}

/**
 * Is the address `s[start, end)` (its `@` or `%40` at `at`, its domain from `domainStart`) a
 * mailbox? Not: retina image names, SES Message-IDs (`<0100…@email.amazonses.com>`), file names.
 * Read in place: an address is checked without copying it.
 */
function mailboxAt(s: string, start: number, at: number, domainStart: number, end: number): boolean {
  // File extensions are 2–4 letters: only those TLDs are looked up.
  const dot = s.lastIndexOf('.', end - 1);
  if (dot >= start && end - dot <= 5 && FILE_EXTENSION_CODES.has(letterCode(s, dot + 1, end))) return false;
  if (isDigit(s.charCodeAt(domainStart)) && retinaAt(s, domainStart, end)) return false;
  if (at - start >= 32 && MESSAGE_ID_LOCAL.test(s.slice(start, at))) return false;
  const ses = end - 13;
  return !(ses > at && (s.charCodeAt(ses) | 32) === 97 && endsWithSesDomain(s, end));
}

function isMailbox(address: string): boolean {
  let at = address.indexOf('@');
  let domainStart = at + 1;
  if (at < 0) {
    at = address.indexOf('%40');
    domainStart = at + 3;
  }
  return mailboxAt(address, 0, at, domainStart, address.length);
}

const MESSAGE_ID_LOCAL = /^[0-9a-f-]+$/i;

// Unicode letters in the local part and the domain (IDN), punycode TLDs (xn--…). The local part
// starts a run (look-behind), labels are separated by dots their class lacks: linear. ASCII text
// (nearly all of it) takes the same pattern without Unicode classes, which V8 runs faster.
const emailPattern = (letter: string, flags: string) =>
  new RegExp(
    `(?<![${letter}._%+-])[${letter}._%+-]+(?:@|%40)` +
      `(?:[${letter}](?:[${letter}-]{0,61}[${letter}])?\\.)+` +
      `(?:${letter === UNICODE_LETTER ? '\\p{L}' : '[A-Za-z]'}{2,63}|xn--[A-Za-z0-9-]{1,58}[A-Za-z0-9])` +
      // `git@github.com:owner/repo` is an scp path, not an address.
      `(?![${letter}-]|:[^\\s])`,
    flags,
  );
const UNICODE_LETTER = '\\p{L}\\p{N}';
let unicodeEmail: RegExp | undefined;
/**
 * The pattern, built on first use: only non-ASCII text and `%40` need it, and building its Unicode
 * classes costs a millisecond of cold start that most functions would never use.
 */
export const emailRegExp = (): RegExp => (unicodeEmail ??= emailPattern(UNICODE_LETTER, 'gu'));

/** Strings the hand scanner below does not handle: non-ASCII, or URL-encoded `%40`. */
function needsPattern(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || (c === 37 && s.charCodeAt(i + 1) === 52 && s.charCodeAt(i + 2) === 48)) return true;
  }
  // Stryker disable next-line BooleanLiteral: sends ASCII text to the pattern, which finds the same addresses (the scanner-equals-pattern property in pii.test.ts): speed only
  return false;
}

// ASCII character classes of addresses as bits in one table: a lookup per character instead of a
// chain of range tests (the scanner's inner loops). Non-ASCII and NaN (read past the end) are
// neither.
const LOCAL = 1; // `[A-Za-z0-9._%+-]`
const LABEL = 2; // `[A-Za-z0-9-]`
const EMAIL_CLASS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (alnum || c === 45) table[c] = LOCAL | LABEL;
    else if (c === 46 || c === 95 || c === 37 || c === 43) table[c] = LOCAL;
  }
  return table;
})();
const isLocal = (c: number) => c < 128 && (EMAIL_CLASS[c]! & LOCAL) !== 0;
const isLabel = (c: number) => c < 128 && (EMAIL_CLASS[c]! & LABEL) !== 0;

/**
 * The same addresses as the pattern, for ASCII text, found from each `@` outwards: the local part
 * to the left (stopping at the previous match or `@`), dot-separated labels to the right, the last
 * label that can be a TLD ending the match. Emails are the most frequent redaction in logs; this is
 * several times cheaper than the regex, and linear (the scans of two `@` never overlap).
 * `replace` gets the address in place (`s`, its start, end and `@`), so declining one or
 * replacing it by a constant marker copies nothing.
 */
export function maskAsciiEmails(
  s: string,
  replace: (s: string, start: number, end: number, at: number) => string | undefined,
  hit: () => void,
): string {
  let out = '';
  let last = 0;
  // Stryker disable next-line StringLiteral: a first pass from index 0 has no local part before it (start < at fails) and the next search starts at 1: changes nothing
  let at = s.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > last && isLocal(s.charCodeAt(start - 1))) start--;
    // Stopped by the previous match rather than a delimiter: glued to it, not an address of its own.
    if (start > 0 && isLocal(s.charCodeAt(start - 1))) start = at;
    // Dot-separated labels after the `@`; the match ends at the last one that can be a TLD.
    let i = at + 1;
    let end = -1;
    // Stryker disable next-line UnaryOperator: dead initial value, `before` is always assigned before `end = before` can run
    let before = -1; // the TLD end before `end`, should `end` turn out to be an scp path
    let labels = 0;
    for (;;) {
      const labelStart = i;
      while (i < s.length && isLabel(s.charCodeAt(i))) i++;
      if (i === labelStart || s.charCodeAt(labelStart) === 45 || s.charCodeAt(i - 1) === 45) break;
      if (++labels >= 2 && isTld(s, labelStart, i)) {
        before = end;
        end = i;
      }
      // Stryker disable next-line ArithmeticOperator: a dot not followed by a label character ends the next label empty, which breaks the loop anyway
      if (s.charCodeAt(i) !== 46 || !isLabel(s.charCodeAt(i + 1))) break;
      i++;
    }
    // `git@github.com:owner/repo` is an scp path, not an address.
    if (end === i && s.charCodeAt(end) === 58 && end + 1 < s.length && !isSpace(s.charCodeAt(end + 1)))
      end = before;
    if (start < at && end !== -1) {
      const replaced = replace(s, start, end, at);
      if (replaced !== undefined) {
        out += start === last ? replaced : s.slice(last, start) + replaced;
        last = end;
        hit();
      }
    }
    at = s.indexOf('@', Math.max(at + 1, last));
  }
  if (last === 0) return s;
  return last === s.length ? out : out + s.slice(last);
}

/** `[A-Za-z]{2,63}` or `xn--` and 2–59 more, between `from` and `to`. */
function isTld(s: string, from: number, to: number): boolean {
  const length = to - from;
  if (length >= 6 && s.startsWith('xn--', from)) return length <= 63;
  if (length < 2 || length > 63) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

// --- Cards -------------------------------------------------------------------------------------

// Card groupings people write: 4-4-4-4(-3), 4-6-4/5 (Amex, Diners, UATP), or no separators at all.
const CARD_GROUPING =
  /^(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{4}\2\d{4}\2\d{4}\2\d{3}|\d{4}([ -])\d{6}\3\d{4,5})$/;

/**
 * Issuer ranges: 2–6 (Mastercard, Mir, Amex, JCB, Diners, Visa, Discover, UnionPay, Maestro)
 * at 13–19 digits, UATP (1…) at exactly 15, RuPay 81/82 at 16. Epoch-millisecond timestamps
 * (13 digits starting 1) and microseconds (16) are therefore never cards.
 */
function isCardNumber(candidate: string): boolean {
  if (!CARD_GROUPING.test(candidate)) return false;
  const digits = candidate.replace(/[ -]/g, '');
  const first = digits.charCodeAt(0) - 48;
  const length = digits.length;
  const issuer =
    (first >= 2 && first <= 6) ||
    (first === 1 && length === 15) ||
    (first === 8 && (digits[1] === '1' || digits[1] === '2') && length === 16);
  return issuer && luhnValid(digits);
}

// --- IBAN --------------------------------------------------------------------------------------

const IBAN_START = /(?<![A-Za-z0-9])([A-Z]{2})[0-9]{2}(?= ?[A-Z0-9])/g;

/**
 * IBANs in electronic (`DE89370400440532013000`) or print form (`DE89 3704 0044 …`): from a
 * country code and check digits, take exactly the country's length (single spaces between
 * groups allowed) and keep it only if mod-97 holds. Hand-scanned: one pass per candidate.
 */
function ibanDetector(replace: (iban: string) => string): Detector {
  return {
    family: 'iban',
    // Stryker disable next-line ArrayDeclaration: an extra keyword only makes the detector a candidate for more strings; the scan and mod-97 decide: speed only
    keywords: [],
    features: FEATURE_IBAN_START,
    mask(s, hit) {
      const out: string[] = [];
      let last = 0;
      IBAN_START.lastIndex = 0;
      for (let m = IBAN_START.exec(s); m !== null; m = IBAN_START.exec(s)) {
        const want = IBAN_LENGTHS[m[1]!] ?? 34;
        let compact = '';
        let end = m.index;
        let found = -1;
        for (let i = m.index; i < s.length && compact.length < want; i++) {
          const c = s.charCodeAt(i);
          if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57)) {
            compact += s[i];
            end = i + 1;
            // Countries not in the table: the longest valid prefix wins, checked as it grows.
            if (!(m[1]! in IBAN_LENGTHS) && compact.length >= 15 && ibanValid(compact)) found = end;
          } else if (c === 32 && compact.length % 4 === 0 && s.charCodeAt(i - 1) !== 32) {
            // a space between print groups
          } else {
            break;
          }
        }
        if (m[1]! in IBAN_LENGTHS) found = compact.length === want && ibanValid(compact) ? end : -1;
        const next = s.charCodeAt(found);
        if (found < 0 || (next >= 48 && next <= 57) || (next >= 65 && next <= 90)) continue;
        out.push(s.slice(last, m.index), replace(s.slice(m.index, found).replaceAll(' ', '')));
        last = found;
        IBAN_START.lastIndex = found;
        hit();
      }
      if (last === 0) return s;
      out.push(s.slice(last));
      return out.join('');
    },
  };
}

// --- US social security numbers ---------------------------------------------------------------

/** Area 001–899 except 666, group 01–99, serial 0001–9999 (SSA's never-issued ranges excluded). */
export function ssnValid(digits: string): boolean {
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  return area > 0 && area < 900 && area !== 666 && group > 0 && serial > 0;
}

// Only with context (`SSN`, `social security`) in the same string: a bare 3-2-4 number is too
// often something else. Under an `ssn` key the key rule censors the whole value.
const SSN = /(?<![0-9-])[0-9]{3}([- ]?)[0-9]{2}\1[0-9]{4}(?![0-9-])/g;

// --- Phone numbers -----------------------------------------------------------------------------

// International (+CC …), North American (415-555-0100, (415) 555-0100) and national trunk-0
// numbers (020 7946 0958, 06 12 34 56 78). Never after a word character, dot, colon, slash, plus or
// dash, and never followed by one, so UUIDs, timestamps, versions and IPs are left alone.
const PHONE = new RegExp(
  '(?<![\\w.:/+\\-])(?:' +
    '\\+[1-9][0-9 ().-]{6,22}[0-9]' +
    '|\\([2-9][0-9]{2}\\) ?[2-9][0-9]{2}[-. ][0-9]{4}' +
    '|[2-9][0-9]{2}[-. ][2-9][0-9]{2}[-. ][0-9]{4}' +
    '|0[1-9][0-9]{0,3}(?:[ -][0-9]{2,8}){1,4}' +
    ')(?![\\w:/]|[.-][0-9])',
  'g',
);

function isPhoneNumber(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (candidate.startsWith('+')) {
    if (digits.length < 8 || digits.length > 15) return false;
    // No doubled separators and balanced parentheses: `+1 (415) 555-0100`, `+44 20 7946 0958`.
    return (
      !/[ .-]{2}|\(\)|[.-][ .-]/.test(candidate) &&
      (candidate.match(/\(/g)?.length ?? 0) === (candidate.match(/\)/g)?.length ?? 0)
    );
  }
  if (candidate.startsWith('(')) return digits.length === 10;
  // One separator kind throughout: `415-555-0100` yes, `2024-05 01` no.
  const separators = new Set(candidate.replace(/[0-9]/g, ''));
  if (separators.size !== 1) return false;
  // Stryker disable next-line StringLiteral: North American numbers always have 10 digits, inside the trunk rule's 9–12 too
  return candidate.startsWith('0') ? digits.length >= 9 && digits.length <= 12 : digits.length === 10;
}

// --- IP addresses ------------------------------------------------------------------------------

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![A-Za-z0-9.])${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}(?![A-Za-z0-9]|\\.\\d)`, 'g');
// Candidates only; node:net decides, so times like 10:30:00 pass.
// Starts with a hex group or `::`, so a lone colon in text costs one failed step.
const IPV6 =
  /(?<![A-Za-z0-9:.])(?:[0-9A-Fa-f]{1,4}:|::)(?:[0-9A-Fa-f]{0,4}:){1,6}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![A-Za-z0-9:])/g;

export function piiDetectors(modes: Readonly<Record<PiiFamily, PiiMode>>, hashKey?: string): Detector[] {
  const detectors: Detector[] = [];
  const { card, email, iban, ssn, phone, ip } = modes;

  if (email) {
    const replace = piiReplacer('email', email, hashKey);
    const masked = marker('email');
    // The normalised address only matters for hashing: masking copies nothing.
    const replaceMatch = (match: string) =>
      isMailbox(match)
        ? email === 'mask'
          ? masked
          : replace(match.replace('%40', '@').toLowerCase())
        : undefined;
    const replaceAt = (t: string, start: number, end: number, at: number) =>
      mailboxAt(t, start, at, at + 1, end)
        ? email === 'mask'
          ? masked
          : replace(t.slice(start, end).toLowerCase())
        : undefined;
    detectors.push({
      family: 'email',
      keywords: ['@', '%40'],
      features: 0,
      short: '@%',
      mask: (s, hit) =>
        needsPattern(s)
          ? maskMatches(s, emailRegExp(), replaceMatch, hit)
          : maskAsciiEmails(s, replaceAt, hit),
    });
  }
  if (card) {
    const replace = piiReplacer('card', card, hashKey);
    detectors.push(
      piiDetector(
        'card',
        // Stryker disable next-line ArrayDeclaration: an extra keyword only makes the detector a candidate for more strings; the pattern and Luhn decide: speed only
        [],
        FEATURE_CARD_RUN,
        new RegExp(`${START('A-Za-z0-9_-')}\\d(?:[ -]?\\d){12,18}(?![A-Za-z0-9_]|-\\d)`, 'g'),
        (match) => (isCardNumber(match) ? replace(match.replace(/[ -]/g, '')) : undefined),
      ),
    );
  }
  if (iban) detectors.push(ibanDetector(piiReplacer('iban', iban, hashKey)));
  if (ssn) {
    const replace = piiReplacer('ssn', ssn, hashKey);
    detectors.push(
      piiDetector('ssn', ['ssn', 'social sec', 'ss#'], 0, SSN, (match) => {
        const digits = match.replace(/\D/g, '');
        return ssnValid(digits) ? replace(digits) : undefined;
      }),
    );
  }
  if (phone) {
    const replace = piiReplacer('phone', phone, hashKey);
    detectors.push(
      piiDetector(
        'phone',
        // Stryker disable next-line ArrayDeclaration: an extra keyword only makes the detector a candidate for more strings; the pattern decides: speed only
        [],
        FEATURE_DIGITS_8,
        PHONE,
        (match) => (isPhoneNumber(match) ? replace(match.replace(/[^\d+]/g, '')) : undefined),
        '',
      ),
    );
  }
  if (ip) {
    const replace = piiReplacer('ip', ip, hashKey);
    // From the CommonJS module object, when IP addresses are redacted at all: the ESM view of
    // `node:net` reads its lazy exports, a millisecond of cold start for the default options.
    const { isIPv6 } = process.getBuiltinModule('node:net');
    detectors.push(
      piiDetector('ip', ['.'], 0, IPV4, (match) => replace(match), '.'),
      piiDetector(
        'ip',
        [':'],
        0,
        IPV6,
        (match) => (isIPv6(match) ? replace(match.toLowerCase()) : undefined),
        // Stryker disable next-line StringLiteral: '' only turns off the short-string shortcut (short strings are always scanned): speed only
        ':',
      ),
    );
  }
  return detectors;
}
