/**
 * Recall of real-format secrets and personal data per family × placement, and
 * the alteration rate of benign values: the figures the issue's targets are
 * stated in. Used by recall.test.ts (assertions) and report.ts (the docs' table).
 */
import type { Redactor } from '../../src/index.ts';
import { benignValue } from './benign.ts';
import { exposed, PLACEMENTS, type Placement, place } from './placements.ts';
import { Random } from './random.ts';
import type { SecretFormat } from './secrets.ts';

export interface Tally {
  caught: number;
  total: number;
}

export interface RecallReport {
  byPlacement: Record<Placement, Tally>;
  byFamily: Map<string, Record<Placement, Tally>>;
  /** Up to a few samples per family × placement that leaked, for debugging. */
  misses: string[];
}

const emptyRow = (): Record<Placement, Tally> =>
  Object.fromEntries(PLACEMENTS.map((p) => [p, { caught: 0, total: 0 }])) as Record<Placement, Tally>;

export const rate = ({ caught, total }: Tally): number => (total === 0 ? 1 : caught / total);

/** Plant `samples` of every format in every placement (only `placements` given) and count what survives. */
export function measureRecall(
  redact: Redactor,
  formats: readonly (SecretFormat & { keyOnly?: boolean })[],
  options: { samples?: number; seed?: number; placements?: readonly Placement[]; named?: boolean } = {},
): RecallReport {
  const { samples = 12, seed = 13 } = options;
  const rng = new Random(seed);
  const report: RecallReport = { byPlacement: emptyRow(), byFamily: new Map(), misses: [] };
  for (const format of formats) {
    const row = report.byFamily.get(format.family) ?? emptyRow();
    report.byFamily.set(format.family, row);
    const placements = format.keyOnly ? (['natural key'] as const) : (options.placements ?? PLACEMENTS);
    for (const placement of placements) {
      for (let i = 0; i < samples; i++) {
        const sample = format.make(rng);
        // Context-only formats travel with their name (`DD_API_KEY=…`) wherever they are written.
        const value =
          options.named && placement !== 'natural key'
            ? `${format.naturalKey}=${sample.value}`
            : sample.value;
        const input = place(placement, value, format.naturalKey, rng);
        const leaked = exposed(redact(input)).includes(sample.needle);
        for (const tally of [row[placement], report.byPlacement[placement]]) {
          tally.total++;
          if (!leaked) tally.caught++;
        }
        if (leaked && report.misses.length < 200) {
          report.misses.push(
            `${format.family} (${format.variant}) in ${placement}: ${JSON.stringify(input).slice(0, 300)}`,
          );
        }
      }
    }
  }
  return report;
}

export interface BenignReport {
  total: number;
  altered: number;
  byKind: Map<string, Tally>;
  examples: string[];
}

/** `count` benign values, each under an innocuous key and inside a sentence: how many come out changed? */
export function measureBenign(
  redact: Redactor,
  options: { count?: number; seed?: number } = {},
): BenignReport {
  const { count = 4000, seed = 29 } = options;
  const rng = new Random(seed);
  const report: BenignReport = { total: 0, altered: 0, byKind: new Map(), examples: [] };
  for (let i = 0; i < count; i++) {
    const { kind, value } = benignValue(rng);
    const tally = report.byKind.get(kind) ?? { caught: 0, total: 0 };
    report.byKind.set(kind, tally);
    const sentence = `processed ${value} in ${rng.int(1, 900)} ms`;
    const inputs: unknown[] = [{ detail: value }, sentence];
    const outputs = inputs.map((input) => redact(input));
    for (let j = 0; j < inputs.length; j++) {
      const changed = JSON.stringify(outputs[j]) !== JSON.stringify(inputs[j]);
      report.total++;
      tally.total++;
      if (changed) {
        report.altered++;
        tally.caught++; // here: altered
        if (report.examples.length < 50)
          report.examples.push(`${kind}: ${JSON.stringify(inputs[j])} → ${JSON.stringify(outputs[j])}`);
      }
    }
  }
  return report;
}

/** A markdown table of recall per family × placement, plus the per-placement total row. */
export function recallTable(report: RecallReport): string {
  const pct = (t: Tally) =>
    t.total === 0 ? '—' : `${(rate(t) * 100).toFixed(t.caught === t.total ? 0 : 1)}%`;
  const lines = [
    `| family | ${PLACEMENTS.join(' | ')} |`,
    `| --- | ${PLACEMENTS.map(() => '---').join(' | ')} |`,
  ];
  for (const [family, row] of [...report.byFamily].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| ${family} | ${PLACEMENTS.map((p) => pct(row[p])).join(' | ')} |`);
  }
  lines.push(`| **all** | ${PLACEMENTS.map((p) => `**${pct(report.byPlacement[p])}**`).join(' | ')} |`);
  return lines.join('\n');
}
