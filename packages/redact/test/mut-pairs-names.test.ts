/**
 * A pair's name needs a letter (ASCII either case, or any non-ASCII letter): a run of digits and
 * punctuation before `=` (`1=2`, `12[0]=x`) is no name, even for a RegExp key that would match it.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

// Any name with a digit in it is secret: only the letter rule can keep such a pair.
const digits = createRedactor({ keys: [/\d/] });
const M = '[REDACTED:secret-param]';

describe('a name needs a letter', () => {
  it.each(['1a', '1z', '1A', '1Z', '1\u00e9', '1\u0080'])('%j has one', (name) => {
    expect(digits.redactString(`x ${name}=hunter2 y`)).toBe(`x ${name}=${M} y`);
  });

  it.each(['12', '1[', '1]', '1_', '1-', '1.'])('%j has none', (name) => {
    const text = `x ${name}=hunter2 y`;
    expect(digits.redactString(text)).toBe(text);
  });
});
