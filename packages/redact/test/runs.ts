/**
 * The number of fast-check runs for a property: `n`, scaled by `PROPERTY_RUNS_SCALE` when it is set.
 * `pnpm test:mutation` sets it below 1 for redact, where every surviving mutant reruns every
 * property; a smaller run can only let more mutants survive, so the score it gives is a lower bound.
 */
const scale = Number(process.env.PROPERTY_RUNS_SCALE ?? 1);

export function runs(n: number): number {
  return Number.isFinite(scale) && scale > 0 && scale < 1 ? Math.max(100, Math.ceil(n * scale)) : n;
}
