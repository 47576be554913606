/**
 * Each personal data family on its own, in mask and hash mode: what it replaces, how it counts, and
 * the normalised value its hash is taken of. Every redactor is built inside its test, so the
 * detector factory runs under that test (a redactor built at import belongs to no test).
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRedactor, type PiiFamily } from '../src/index.ts';
import { KEY, only } from './pii-only.ts';

const hashOf = (family: string, value: string) =>
  `[REDACTED:${family}:${createHmac('sha256', KEY).update(value).digest('hex').slice(0, 12)}]`;

const SAMPLES: Record<Exclude<PiiFamily, 'name'>, string> = {
  email: 'jane.doe@example.com',
  card: '4111 1111 1111 1111',
  iban: 'DE89370400440532013000',
  ssn: 'ssn 123-45-6789',
  phone: '+44 20 7946 0958',
  ip: '203.0.113.7',
};

describe('each family alone', () => {
  const text = Object.values(SAMPLES).join(' ; ');
  it.each(Object.keys(SAMPLES) as (keyof typeof SAMPLES)[])(
    '%s masks its own values only, counted under its name',
    (family) => {
      const { value, counts } = only(family).withCounts(text);
      expect(counts).toEqual({ [family]: 1 });
      expect(value).toBe(
        text.replace(family === 'ssn' ? '123-45-6789' : SAMPLES[family], `[REDACTED:${family}]`),
      );
    },
  );

  it('IPv6 counts as ip', () => {
    const { value, counts } = only('ip').withCounts('from 2001:db8::1 ok');
    expect(value).toBe('from [REDACTED:ip] ok');
    expect(counts).toEqual({ ip: 1 });
  });

  it('URL-encoded and non-ASCII addresses, alone', () => {
    expect(only('email').redactString('to=jane%40example.com')).toBe('to=[REDACTED:email]');
    expect(only('email').redactString('jöhn@bücher.de')).toBe('[REDACTED:email]');
  });

  it('every card in a string, not only the first', () => {
    expect(only('card').redactString('4111111111111111 and 5500000000000004')).toBe(
      '[REDACTED:card] and [REDACTED:card]',
    );
  });

  it('a card glued to a letter is not a card', () => {
    for (const text of ['id A4111111111111111', 'x_4111111111111111', 'v-4111111111111111']) {
      expect(only('card').redactString(text)).toBe(text);
    }
  });
});

describe('hash mode: the keyed hash of the normalised value', () => {
  it.each([
    ['email', 'Mail Jane.Doe@Example.COM now', 'jane.doe@example.com'],
    ['email', 'to=Jane.Doe%40Example.COM&x=1', 'jane.doe@example.com'],
    ['email', 'mail Jane.Doe%40Example.COM now', 'jane.doe@example.com'],
    ['email', 'an Jöhn@Bücher.DE bitte', 'jöhn@bücher.de'],
    ['card', 'card 4111 1111 1111 1111 ok', '4111111111111111'],
    ['card', 'card 4111-1111-1111-1111 ok', '4111111111111111'],
    ['iban', 'pay DE89 3704 0044 0532 0130 00 today', 'DE89370400440532013000'],
    ['ssn', 'SSN: 123-45-6789 on file', '123456789'],
    ['phone', 'call +44 20 7946 0958 now', '+442079460958'],
    ['phone', 'call (415) 555-0100 now', '4155550100'],
    ['ip', 'from 203.0.113.7 ok', '203.0.113.7'],
    ['ip', 'from 2001:DB8::ABCD ok', '2001:db8::abcd'],
  ] as const)('%s: %s', (family, text, normalised) => {
    const out = only(family, 'hash').redactString(text);
    const hash = hashOf(family, normalised);
    expect(out).toContain(hash);
    expect(out.replace(hash, '')).not.toMatch(/REDACTED/);
  });

  it('mask mode never hashes, for ASCII and encoded addresses alike', () => {
    for (const text of ['a Jane@Example.com b', 'a Jane%40Example.com b', 'a jöhn@bücher.de b']) {
      expect(only('email').redactString(text)).toBe('a [REDACTED:email] b');
    }
  });

  it('without a hashKey, hashes are still keyed per process, not the plain HMAC of a known key', () => {
    const redact = createRedactor({ pii: { email: 'hash' } });
    const out = redact.redactString('jane@example.com');
    expect(out).toMatch(/^\[REDACTED:email:[0-9a-f]{12}\]$/);
    expect(out).toBe(redact.redactString('JANE@example.com'));
  });

  it('the same key gives the same hash across redactors, another key another one', () => {
    const a = createRedactor({ hashKey: KEY, pii: { email: 'hash' } }).redactString('jane@example.com');
    const b = createRedactor({ hashKey: `${KEY}!`, pii: { email: 'hash' } }).redactString('jane@example.com');
    expect(a).toBe(hashOf('email', 'jane@example.com'));
    expect(b).not.toBe(a);
  });
});

describe('the retina check reads the domain after the @', () => {
  it('an @2x. name with a TLD that is no file extension is still an image name', () => {
    expect(only('email').redactString('icon@2x.zz')).toBe('icon@2x.zz');
    expect(only('email').redactString('icon9@2x.zz')).toBe('icon9@2x.zz');
  });
});
