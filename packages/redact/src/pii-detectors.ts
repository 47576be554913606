/**
 * Personal data detectors (GDPR): email addresses and card numbers by
 * default, IP addresses and phone numbers opt-in. Each can mask or replace
 * the value with a short keyed hash, so equal values stay correlatable in
 * logs without being readable.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import {
  type Detector,
  marker,
  regexDetector,
  START,
  TEXT_AT,
  TEXT_DIGITS_8,
  TEXT_DIGITS_13,
  TEXT_DOT,
  TEXT_PAIR,
  TEXT_PERCENT,
} from './detector.ts';

export const PII_FAMILIES = ['email', 'card', 'ip', 'phone'] as const;
export type PiiFamily = (typeof PII_FAMILIES)[number];
export type PiiMode = 'mask' | 'hash' | false;

// Per-process key: hashes correlate within a process's logs but cannot be
// reversed by brute force over, say, all IPv4 addresses, without the key.
const PROCESS_HASH_KEY = randomBytes(32);

function replacer(family: PiiFamily, mode: 'mask' | 'hash', hashKey: Buffer): (value: string) => string {
  if (mode === 'mask') return () => marker(family);
  return (value) =>
    `[REDACTED:${family}:${createHmac('sha256', hashKey).update(value).digest('hex').slice(0, 12)}]`;
}

/** Luhn checksum: random 16-digit ids fail it 9 times in 10, card numbers always pass. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function hasDigitRun(s: string, needed: number): boolean {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++count >= needed) return true;
    }
  }
  return false;
}

// Card groupings people write: 4-4-4-4(-3), 4-6-4/5 (Amex, Diners), or no separators at all.
const CARD_GROUPING =
  /^(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{4}\2\d{4}\2\d{4}\2\d{3}|\d{4}([ -])\d{6}\3\d{4,5})$/;

function isCardNumber(candidate: string): boolean {
  if (!CARD_GROUPING.test(candidate)) return false;
  const digits = candidate.replace(/[ -]/g, '');
  // Issuer ranges start 2–6 (Mastercard 2/5, Amex/JCB/Diners 3, Visa 4, Discover/UnionPay 6);
  // this also keeps 13-digit epoch-millisecond timestamps (1…) out.
  const first = digits.charCodeAt(0);
  return digits.length >= 13 && digits.length <= 19 && first >= 50 && first <= 54 && luhnValid(digits);
}

// Every card number: 13+ digits, possibly spaced or dashed.
const THIRTEEN_DIGITS = /(?:\d[ -]?){12}\d/;

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

function dateLike(s: string): boolean {
  return /^\d{4}[-./]\d{2}[-./]\d{2}$/.test(s) || /^\d{2}[-./]\d{2}[-./]\d{4}$/.test(s);
}

export function piiDetectors(modes: Readonly<Record<PiiFamily, PiiMode>>, hashKey?: string): Detector[] {
  const key = hashKey === undefined ? PROCESS_HASH_KEY : Buffer.from(hashKey);
  const detectors: Detector[] = [];
  const { card, email, ip, phone } = modes;

  if (card) {
    const replace = replacer('card', card, key);
    detectors.push(
      regexDetector(
        'card',
        TEXT_DIGITS_13,
        (s) => THIRTEEN_DIGITS.test(s),
        new RegExp(`${START('A-Za-z0-9_-')}\\d(?:[ -]?\\d){12,18}(?![A-Za-z0-9_]|-\\d)`, 'g'),
        (match) => (isCardNumber(match) ? replace(match.replace(/[ -]/g, '')) : match),
      ),
    );
  }
  if (email) {
    const replace = replacer('email', email, key);
    detectors.push(
      regexDetector(
        'email',
        TEXT_AT | TEXT_PERCENT,
        (s) => s.includes('@') || s.includes('%40'),
        // Also URL-encoded (%40) as in form bodies and query strings. Bounded parts keep it linear.
        /[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
        (match) => replace(match.replace('%40', '@').toLowerCase()),
      ),
    );
  }
  if (ip) {
    const replace = replacer('ip', ip, key);
    detectors.push(
      regexDetector(
        'ip',
        TEXT_DOT,
        (s) => s.includes('.'),
        new RegExp(`(?<![A-Za-z0-9.])${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}(?![A-Za-z0-9]|\\.\\d)`, 'g'),
        (match) => replace(match),
      ),
      regexDetector(
        'ip',
        TEXT_PAIR,
        (s) => s.includes(':'),
        // Candidates only; node:net decides, so times like 10:30:00 pass.
        /(?<![A-Za-z0-9:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![A-Za-z0-9:])/g,
        (match) => (isIPv6(match) ? replace(match.toLowerCase()) : match),
      ),
    );
  }
  if (phone) {
    const replace = replacer('phone', phone, key);
    detectors.push(
      regexDetector(
        'phone',
        TEXT_DIGITS_8,
        (s) => hasDigitRun(s, 8),
        /(?<![A-Za-z0-9+_])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?![A-Za-z0-9_])/g,
        (match) => {
          const digits = match.replace(/\D/g, '');
          // Needs a country code, parentheses or separators to look like a phone number rather than an id.
          const shaped = match.startsWith('+') || match.includes('(') || /[ .-]/.test(match);
          if (digits.length < 8 || digits.length > 15 || !shaped || dateLike(match)) return match;
          return replace(digits);
        },
      ),
    );
  }
  return detectors;
}
