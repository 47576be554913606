/**
 * The short-string shortcut (walk and prefilter: a string shorter than SHORT_STRING with none of
 * the detectors' short characters skips the pipeline) changes nothing: for random values whose
 * strings sit around the cutoff, a redactor with the shortcut and one without it return the same
 * copy and the same counts, under every option that moves the shortcut's conditions (length
 * limit, decoding off, detectors off, PII families whose gate characters differ or that have none).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHORT_STRING } from '../src/detector.ts';
import type { RedactorOptions } from '../src/index.ts';
import { buildRedactor } from '../src/redactor.ts';
import { runs } from './runs.ts';

// Pieces that make short strings interesting: gate characters (`:` `=` `@` `%` `.`), form and
// JSON syntax, whitespace at the start, secret names, email parts, digits and phone-number parts
// (PII; a phone number needs no gate character), look-alikes
// and invisible characters (a full-width colon, a zero-width space), non-ASCII letters.
const PIECES = [
  'a',
  'Z',
  '7',
  '0',
  '-',
  '_',
  '/',
  '+',
  ' ',
  '\t',
  '\n',
  ':',
  '=',
  '@',
  '%',
  '%40',
  '.',
  '&',
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  'pw',
  'pin',
  'token',
  'sid',
  'key',
  'ssn',
  'b.co',
  'x.io',
  'eyJ',
  '123',
  '4111',
  '10.0.0.1',
  '+44',
  '020',
  ' 7946',
  '0958',
  '415',
  '-555',
  '-0100',
  '::1',
  '：',
  '＝',
  '\u200b',
  'é',
  'ß',
];

/** Strings of every length around the cutoff (0 … SHORT_STRING + 3), made of the pieces above. */
const nearCutoff = fc
  .tuple(
    fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }),
    fc.integer({ min: 0, max: SHORT_STRING + 3 }),
  )
  .map(([pieces, length]) => pieces.join('').slice(0, length));

/** Any single character (ASCII and beyond) padded to a length around the cutoff. */
const anyChars = fc.string({ unit: 'binary', maxLength: SHORT_STRING + 3 });

/** Digits and the separators of phone numbers and cards: a phone number needs no gate character. */
const numeric = fc.string({ unit: fc.constantFrom(...'0123456789 +-().'), maxLength: SHORT_STRING + 3 });

const shortString = fc.oneof(nearCutoff, nearCutoff, anyChars, numeric);

/** Short strings as values, array items, JSON and form strings, under harmless and secret names. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    shortString,
    shortString,
    tie('object'),
    tie('array'),
    tie('object').map((o) => JSON.stringify(o)),
  ),
  object: fc.dictionary(
    fc.oneof(
      fc.constantFrom('id', 'note', 'password', 'pin', 'data', 'body', 'ssn', 'firstName'),
      shortString,
    ),
    tie('node'),
    { maxKeys: 4 },
  ),
  array: fc.array(tie('node'), { maxLength: 4 }),
})).node;

const OPTION_SETS: [string, RedactorOptions][] = [
  ['defaults', {}],
  ['a length limit inside the short range', { maxStringLength: 5 }],
  ['no decoding', { parseEncoded: false }],
  ['no secret detectors', { detectors: false }],
  ['no detectors at all', { detectors: false, pii: false }],
  ['ip on (. and : gates)', { pii: { ip: 'mask' } }],
  ['phone on (no gate: the shortcut is off)', { pii: { phone: 'mask' } }],
  [
    'every PII family hashed',
    { pii: { email: 'hash', card: 'hash', ssn: 'hash', name: 'hash', ip: 'hash' } },
  ],
  ['a shallow depth limit', { maxDepth: 1 }],
];

describe('short-string shortcut', () => {
  for (const [name, options] of OPTION_SETS) {
    it(`changes nothing: ${name}`, () => {
      const fast = buildRedactor(options, { shortcuts: true });
      const full = buildRedactor(options, { shortcuts: false });
      fc.assert(
        fc.property(value, (input) => {
          expect(fast.withCounts(input)).toEqual(full.withCounts(input));
        }),
        { numRuns: runs(1500) },
      );
      fc.assert(
        fc.property(shortString, (s) => {
          expect(fast.redactString(s)).toBe(full.redactString(s));
        }),
        { numRuns: runs(3000) },
      );
    });
  }

  it('generates strings on both sides of the cutoff, with and without gate characters', () => {
    const lengths = new Set<number>();
    const samples = fc.sample(shortString, { numRuns: 3000, seed: 1 });
    for (const s of samples) lengths.add(s.length);
    for (let length = 0; length <= SHORT_STRING + 1; length++) expect(lengths.has(length)).toBe(true);
    expect(samples.some((s) => s.length < SHORT_STRING && /[:=@%]/.test(s))).toBe(true);
    expect(samples.some((s) => s.length < SHORT_STRING && !/[:=@%&{["\s]/.test(s))).toBe(true);
  });

  it('still redacts short secrets and addresses', () => {
    const redact = buildRedactor({}, { shortcuts: true });
    expect(redact({ note: 'pw=hunter2', mail: 'a@b.co', id: 'ord-1' })).toEqual({
      note: 'pw=[REDACTED:secret-param]',
      mail: '[REDACTED:email]',
      id: 'ord-1',
    });
  });
});
