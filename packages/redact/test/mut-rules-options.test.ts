/**
 * Options at their edges: a detector switched on by name stays on, `null` where an object is
 * expected is a configuration error, PII modes given for one family keep the defaults of the
 * others, limits refuse what is not a positive integer, and absent lists are empty. Also the
 * detector builder: a regex detector keeps its text features and its short-string characters.
 */
import { SentinelConfigError } from '@lambda-sentinel/core';
import { describe, expect, it } from 'vitest';
import { FEATURE_RUN_40, regexDetector } from '../src/detector.ts';
import { createRedactor } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('options', () => {
  it('a detector named with true stays on', () => {
    expect(createRedactor({ detectors: { jwt: true } })(`t ${JWT}`)).toBe('t [REDACTED:jwt]');
    expect(createRedactor({ detectors: { jwt: false } })(`t ${JWT}`)).toBe(`t ${JWT}`);
  });

  it.each([{ detectors: null }, { pii: null }])('null where an object is expected: %j', (options) => {
    expect(() => createRedactor(options as never)).toThrow(SentinelConfigError);
  });

  it('PII modes for one family keep the defaults of the others', () => {
    const redact = createRedactor({ pii: { email: false } });
    expect(redact('card 4111 1111 1111 1111')).not.toContain('4111 1111 1111 1111');
    expect(redact('mail ann@example.com')).toBe('mail ann@example.com');
  });

  it.each([0, -1, 1.5, '3', Number.NaN])('a limit of %j is refused', (value) => {
    expect(() => createRedactor({ maxDepth: value as number })).toThrow(SentinelConfigError);
  });

  it('absent lists are empty', () => {
    const resolved = resolveOptions({});
    expect(resolved.keys).toEqual([]);
    expect(resolved.allowKeys).toEqual([]);
    expect(resolved.paths).toEqual([]);
  });
});

describe('regexDetector', () => {
  it('keeps its features and its short-string characters, and masks with a string pattern', () => {
    const d = regexDetector({
      family: 'x',
      keywords: [],
      features: FEATURE_RUN_40,
      pattern: 'ab+',
      short: '=',
    });
    expect(d.features).toBe(FEATURE_RUN_40);
    expect(d.short).toBe('=');
    expect(d.mask('xabbx ab', () => {})).toBe('x[REDACTED:x]x [REDACTED:x]');
    const plain = regexDetector({ family: 'y', keywords: ['k'], pattern: /k/g });
    expect(plain.features).toBe(0);
    expect('short' in plain).toBe(false);
  });
});
