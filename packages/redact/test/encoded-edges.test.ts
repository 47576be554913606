/**
 * When a string is taken for an encoded payload (JSON, a form, base64 record data) and when it is
 * read as plain text instead, pinned by output: a parsed payload is re-serialised (and censored by
 * key rules, `[REDACTED]`), text keeps its spacing (and pairs in it are masked in place,
 * `[REDACTED:secret-param]`). Mutation testing found these decisions untested: the text path
 * masks the same secrets, so only the form of the output tells them apart.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

describe('JSON inside a string', () => {
  it.each([
    ['with whitespace around it', '  {"password":"hunter2-Q7","a":1}  ', '{"password":"[REDACTED]","a":1}'],
    ['an array', '[1, {"token":"abc-Q7-123456"}]', '[1,{"token":"[REDACTED]"}]'],
    [
      'a JSON string holding JSON (double-encoded)',
      JSON.stringify(JSON.stringify({ password: 'hunter2-Q7' })),
      JSON.stringify(JSON.stringify({ password: '[REDACTED]' })),
    ],
  ])('is parsed when it is %s', (_, input, expected) => {
    expect(redact.withCounts(input)).toEqual({ value: expected, counts: { key: 1 } });
  });

  it.each([
    [
      'text follows it',
      '{"password": "hunter2-Q7"} trailing',
      '{"password": "[REDACTED:secret-param]"} trailing',
    ],
    ['it is not closed', '{"password": "hunter2-Q7"', '{"password": "[REDACTED:secret-param]"'],
    ['it does not parse', '{password: hunter2-Q7}', '{password: [REDACTED:secret-param]}'],
  ])('is read as text when %s', (_, input, expected) => {
    expect(redact.withCounts(input)).toEqual({ value: expected, counts: { 'secret-param': 1 } });
  });

  it('leaves a lone brace, and JSON with nothing to redact, byte for byte', () => {
    expect(redact('{')).toBe('{');
    expect(redact('  {"a": 1}  ')).toBe('  {"a": 1}  ');
  });
});

describe('URL-encoded forms', () => {
  it('decodes + and %XX in a value of two or more pairs, and re-encodes only what changed', () => {
    expect(redact.withCounts('a=1&note=mail+jane%40example.com')).toEqual({
      value: 'a=1&note=mail%20[REDACTED:email]',
      counts: { email: 1 },
    });
  });

  it('masks a secret-named field whatever its encoding, and skips empty values', () => {
    expect(redact('a=1&password=hunter+2%21')).toBe('a=1&password=[REDACTED:secret-param]');
    expect(redact('a=1&b=&password=hunter2')).toBe('a=1&b=&password=[REDACTED:secret-param]');
  });

  it('keeps a malformed escape as it is, in a name or a value, without throwing', () => {
    expect(redact('a=1&pass%E0%A4%Aword=x&password=%E0%A4%A')).toBe(
      'a=1&pass%E0%A4%Aword=x&password=[REDACTED:secret-param]',
    );
  });
});

describe('base64 record data (data, value, key, body, message, payload)', () => {
  it('is decoded, redacted and re-encoded under a record field name, in any case', () => {
    for (const field of ['data', 'Data', 'payload']) {
      const out = redact({ [field]: b64('password=hunter2-Q7 ok') }) as Record<string, string>;
      expect(unb64(out[field]!)).toBe('password=[REDACTED:secret-param] ok');
    }
    const tabbed = redact({ data: b64('password=hunter2\t ok\n') }) as { data: string };
    expect(unb64(tabbed.data)).toBe('password=[REDACTED:secret-param]\t ok\n');
  });

  it('is decoded from exactly 12 characters (9 bytes)', () => {
    const out = redact({ data: b64('pin=1234') }) as { data: string };
    expect(b64('pin=1234')).toHaveLength(12);
    expect(unb64(out.data)).toBe('pin=[REDACTED:secret-param]');
  });

  it.each([
    ['under another name', { other: b64('password=hunter2-Q7 ok') }],
    ['shorter than 12 characters', { data: b64('pw=abc') }],
    ['of a length that is no multiple of 4', { data: b64('password=hunter2-Q7 ok').slice(0, -1) }],
    ['outside the base64 alphabet', { data: `!!${b64('password=hunter2-Q7 ok').slice(2)}` }],
    ['binary once decoded (a control character)', { data: b64('password=hunter2\u0001 ok') }],
  ])('is left as it is when %s', (_, input) => {
    expect(redact.withCounts(input)).toEqual({ value: input, counts: {} });
  });
});
