/**
 * The targets, measured on the corpus (test/corpus): recall of
 * real-format secrets ≥ 97 % in every placement, personal data ≥ 90 % with
 * every PII detector on, benign values altered ≤ 0.5 % by default. The
 * figures themselves are printed by `node packages/redact/test/corpus/report.ts`.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';
import { TOKEN_FAMILIES } from '../src/token-formats.ts';
import { measureBenign, measureRecall, rate } from './corpus/measure.ts';
import { PII_FORMATS } from './corpus/pii.ts';
import { PLACEMENTS } from './corpus/placements.ts';
import { CONTEXT_ONLY_FORMATS, SECRET_FORMATS } from './corpus/secrets.ts';

const defaults = createRedactor();
const everyPii = createRedactor({
  pii: { email: 'mask', card: 'mask', iban: 'mask', ssn: 'mask', phone: 'mask', ip: 'mask', name: 'mask' },
});

// Each test measures its own placement inside the test, not at collection: work done while a file is
// collected belongs to no test, so mutation testing would count the engine it exercises as uncovered.
describe('recall on real-format secrets', () => {
  it.each(PLACEMENTS)('≥ 97 %% in %s', (placement) => {
    const report = measureRecall(defaults, SECRET_FORMATS, { placements: [placement] });
    const tally = report.byPlacement[placement];
    expect(tally.total).toBeGreaterThan(1000);
    if (rate(tally) < 0.97)
      throw new Error(`${placement}: ${(rate(tally) * 100).toFixed(1)}%\n${report.misses.join('\n')}`);
  });

  it('covers every provider family the engine has', () => {
    const measured = new Set(SECRET_FORMATS.map((f) => f.family));
    expect(TOKEN_FAMILIES.filter((family) => !measured.has(family))).toEqual([]);
    expect(measured.size).toBeGreaterThanOrEqual(60);
  });

  it.each(PLACEMENTS)('context-only formats (no prefix) are caught next to their name in %s', (placement) => {
    const context = measureRecall(defaults, CONTEXT_ONLY_FORMATS, { named: true, placements: [placement] });
    const tally = context.byPlacement[placement];
    if (rate(tally) < 0.97)
      throw new Error(`${placement}: ${(rate(tally) * 100).toFixed(1)}%\n${context.misses.join('\n')}`);
  });
});

describe('recall on personal data', () => {
  it.each(PLACEMENTS)('≥ 90 %% in %s with every PII detector on', (placement) => {
    const report = measureRecall(everyPii, PII_FORMATS, { placements: [placement] });
    const tally = report.byPlacement[placement];
    if (rate(tally) < 0.9)
      throw new Error(`${placement}: ${(rate(tally) * 100).toFixed(1)}%\n${report.misses.join('\n')}`);
  });
});

describe('benign values', () => {
  it('≤ 0.5 % altered by default', () => {
    const report = measureBenign(defaults);
    expect(report.total).toBeGreaterThanOrEqual(8000);
    if (report.altered / report.total > 0.005) {
      throw new Error(
        `${((report.altered / report.total) * 100).toFixed(2)}% altered\n${report.examples.join('\n')}`,
      );
    }
  });
});
