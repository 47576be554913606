/**
 * The prefilter's keyword automaton against the plainest model there is: a detector is a keyword
 * candidate exactly when one of its keywords is a substring of the string, ignoring case. The
 * keyword sets overlap on purpose (shared prefixes, one keyword inside another, suffixes that are
 * other keywords' prefixes), where Aho–Corasick's failure links and inherited outputs go wrong
 * first; and the real keyword tables are checked against the same model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Detector } from '../src/detector.ts';
import { compilePrefilter } from '../src/prefilter.ts';
import { ALL_PII, detectorsFor } from './detector-sets.ts';
import { runs } from './runs.ts';

/** Detectors that only have keywords (no text feature, never a short-string candidate). */
const keywordDetectors = (lists: readonly (readonly string[])[]): Detector[] =>
  lists.map((keywords, index) => ({
    family: `d${index}`,
    keywords,
    features: 0,
    mask: (s) => s,
  }));

const expected = (detectors: readonly Detector[], s: string): Detector[] => {
  const lower = s.toLowerCase();
  return detectors.filter((d) => d.keywords.some((k) => lower.includes(k)));
};

// A small alphabet, so that random keywords share prefixes and suffixes and random text hits them.
// `size: 'max'`: fast-check's default size stops lengths at 10, short of the limits given here.
const ALPHABET = 'abc_-.:';
const keyword = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 6 });
const keywordLists = fc.array(fc.array(keyword, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 24,
  size: 'max',
});
const text = fc.string({
  unit: fc.constantFrom(...ALPHABET, 'A', 'B', 'x', ' ', '\u200b'),
  maxLength: 80,
  size: 'max',
});

describe('the keyword automaton finds exactly the keywords in a string', () => {
  it('random overlapping keyword sets, random text', () => {
    fc.assert(
      fc.property(keywordLists, fc.array(text, { minLength: 1, maxLength: 8 }), (lists, strings) => {
        const detectors = keywordDetectors(lists);
        const prefilter = compilePrefilter(detectors, { shortcuts: false });
        for (const s of strings) {
          // An invisible character inside a keyword does not break it (the scan skips it).
          expect(prefilter.candidates(s)).toEqual(expected(detectors, s.replaceAll('\u200b', '')));
        }
      }),
      { numRuns: runs(400) },
    );
  });

  it('a keyword inside another, and one that starts where another ends', () => {
    const detectors = keywordDetectors([['abcab'], ['bca'], ['ca'], ['b'], ['cabx']]);
    const prefilter = compilePrefilter(detectors, { shortcuts: false });
    const families = (s: string) => prefilter.candidates(s).map((d) => d.family);
    expect(families('abcab')).toEqual(['d0', 'd1', 'd2', 'd3']);
    expect(families('xxcabx')).toEqual(['d2', 'd3', 'd4']);
    expect(families('ABCA')).toEqual(['d1', 'd2', 'd3']);
    expect(families('zzz')).toEqual([]);
  });

  it("the real keyword tables, at every keyword's place in text", () => {
    const real = detectorsFor({ pii: ALL_PII });
    // The same keywords, without the text features: what is left is the automaton's answer alone.
    const detectors = keywordDetectors(real.map((d) => d.keywords));
    const prefilter = compilePrefilter(detectors, { shortcuts: false });
    const all = [...new Set(real.flatMap((d) => d.keywords))];
    expect(all.length).toBeGreaterThan(150);
    for (const k of all) {
      for (const s of [k, `  ${k.toUpperCase()}  `, `x${k}${all[(k.length * 7) % all.length]}`]) {
        expect(prefilter.candidates(s)).toEqual(expected(detectors, s));
      }
    }
  });

  it('an empty keyword is refused (it would match everywhere)', () => {
    expect(() => compilePrefilter(keywordDetectors([['a'], ['']]))).toThrow('empty keyword');
  });
});
