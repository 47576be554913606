/**
 * Redactors made with equal options share their compiled detectors (cold start): each redactor
 * must still follow its own options, whichever was made first, and options that differ in any
 * part that reaches the detectors must never be served another's.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor, type RedactorOptions } from '../src/index.ts';

const EMAIL = 'mail ada@example.com now';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

/** Each pair: two option sets that must redact `input` differently. */
const PAIRS: [string, RedactorOptions, RedactorOptions, unknown][] = [
  ['a detector turned off', {}, { detectors: { jwt: false } }, { note: JWT }],
  ['every detector off', {}, { detectors: false }, { note: JWT }],
  ['a PII family off', {}, { pii: { email: false } }, { note: EMAIL }],
  ['a PII family hashed', {}, { pii: { email: 'hash' } }, { note: EMAIL }],
  [
    'another hash key',
    { pii: { email: 'hash' }, hashKey: 'k'.repeat(16) },
    { pii: { email: 'hash' }, hashKey: 'q'.repeat(16) },
    { note: EMAIL },
  ],
  ['an extra key', {}, { keys: ['favouriteColour'] }, { favouriteColour: 'teal' }],
  ['an allowed key', {}, { allowKeys: ['tokenBucket'] }, { tokenBucket: 'abc' }],
  ['a RegExp key', { keys: [/^x-/] }, { keys: [/^y-/] }, { 'x-a': 'one', 'y-a': 'two' }],
];

describe('redactors with equal options share an engine, never with other options', () => {
  for (const [name, a, b, input] of PAIRS) {
    it(`${name}, made in either order`, () => {
      const first = [createRedactor(a)(input), createRedactor(b)(input)];
      const second = [createRedactor(b)(input), createRedactor(a)(input)].reverse();
      expect(first[0]).not.toEqual(first[1]);
      expect(second).toEqual(first);
    });
  }

  it('limits are per redactor even where the engine is shared', () => {
    const long = 'a'.repeat(100);
    expect(createRedactor({ maxStringLength: 10 })(long)).not.toBe(long);
    expect(createRedactor()(long)).toBe(long);
    const body = Buffer.from('{"password":"hunter2hunter2"}').toString('base64');
    expect(createRedactor({ parseEncoded: false })({ body })).toEqual({ body });
    expect(createRedactor()({ body })).not.toEqual({ body });
  });
});
