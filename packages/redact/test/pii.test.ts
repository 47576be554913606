/** Personal data detectors: what they catch, and what they must leave alone. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid } from '../src/checksums.ts';
import { createRedactor } from '../src/index.ts';
import { emailRegExp, maskAsciiEmails } from '../src/pii-detectors.ts';
import { runs } from './runs.ts';

const redact = createRedactor();
const everyPii = createRedactor({
  pii: { email: 'mask', card: 'mask', iban: 'mask', ssn: 'mask', phone: 'mask', ip: 'mask', name: 'mask' },
});
const s = (text: string) => redact.redactString(text);

/** Complete `prefix` with the Luhn check digit. */
function luhnComplete(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${prefix}${d}`)) return `${prefix}${d}`;
  throw new Error('unreachable');
}

describe('email', () => {
  it.each([
    ['jane.doe+tag@example.co.uk', '[REDACTED:email]'],
    ['to=jane%40example.com', 'to=[REDACTED:email]'],
    ['admin@xn--80ak6aa92e.xn--p1ai', '[REDACTED:email]'],
    ['jöhn@bücher.de', '[REDACTED:email]'],
    ['Jane <jane@example.com>', 'Jane <[REDACTED:email]>'],
    ['email jane@example.com: hello', 'email [REDACTED:email]: hello'],
  ])('masks %s', (input, expected) => {
    expect(s(input)).toBe(expected);
  });

  it.each([
    'avatar@2x.png',
    'icon@3x.webp and logo@1.5x.jpg',
    'git@github.com:owner/repo.git',
    'Message-ID: <0100018f5c4a9e2b-3a9f8c7d-1b2e-4c5d-9e8f-0a1b2c3d4e5f-000000@email.amazonses.com>',
    '<20240501123456.abcdef0123456789abcdef0123456789@eu-west-1.amazonses.com>',
    'npm i @aws-sdk/client-s3@3.600.0',
  ])('leaves %s alone', (input) => {
    expect(s(input)).toBe(input);
  });
});

describe('cards', () => {
  it('masks every issuer range with a valid Luhn digit, UATP included', () => {
    const uatp = luhnComplete('12345678901234'); // 15 digits starting 1
    const mir = luhnComplete('220012345678901');
    const maestro = luhnComplete('676712345678901');
    for (const card of [uatp, mir, maestro, '4111111111111111', '5500000000000004', '378282246310005']) {
      expect(s(`card ${card} ok`)).toBe('card [REDACTED:card] ok');
    }
    expect(s(`${uatp.slice(0, 4)} ${uatp.slice(4, 10)} ${uatp.slice(10)}`)).toBe('[REDACTED:card]');
  });

  it('leaves timestamps, non-Luhn ids and digit runs alone', () => {
    for (const text of [
      'at 1714566896789',
      'at 1714566896789123',
      'order 1234567812345678',
      '2024-05-01 12:00:00',
    ]) {
      expect(s(text)).toBe(text);
    }
  });
});

describe('IBAN', () => {
  it('masks IBANs by checksum, electronic or print form', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(s('pay to DE89 3704 0044 0532 0130 00 today')).toBe('pay to [REDACTED:iban] today');
    expect(s('GB82WEST12345698765432')).toBe('[REDACTED:iban]');
    expect(s('iban=FR1420041010050500013M02606')).toBe('iban=[REDACTED:iban]');
  });

  it('leaves a wrong checksum and look-alike ids alone', () => {
    for (const text of ['DE89370400440532013001', 'AB12CDEF34567890123', 'ID12 3456 7890 1234 5678']) {
      expect(s(text)).toBe(text);
    }
  });
});

describe('US social security numbers', () => {
  it('masks with context or under their key', () => {
    expect(s('SSN 123-45-6789 on file')).toBe('SSN [REDACTED:ssn] on file');
    expect(s('social security number: 123 45 6789')).toBe('social security number: [REDACTED:ssn]');
    expect(redact({ ssn: '123-45-6789', socialSecurityNumber: 123456789 })).toEqual({
      ssn: '[REDACTED:ssn]',
      socialSecurityNumber: '[REDACTED:ssn]',
    });
  });

  it('leaves numbers without context and never-issued ranges alone', () => {
    expect(s('ticket 123-45-6789')).toBe('ticket 123-45-6789');
    expect(s('SSN 000-12-3456 or 666-12-3456 or 900-12-3456')).toBe(
      'SSN 000-12-3456 or 666-12-3456 or 900-12-3456',
    );
  });
});

describe('phone (opt-in)', () => {
  const phones = createRedactor({ pii: { phone: 'mask' } });
  it.each([
    '+1 415-555-0100',
    '+44 20 7946 0958',
    '+49 30 1234567',
    '(415) 555-0100',
    '415.555.0100',
    '020 7946 0958',
    '06 12 34 56 78',
  ])('masks %s', (phone) => {
    expect(phones.redactString(`call ${phone} now`)).toBe('call [REDACTED:phone] now');
  });

  it.each([
    '7a6e5c4d-1234-4321-8765-123456789012',
    '2024-05-01T12:34:56.789+02:00',
    '2024-05-01 12:34:56',
    'v1.24.3 and 10.0.19041.1',
    '192.168.100.200',
    'Root=1-5759e988-bd862e3fe1be46a994272793',
    '1714566896789',
    'at 12:30:00 on 01-02-2024',
  ])('leaves %s alone', (text) => {
    expect(phones.redactString(text)).toBe(text);
  });

  it('never touches a random UUID, timestamp or version string', () => {
    // Cards off: a random 16-digit number is a valid card one time in ten, and is masked as one.
    const phonesOnly = createRedactor({ pii: { phone: 'mask', card: false, iban: false } });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uuid(),
          fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
          fc.tuple(fc.nat(99), fc.nat(99), fc.nat(9999)).map(([a, b, c]) => `${a}.${b}.${c}`),
          fc.integer({ min: 1e12, max: 9e15 }).map(String),
        ),
        (text) => {
          expect(phonesOnly.redactString(text)).toBe(text);
        },
      ),
      { numRuns: runs(3000) },
    );
  });
});

describe('IP addresses and names (opt-in)', () => {
  it('masks IPv4 and IPv6 but not times', () => {
    expect(everyPii.redactString('from 203.0.113.7 and 2001:db8::8a2e:370:7334 at 10:30:00')).toBe(
      'from [REDACTED:ip] and [REDACTED:ip] at 10:30:00',
    );
  });

  it('masks person names under name keys, in objects and in text', () => {
    expect(
      everyPii({ firstName: 'Jane', cardholderName: 'Jane Doe', fileName: 'x.pdf', name: 'orders' }),
    ).toEqual({
      firstName: '[REDACTED:name]',
      cardholderName: '[REDACTED:name]',
      fileName: 'x.pdf',
      name: 'orders',
    });
    expect(everyPii.redactString('first_name=Jane&plan=pro')).toBe('first_name=[REDACTED:name]&plan=pro');
    expect(redact({ firstName: 'Jane' })).toEqual({ firstName: 'Jane' });
  });

  it('hashes instead of masking, stable per key', () => {
    const hashing = createRedactor({
      pii: { email: 'hash', ssn: 'hash' },
      hashKey: 'a-test-key-of-16+chars',
    });
    const a = hashing.redactString('jane@example.com');
    expect(a).toMatch(/^\[REDACTED:email:[0-9a-f]{12}\]$/);
    expect(hashing.redactString('JANE@example.com')).toBe(a);
    expect(hashing({ ssn: '123-45-6789' })).toEqual({
      ssn: expect.stringMatching(/^\[REDACTED:ssn:[0-9a-f]{12}\]$/),
    });
  });
});

describe('email scanner', () => {
  it('finds exactly what the pattern finds in ASCII text', () => {
    const pieces = [
      'a',
      'b1',
      'jane',
      '.',
      '-',
      '_',
      '+',
      '@',
      '@@',
      ':',
      ':x',
      ': ',
      ' ',
      'com',
      'co',
      'example',
      '.example',
      '.com:o',
      'xn--p1ai',
      '2x',
      'png',
      'amazonses.com',
      '0100018f',
    ];
    const mark = (match: string) => `<${match}>`;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const pattern = emailRegExp();
        pattern.lastIndex = 0;
        const byPattern = text.replace(pattern, mark);
        expect(
          maskAsciiEmails(
            text,
            (t, start, end) => mark(t.slice(start, end)),
            () => {},
          ),
        ).toBe(byPattern);
      }),
      { numRuns: runs(20000) },
    );
  });
});
