/**
 * The prefilter against a simple reference model: for any string, every detector whose own
 * pattern masks something in it must be among the prefilter's candidates (a detector left out
 * would let its secret through), the candidates come in detector order, and none twice.
 * Strings are built from real samples of every secret and PII format, with their natural key
 * names, case changes, look-alike and invisible characters, and noise around them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Detector } from '../src/detector.ts';
import { foldConfusables } from '../src/fold.ts';
import { compilePrefilter, hasAny, shortStringGate } from '../src/prefilter.ts';
import { PII_FORMATS } from './corpus/pii.ts';
import { ibanFor, Random } from './corpus/random.ts';
import { SECRET_FORMATS } from './corpus/secrets.ts';
import { ALL_PII, detectorsFor } from './detector-sets.ts';
import { runs } from './runs.ts';

const DETECTOR_SETS: [string, Detector[]][] = [
  ['every detector and PII family', detectorsFor({ pii: ALL_PII })],
  ['the defaults', detectorsFor({})],
  ['secret detectors only', detectorsFor({ pii: false })],
  ['PII only, no phone numbers', detectorsFor({ detectors: false, pii: { ...ALL_PII, phone: false } })],
];

/**
 * The detectors whose pattern masks something in `s`, by index. A detector with no text feature
 * whose keyword is not in `s` (look-alikes folded, invisible characters dropped) is left out: some (SSNs) take their keyword as the context a bare
 * number needs, so their pattern alone matches more than they may.
 */
function matching(detectors: readonly Detector[], s: string): number[] {
  const found: number[] = [];
  const lower = foldConfusables(s).toLowerCase();
  detectors.forEach((d, index) => {
    if (d.features === 0 && !d.keywords.some((k) => lower.includes(k))) return;
    let hit = false;
    d.mask(s, () => {
      hit = true;
    });
    if (hit) found.push(index);
  });
  return found;
}

const rng = new Random(20261201);
const SAMPLES: string[] = [];
for (const format of [...SECRET_FORMATS, ...PII_FORMATS]) {
  for (let i = 0; i < 2; i++) {
    const { value } = format.make(rng);
    SAMPLES.push(value, `${format.naturalKey}=${value}`, `"${format.naturalKey}": "${value}"`);
  }
}

// Formats found by a text feature, at the feature's edges: a Discord bot token whose first part is
// 23 characters (the shortest run before a dot), IBANs whose country code ends in Z or whose
// letters come in threes before pairs of digits (an unlisted country), an 8-digit phone number.
SAMPLES.push(
  `M${'Tk4NjIyNDgzNDcxOTI1MjQ'}.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs`,
  'MTk4NjIyNDgzNDcxOTI1MjQ4NTY.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs',
  ibanFor('CZ', '08000000192000145399'),
  ibanFor('AZ', 'NABZ00000000137010001944'),
  ibanFor('ZZ', 'ABC12DEF34GHI56'),
  'call +12345678 now',
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  '378282246310005',
  // A keyword split by an invisible character (the pair parser folds it away), and the shortest
  // JWT, exactly SHORT_STRING characters long with no short-string character in it.
  'pa\u200bssword=hunter2hunter2',
  'api_to\u200bken: Zx81kq0Pz7',
  'eyJabcde.ab',
);

const NOISE = [
  '',
  ' ',
  'x',
  'Z',
  'AB',
  '7',
  '12',
  '-',
  '_',
  '.',
  ':',
  '=',
  '/',
  '+',
  ' - ',
  '\u200b',
  '\uff1a',
  'é',
  'AKIA',
  'ghp_',
  'password',
  'A'.repeat(39),
  'b'.repeat(23),
];

/** Upper-case, lower-case, or swap the case of part of a string; or slip an invisible character in. */
const mangle = (s: string) =>
  fc
    .tuple(fc.nat(s.length), fc.nat(s.length), fc.constantFrom('keep', 'upper', 'lower', 'zwsp', 'cut'))
    .map(([a, b, how]) => {
      const [from, to] = a <= b ? [a, b] : [b, a];
      const mid = s.slice(from, to);
      const changed =
        how === 'upper'
          ? mid.toUpperCase()
          : how === 'lower'
            ? mid.toLowerCase()
            : how === 'zwsp'
              ? `\u200b${mid}`
              : how === 'cut'
                ? ''
                : mid;
      return s.slice(0, from) + changed + s.slice(to);
    });

const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SAMPLES).chain(mangle),
      fc.constantFrom(...SAMPLES),
      fc.constantFrom(...NOISE),
      fc.string({ unit: fc.constantFrom(...'0123456789 -ABZaz./'), maxLength: 30 }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(''));

describe('the prefilter never leaves out a detector that matches', () => {
  for (const [name, detectors] of DETECTOR_SETS) {
    const prefilter = compilePrefilter(detectors);
    const check = (s: string) => {
      const candidates = prefilter.candidates(s).map((d) => detectors.indexOf(d));
      for (const index of matching(detectors, s)) {
        expect(candidates, `${detectors[index]!.family} in ${JSON.stringify(s)}`).toContain(index);
      }
      expect(candidates).toEqual([...new Set(candidates)].sort((a, b) => a - b));
    };

    it(`every sample on its own (${name})`, () => {
      for (const s of SAMPLES) check(s);
    });

    it(`random text built from samples (${name})`, () => {
      fc.assert(fc.property(text, check), { numRuns: runs(300) });
    });

    it(`any characters (${name})`, () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), check), { numRuns: runs(300) });
    });
  }
});

describe('shortStringGate and hasAny', () => {
  const d = (short: string | undefined): Detector => ({
    family: 'x',
    keywords: [],
    features: 0,
    ...(short !== undefined ? { short } : {}),
    mask: (s) => s,
  });

  it('the gate holds every short character of every detector that has some', () => {
    const gate = shortStringGate([d('=:'), d(undefined), d('@')])!;
    expect([...gate].flatMap((v, c) => (v === 1 ? [String.fromCharCode(c)] : []))).toEqual([':', '=', '@']);
  });

  it('a detector that needs no character turns the gate off, wherever it is', () => {
    expect(shortStringGate([d('@'), d('')])).toBeUndefined();
    expect(shortStringGate([d(''), d('@')])).toBeUndefined();
  });

  it('hasAny: a gate character or any non-ASCII unit anywhere', () => {
    const gate = shortStringGate([d('=')])!;
    expect(hasAny('', gate)).toBe(false);
    expect(hasAny('abc', gate)).toBe(false);
    expect(hasAny('abc=', gate)).toBe(true);
    expect(hasAny('=abc', gate)).toBe(true);
    expect(hasAny('ab\u0080', gate)).toBe(true);
    expect(hasAny('ab\u007f', gate)).toBe(false);
  });
});
