/**
 * Cards, IBANs, SSNs and phone numbers at their boundaries: issuer ranges and groupings, IBAN
 * lengths, print groups and what may follow one, SSN's never-issued parts, phone digit counts and
 * separators. Redactors are built inside each test.
 */
import { describe, expect, it } from 'vitest';
import { luhnValid } from '../src/checksums.ts';
import { only } from './pii-only.ts';

/** Complete `prefix` with the Luhn check digit. */
function luhn(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${prefix}${d}`)) return `${prefix}${d}`;
  throw new Error('unreachable');
}

/** `country` + mod-97 check digits + `bban`. */
function iban(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let r = 0;
  for (const d of numeric) r = (r * 10 + Number(d)) % 97;
  return `${country}${String(98 - r).padStart(2, '0')}${bban}`;
}

describe('cards: issuer ranges and groupings', () => {
  it.each([
    ['Mir/Visa-like 2…6', luhn('220012345678901')],
    ['RuPay 81, 16 digits', luhn('811234567890123')],
    ['RuPay 82, 16 digits', luhn('821234567890123')],
    ['UATP 1, 15 digits', luhn('12345678901234')],
  ])('masks %s', (_, card) => {
    expect(only('card').redactString(`card ${card} ok`)).toBe('card [REDACTED:card] ok');
  });

  it.each([
    ['7, 16 digits', luhn('711111111111111')],
    ['9, 16 digits', luhn('911111111111111')],
    ['0, 16 digits', luhn('011111111111111')],
    ['9, 15 digits', luhn('91111111111111')],
    ['1, 16 digits (epoch microseconds)', luhn('171456689678912')],
    ['1, 13 digits (epoch milliseconds)', luhn('171456689678')],
    ['83, 16 digits', luhn('831234567890123')],
    ['80, 16 digits', luhn('801234567890123')],
    ['81, 15 digits', luhn('81123456789012')],
    ['81, 17 digits', luhn('8112345678901234')],
    ['mixed separators', '4111 1111-1111 1111'],
    ['uneven groups', '4111 11111111 1111'],
  ])('leaves %s alone', (_, text) => {
    expect(only('card').redactString(`card ${text} ok`)).toBe(`card ${text} ok`);
  });
});

describe('IBAN', () => {
  const DE = 'DE89370400440532013000';
  it.each([
    [DE, '[REDACTED:iban]'],
    [`${DE}x`, '[REDACTED:iban]x'],
    [`${DE}.`, '[REDACTED:iban].'],
    ['BE68 5390 0754 7034 1234', '[REDACTED:iban] 1234'],
    ['BE68539007547034', '[REDACTED:iban]'],
    [iban('AD', '00012030200359100100'), '[REDACTED:iban]'],
    [iban('CZ', '08000000192000145399'), '[REDACTED:iban]'],
    [`pay ${iban('QQ', '123456789012')} now`, 'pay [REDACTED:iban] now'],
    [`pay ${iban('QQ', '12345678901')} now`, 'pay [REDACTED:iban] now'],
    [`pay ${iban('QQ', '12345678901')}x now`, 'pay [REDACTED:iban]x now'],
  ])('masks %s', (text, expected) => {
    expect(only('iban').redactString(text)).toBe(expected);
  });

  it.each([
    `${DE}0`,
    `${DE}9`,
    `${DE}5`,
    `${DE}A`,
    `${DE}Z`,
    `${DE}M`,
    'iban DE89370400440532013001',
    'DE89-3704-0044-0532-0130-00',
    'DE89_3704_0044_0532_0130_00',
    'DE89  3704 0044 0532 0130 00',
    'DE89 3704  0044 0532 0130 00',
    'DE89 3704-0044 0532 0130 00',
    'DE89 3704_0044 0532 0130 00',
    'DE893 704 0044 0532 0130 00',
    iban('DE', '3704004405320130'),
    `pay ${iban('QQ', '1234567890')} now`,
  ])('leaves %s alone', (text) => {
    expect(only('iban').redactString(text)).toBe(text);
  });
});

describe('SSN: never-issued groups and serials', () => {
  it.each([
    ['ssn 123-45-6789', 'ssn [REDACTED:ssn]'],
    ['ssn 123-01-0001', 'ssn [REDACTED:ssn]'],
    ['ssn 123-00-6789', 'ssn 123-00-6789'],
    ['ssn 123-45-0000', 'ssn 123-45-0000'],
    ['ssn 000-45-6789', 'ssn 000-45-6789'],
  ])('%s', (text, expected) => {
    expect(only('ssn').redactString(text)).toBe(expected);
  });
});

describe('phone numbers: digit counts and separators', () => {
  it.each([
    '+1234567',
    '+1 23 4567, id 42',
    '+1234567890123456',
    '+44 20  7946 0958',
    '+44 20 .7946 0958',
    '+1 (415 555 0100',
    '+1 415) 555 0100',
    '415-555 0100',
    '020 7946-0958',
    '020 7946 0958 123',
  ])('leaves %s alone', (text) => {
    expect(only('phone').redactString(`call ${text} now`)).toBe(`call ${text} now`);
  });

  it.each([
    '+12345678',
    '+123456789012345',
    '+1 (415) 555-0100',
    '415-555-0100',
    '415 555 0100',
    '020 794 609',
    '020 7946 0958',
    '020 794 0958 12',
  ])('masks %s', (text) => {
    expect(only('phone').redactString(`call ${text} now`)).toBe('call [REDACTED:phone] now');
  });
});
