/**
 * Every redactor option checked at construction with its exact message (rule 5: a bad option
 * throws a SentinelConfigError that names it and says what was expected), and the switches that
 * turn whole parts off doing exactly that.
 */
import { SentinelConfigError } from '@lambda-sentinel/core';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

function configError(options: unknown): SentinelConfigError {
  try {
    createRedactor(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return error as SentinelConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('bad options', () => {
  it.each([
    ['nope', 'options: must be an object'],
    [[], 'options: must be an object'],
    [{ censor: 'x' }, 'censor: is not a redactor option'],
    [{ keys: 'a' }, 'keys: must be an array of strings or RegExps'],
    [{ keys: ['ok', ''] }, 'keys: every entry must be a non-empty string or a RegExp, got '],
    [{ keys: ['  '] }, 'keys: every entry must be a non-empty string or a RegExp, got   '],
    [{ allowKeys: [1] }, 'allowKeys: every entry must be a non-empty string or a RegExp, got 1'],
    [{ paths: 'a' }, 'paths: must be an array of strings'],
    [{ hashKey: 'x'.repeat(15) }, 'hashKey: must be a string of at least 16 characters'],
    [{ hashKey: 7 }, 'hashKey: must be a string of at least 16 characters'],
    [{ parseEncoded: 'yes' }, 'parseEncoded: must be a boolean'],
    [{ maxDepth: 0 }, 'maxDepth: must be a positive integer or Infinity, got 0'],
    [{ maxNodes: 2.5 }, 'maxNodes: must be a positive integer or Infinity, got 2.5'],
    [{ maxTotalSize: '1' }, 'maxTotalSize: must be a positive integer or Infinity, got 1'],
    [{ maxStringLength: Number.NaN }, 'maxStringLength: must be a positive integer or Infinity, got NaN'],
    [{ detectors: 'yes' }, 'detectors: must be a boolean or an object'],
    [{ detectors: [] }, 'detectors: must be a boolean or an object'],
    [{ detectors: { jwt: 'no' } }, 'detectors: "jwt" must be true or false'],
    [{ pii: true }, 'pii: must be false or an object'],
    [{ pii: [] }, 'pii: must be false or an object'],
    [{ pii: { fax: 'mask' } }, 'pii: unknown family "fax" (known: email, card, iban, ssn, phone, ip, name)'],
    [{ pii: { email: 'blur' } }, `pii: "email" must be 'mask', 'hash' or false`],
  ])('%j → %s', (options, message) => {
    expect(configError(options).message).toBe(message);
  });

  it('lists the known detectors when one is unknown', () => {
    expect(configError({ detectors: { nope: true } }).message).toMatch(
      /^detectors: unknown detector "nope" \(known: private-key, jwt, url-password, .*, stripe, .*\)$/,
    );
  });
});

describe('accepted options', () => {
  it.each([
    null,
    undefined,
    { hashKey: 'x'.repeat(16) },
    { maxDepth: Number.POSITIVE_INFINITY, maxNodes: 1 },
    { keys: [/^x-/], allowKeys: ['tokenBucket'] },
  ])('%j', (options) => {
    expect(() => createRedactor(options as never)).not.toThrow();
  });

  it('detectors: false turns every secret detector off, { jwt: false } only that one', () => {
    const text = `token ${JWT} AKIAIOSFODNN7EXAMPLE`;
    expect(createRedactor({ detectors: false })(text)).toBe(text);
    expect(createRedactor({ detectors: { jwt: false } })(text)).toBe(
      `token ${JWT} [REDACTED:aws-access-key]`,
    );
    expect(createRedactor({ detectors: true })(text)).toBe('token [REDACTED:jwt] [REDACTED:aws-access-key]');
  });

  it('pii: false turns every personal-data detector off', () => {
    const text = 'mail jane@example.com card 4111 1111 1111 1111';
    expect(createRedactor({ pii: false })(text)).toBe(text);
    expect(createRedactor()(text)).toBe('mail [REDACTED:email] card [REDACTED:card]');
  });

  it('parseEncoded: false reads JSON strings and base64 record data as text', () => {
    const noParse = createRedactor({ parseEncoded: false });
    expect(noParse('  {"password":"hunter2-Q7"}  ')).toBe('  {"password":"[REDACTED:secret-param]"}  ');
    const data = Buffer.from('password=hunter2-Q7 ok').toString('base64');
    expect(noParse({ data })).toEqual({ data });
  });
});
