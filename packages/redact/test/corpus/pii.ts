/**
 * Real-format personal data: addresses, card numbers of every issuer range
 * (Luhn-valid), IBANs of many countries (mod-97-valid), SSNs in the issued
 * ranges, phone numbers as people write them, IP addresses, and names under
 * the keys forms use. All generated from a fixed seed.
 */
import { DIGITS, ibanFor, LOWER, luhnComplete, type Random, UPPER } from './random.ts';
import type { SecretFormat } from './secrets.ts';

const FIRST = ['Jane', 'Ana', 'Jürgen', 'Chloé', 'Mohammed', 'Wei', 'Olusegun', 'Siobhán', 'Priya', 'Kenji'];
const LAST = [
  'Doe',
  'García',
  'Müller',
  'Dubois',
  'Haddad',
  'Zhang',
  'Adeyemi',
  'Ó Briain',
  'Sharma',
  'Tanaka',
];
const DOMAINS = [
  'example.com',
  'mail.example.org',
  'corp.example.co.uk',
  'bücher.example',
  'xn--bcher-kva.example',
];

function grouped(digits: string, groups: readonly number[], separator: string): string {
  const out: string[] = [];
  let at = 0;
  for (const size of groups) {
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out.join(separator);
}

const cards: ReadonlyArray<readonly [string, string, number, readonly number[]]> = [
  ['Visa', '4', 16, [4, 4, 4, 4]],
  ['Mastercard 5x', '5', 16, [4, 4, 4, 4]],
  ['Mastercard 2-series', '2221', 16, [4, 4, 4, 4]],
  ['Amex', '37', 15, [4, 6, 5]],
  ['Discover', '6011', 16, [4, 4, 4, 4]],
  ['JCB', '3528', 16, [4, 4, 4, 4]],
  ['Diners', '36', 14, [4, 6, 4]],
  ['UnionPay', '62', 19, [4, 4, 4, 4, 3]],
  ['Maestro', '6759', 16, [4, 4, 4, 4]],
  ['Mir', '2200', 16, [4, 4, 4, 4]],
  ['UATP', '1', 15, [4, 6, 5]],
];

const ibans: ReadonlyArray<readonly [string, (rng: Random) => string]> = [
  ['DE', (rng) => rng.chars(DIGITS, 18)],
  ['GB', (rng) => `${rng.chars(UPPER, 4)}${rng.chars(DIGITS, 14)}`],
  ['FR', (rng) => `${rng.chars(DIGITS, 10)}${rng.chars(DIGITS + UPPER, 11)}${rng.chars(DIGITS, 2)}`],
  ['NL', (rng) => `${rng.chars(UPPER, 4)}${rng.chars(DIGITS, 10)}`],
  ['ES', (rng) => rng.chars(DIGITS, 20)],
  ['IT', (rng) => `${rng.chars(UPPER, 1)}${rng.chars(DIGITS, 10)}${rng.chars(DIGITS + UPPER, 12)}`],
  ['PL', (rng) => rng.chars(DIGITS, 24)],
  ['BE', (rng) => rng.chars(DIGITS, 12)],
  ['CH', (rng) => `${rng.chars(DIGITS, 5)}${rng.chars(DIGITS + UPPER, 12)}`],
  ['NO', (rng) => rng.chars(DIGITS, 11)],
];

const phones: ReadonlyArray<readonly [string, (rng: Random) => string]> = [
  ['US E.164', (rng) => `+1${rng.int(2, 9)}${rng.chars(DIGITS, 2)}${rng.int(2, 9)}${rng.chars(DIGITS, 6)}`],
  [
    'US formatted',
    (rng) =>
      `+1 ${rng.int(2, 9)}${rng.chars(DIGITS, 2)}-${rng.int(2, 9)}${rng.chars(DIGITS, 2)}-${rng.chars(DIGITS, 4)}`,
  ],
  [
    'US national',
    (rng) =>
      `(${rng.int(2, 9)}${rng.chars(DIGITS, 2)}) ${rng.int(2, 9)}${rng.chars(DIGITS, 2)}-${rng.chars(DIGITS, 4)}`,
  ],
  ['UK', (rng) => `+44 20 ${rng.chars(DIGITS, 4)} ${rng.chars(DIGITS, 4)}`],
  ['UK national', (rng) => `020 ${rng.chars(DIGITS, 4)} ${rng.chars(DIGITS, 4)}`],
  ['DE', (rng) => `+49 30 ${rng.chars(DIGITS, 7)}`],
  [
    'FR',
    (rng) =>
      `+33 6 ${rng.chars(DIGITS, 2)} ${rng.chars(DIGITS, 2)} ${rng.chars(DIGITS, 2)} ${rng.chars(DIGITS, 2)}`,
  ],
  ['IN', (rng) => `+91 ${rng.int(6, 9)}${rng.chars(DIGITS, 4)} ${rng.chars(DIGITS, 5)}`],
];

/** Name of the family each detector counts under, plus the value generators. */
export const PII_FORMATS: readonly (SecretFormat & { keyOnly?: boolean })[] = [
  {
    family: 'email',
    variant: 'address',
    naturalKey: 'email',
    make: (rng) => {
      const value = `${rng.pick(FIRST).toLowerCase()}.${rng.chars(LOWER, 5)}${rng.pick(['', '+orders', '_1'])}@${rng.pick(DOMAINS)}`;
      return { value, needle: value.slice(0, value.indexOf('@')) };
    },
  },
  ...cards.map(
    ([variant, prefix, length, groups]): SecretFormat => ({
      family: 'card',
      variant,
      naturalKey: 'cardNumber',
      make: (rng) => {
        const digits = luhnComplete(`${prefix}${rng.chars(DIGITS, length - prefix.length - 1)}`);
        const value = grouped(digits, groups, rng.pick(['', ' ', '-']));
        return { value, needle: digits.slice(-10) };
      },
    }),
  ),
  ...ibans.map(
    ([country, bban]): SecretFormat => ({
      family: 'iban',
      variant: country,
      naturalKey: 'iban',
      make: (rng) => {
        const iban = ibanFor(country, bban(rng));
        const value = rng.pick([true, false]) ? iban : (iban.match(/.{1,4}/g) ?? []).join(' ');
        return { value, needle: iban.slice(4) };
      },
    }),
  ),
  {
    family: 'ssn',
    variant: 'with context',
    naturalKey: 'ssn',
    make: (rng) => {
      const area = String(rng.pick([rng.int(1, 665), rng.int(667, 899)])).padStart(3, '0');
      const ssn = `${area}-${String(rng.int(1, 99)).padStart(2, '0')}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
      return { value: `${rng.pick(['SSN', 'ssn:', 'Social Security number'])} ${ssn}`, needle: ssn };
    },
  },
  ...phones.map(
    ([variant, make]): SecretFormat => ({
      family: 'phone',
      variant,
      naturalKey: 'phoneNumber',
      make: (rng) => {
        const value = make(rng);
        return { value, needle: value.replace(/\D/g, '').slice(-7) };
      },
    }),
  ),
  {
    family: 'ip',
    variant: 'IPv4',
    naturalKey: 'sourceIp',
    make: (rng) => {
      const value = `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
      return { value, needle: value };
    },
  },
  {
    family: 'ip',
    variant: 'IPv6',
    naturalKey: 'sourceIp',
    make: (rng) => {
      const value = `2001:db8:${rng.int(1, 0xffff).toString(16)}::${rng.int(1, 0xffff).toString(16)}:${rng.int(1, 0xffff).toString(16)}`;
      return { value, needle: value };
    },
  },
  {
    family: 'name',
    variant: 'under a name key',
    naturalKey: 'cardholderName',
    keyOnly: true,
    make: (rng) => {
      const value = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
      return { value, needle: value };
    },
  },
];
