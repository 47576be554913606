/**
 * `pnpm test:mutation [package...]`: Stryker (Vitest runner) over the
 * packages below, one package at a time, each against its own tests only.
 * Prints each package's mutation score and writes the surviving mutants to
 * reports/mutation/<package>.json. Slow (minutes per package on two cores),
 * so it is not part of `pnpm test`; the scores are recorded in
 * docs/guide/testing.md.
 *
 * To cover another package, add it to TARGETS: the files to mutate, and the
 * tests that must kill the mutants.
 *
 * `--only <file>` (repeatable) mutates just those files of one package, still against all of its
 * tests: a per-file score where a whole run takes hours (redact). Its reports are named after the
 * files, so a partial run never overwrites the package's own.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Stryker } from '@stryker-mutator/core';

interface Target {
  mutate: string[];
  tests: string[];
  /** Tests left out of the mutation run (timing assertions, see vitest.mutation.config.ts). */
  skipTests?: string[];
  /**
   * Leave out mutants in module-level code (Stryker's "static" mutants), each of which needs a
   * fresh module load per test: for redact, the detector and key-rule tables built at import,
   * which make up most of its mutants and almost all of the run's time.
   */
  ignoreStatic?: boolean;
  /**
   * `PROPERTY_RUNS_SCALE` for the run: the fraction of each property's fast-check runs the tests
   * make (see packages/redact/test/runs.ts). Fewer runs can only let more mutants survive.
   */
  propertyRunsScale?: number;
  /**
   * Vitest pool (default `forks`). `threads` starts a test file faster; only for packages whose
   * tests install no process-wide hooks.
   */
  pool?: 'forks' | 'threads';
}

export const TARGETS: Record<string, Target> = {
  core: {
    mutate: ['packages/core/src/**/*.ts', '!packages/core/src/index.ts'],
    tests: ['packages/core/test/**/*.test.ts'],
  },
  'source-allowlist': {
    // cli.ts is the two-line bin around run-cli.ts; its test runs it as a process, where no mutant is active.
    mutate: [
      'packages/source-allowlist/src/**/*.ts',
      '!packages/source-allowlist/src/index.ts',
      '!packages/source-allowlist/src/cli.ts',
    ],
    tests: ['packages/source-allowlist/test/**/*.test.ts'],
    // Reads the guide's kind tables, which the sandbox leaves out.
    skipTests: ['packages/source-allowlist/test/kinds-doc.test.ts'],
  },
  'runtime-guard': {
    mutate: ['packages/runtime-guard/src/policy.ts', 'packages/runtime-guard/src/globs.ts'],
    tests: ['packages/runtime-guard/test/**/*.test.ts'],
  },
  redact: {
    // token-formats.ts is the provider table (a regex per format): the corpus test pins each entry
    // against public samples, and mutating it alone would take hours on two cores.
    mutate: [
      'packages/redact/src/**/*.ts',
      '!packages/redact/src/index.ts',
      '!packages/redact/src/token-formats.ts',
    ],
    tests: ['packages/redact/test/**/*.test.ts'],
    // hostile: timing; docs: reads the guide, which the sandbox leaves out.
    skipTests: ['packages/redact/test/hostile.test.ts', 'packages/redact/test/docs.test.ts'],
    ignoreStatic: true,
    // Every surviving mutant reruns every property (about 4 s of the suite's 4.5 s): a quarter of
    // the runs keeps a full run within about two hours on two cores.
    propertyRunsScale: 0.25,
    pool: 'threads',
  },
};

/** The target score: below it, the run fails. */
const BREAK = 80;

