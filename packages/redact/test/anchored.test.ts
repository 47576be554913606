/**
 * Formats found from their literal (TokenFormat.anchor) mask exactly what their pattern's global
 * pass masks: same matches, same boundaries, same count, on strings made of the pieces that move
 * the boundaries (the literal, runs of the lead and tail classes just under and over their
 * lengths, escapes before a run, separators).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regexDetector, START } from '../src/detector.ts';
import { anchoredDetector } from '../src/secret-detectors.ts';
import { TOKEN_FORMATS, type TokenFormat } from '../src/token-formats.ts';
import { runs } from './runs.ts';

const anchored = (TOKEN_FORMATS as readonly TokenFormat[]).filter((f) => f.anchor !== undefined);

function reference(format: TokenFormat) {
  return regexDetector({
    family: format.family,
    keywords: format.keywords,
    pattern: `${format.alphabet ? START(format.alphabet) : ''}${format.pattern}`,
    keepFirstGroup: true,
    ...(format.accept ? { accept: format.accept } : {}),
  });
}

function pieces(format: TokenFormat): string[] {
  const { literal, at } = format.anchor!;
  return [
    literal,
    literal,
    'a'.repeat(at),
    'f'.repeat(at - 1),
    '0'.repeat(at),
    `${'a'.repeat(at - 1)}7`,
    `${'b'.repeat(at - 2)}3`,
    '9',
    'Z',
    'e',
    'x'.repeat(30),
    'Ab3'.repeat(20),
    '1'.repeat(61),
    '_',
    '=',
    '-',
    '~',
    '.',
    '\\',
    '\\n',
    ' ',
    '"',
    ':',
    '/',
    literal.slice(0, -1),
    literal.slice(1),
  ];
}

/**
 * Whole and nearly whole tokens (lead of the right length or one off, the literal or part of it,
 * tails just under and over the minimum) joined by separators that the tail class holds and the
 * alphabet does not (`-`, `_`, `=`, `~`, `.`), by escapes and by spaces: a token's tail then runs
 * into the next token's lead, so the next occurrence of the literal falls inside a match, where
 * the global pass never starts one.
 */
function tokens(format: TokenFormat): fc.Arbitrary<string> {
  const { literal, at } = format.anchor!;
  const hex = (n: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
  const lead = fc.oneof(
    fc.integer({ min: Math.max(1, at - 1), max: at + 1 }).chain((n) => hex(n)),
    fc.constant(`ab.${'7'.repeat(Math.max(1, at - 3))}`),
  );
  const tail = fc.oneof(
    fc.constantFrom('1', '12', '123', 'a'),
    fc.integer({ min: 28, max: 64 }).chain((n) => hex(n)),
  );
  const token = fc
    .tuple(lead, fc.constantFrom(literal, literal, literal.slice(1)), tail)
    .map(([a, b, c]) => `${a}${b}${c}`);
  const separator = fc.constantFrom('-', '_', '=', '~', '.', '\\', '\\n', ' ', '"', '', 'Z');
  return fc
    .array(fc.tuple(separator, token), { minLength: 1, maxLength: 5 })
    .map((parts) => parts.map(([a, b]) => `${a}${b}`).join(''));
}

describe('formats found from their literal', () => {
  it('are the Azure client secret, Terraform Cloud and Mailchimp formats', () => {
    expect(anchored.map((f) => f.family).sort()).toEqual(
      ['azure-ad-client-secret', 'mailchimp', 'terraform-cloud'].sort(),
    );
  });

  for (const format of anchored) {
    it(`mask what the pattern masks: ${format.family}`, () => {
      const fast = anchoredDetector(format, format.anchor!);
      const slow = reference(format);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...pieces(format)), { maxLength: 24 }), (parts) => {
          const text = parts.join('');
          let fastHits = 0;
          let slowHits = 0;
          expect(fast.mask(text, () => fastHits++)).toBe(slow.mask(text, () => slowHits++));
          expect(fastHits).toBe(slowHits);
        }),
        { numRuns: runs(4000) },
      );
    });

    it(`mask what the pattern masks when tokens run into each other: ${format.family}`, () => {
      const fast = anchoredDetector(format, format.anchor!);
      const slow = reference(format);
      let matched = 0;
      fc.assert(
        fc.property(tokens(format), (text) => {
          let fastHits = 0;
          let slowHits = 0;
          expect(fast.mask(text, () => fastHits++)).toBe(slow.mask(text, () => slowHits++));
          expect(fastHits).toBe(slowHits);
          if (slowHits > 0) matched++;
        }),
        { numRuns: runs(4000) },
      );
      expect(matched).toBeGreaterThan(runs(4000) / 40); // the generator does make matches
    });

    it(`mask a real-shaped token in text: ${format.family}`, () => {
      const { literal, at } = format.anchor!;
      const lead = format.family === 'azure-ad-client-secret' ? 'ab.7' : 'c'.repeat(at);
      const token = `${lead}${literal}${format.family === 'mailchimp' ? '12' : 'K9'.repeat(32)}`;
      const hits: string[] = [];
      const out = anchoredDetector(format, format.anchor!).mask(`key ${token} end`, () => hits.push('x'));
      expect(out).toBe(`key [REDACTED:${format.family}] end`);
      expect(hits).toHaveLength(1);
    });
  }
});