interface MutantResult {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { source: string; mutants: MutantResult[] }>;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const VALID = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

async function run(name: string, target: Target): Promise<{ score: number; survivors: string[] }> {
  process.env.MUTATION_TESTS = target.tests.join(',');
  process.env.MUTATION_EXCLUDE = (target.skipTests ?? []).join(',');
  if (target.propertyRunsScale !== undefined)
    process.env.PROPERTY_RUNS_SCALE = String(target.propertyRunsScale);
  else delete process.env.PROPERTY_RUNS_SCALE;
  const reportFile = `reports/mutation/${name}.json`;
  await new Stryker({
    mutate: target.mutate,
    testRunner: 'vitest',
    // By path: pnpm keeps the runner out of the folder Stryker searches for "@stryker-mutator/*".
    plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/vitest-runner'))],
    vitest: { configFile: 'vitest.mutation.config.ts', related: false, pool: target.pool ?? 'forks' },
    coverageAnalysis: 'perTest',
    ignoreStatic: target.ignoreStatic ?? false,
    // Reuse the last run's results for mutants whose code and covering tests did not change:
    // a rerun after adding tests then costs minutes, not the hours of a first run.
    incremental: true,
    incrementalFile: `reports/mutation/${name}-incremental.json`,
    concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
    timeoutMS: 20_000,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    reporters: ['progress', 'json'],
    jsonReporter: { fileName: reportFile },
    // Copy what the tests load; node_modules is linked, not copied. The root tsconfig.json stays out:
    // the tests do not need it, and Stryker would rewrite it with TypeScript's JS API, which
    // TypeScript 7 (native) no longer has.
    ignorePatterns: [
      'docs',
      'bench',
      'examples',
      'reports',
      '.demo-output',
      'coverage',
      '**/dist',
      '/tsconfig.json',
    ],
  }).runMutationTest();

  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  let detected = 0;
  let valid = 0;
  const survivors: string[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const mutant of mutants) {
      if (!VALID.has(mutant.status)) continue;
      valid++;
      if (DETECTED.has(mutant.status)) detected++;
      else {
        const { line, column } = mutant.location.start;
        const code = lines[line - 1]?.trim().slice(0, 100);
        survivors.push(
          `${file}:${line}:${column} ${mutant.status} ${mutant.mutatorName}: ${JSON.stringify(mutant.replacement ?? '')} in ${code}`,
        );
      }
    }
  }
  return { score: valid ? (100 * detected) / valid : 100, survivors };
}

const { values: flags, positionals: wanted } = parseArgs({
  allowPositionals: true,
  options: { only: { type: 'string', multiple: true } },
});
const names = wanted.length ? wanted : Object.keys(TARGETS);
for (const name of names) {
  if (!TARGETS[name]) throw new Error(`unknown package ${name}; known: ${Object.keys(TARGETS).join(', ')}`);
}
const only = flags.only ?? [];
if (only.length && names.length !== 1) throw new Error('--only takes the files of one package: name it');
/** The runs: each package, or with --only one package's chosen files under a name of their own. */
const runs: Array<[string, Target]> = names.map((name) => {
  const target = TARGETS[name] as Target;
  if (!only.length) return [name, target];
  const label = `${name}-${only.map((file) => basename(file, '.ts')).join('+')}`;
  return [label, { ...target, mutate: only }];
});
mkdirSync('reports/mutation', { recursive: true });
const scores: Record<string, number> = {};
for (const [name, target] of runs) {
  const { score, survivors } = await run(name, target);
  scores[name] = score;
  writeFileSync(`reports/mutation/${name}-survivors.txt`, `${survivors.join('\n')}\n`);
  console.log(
    `\n${name}: mutation score ${score.toFixed(1)} % (${survivors.length} survived or not covered)`,
  );
  for (const line of survivors) console.log(`  ${line}`);
}
console.log('\nMutation scores:');
for (const [name, score] of Object.entries(scores)) console.log(`  ${name.padEnd(18)} ${score.toFixed(1)} %`);
const low = Object.entries(scores).filter(([, score]) => score < BREAK);
if (low.length) {
  console.error(`Below ${BREAK} %: ${low.map(([name]) => name).join(', ')}`);
  process.exitCode = 1;
}
