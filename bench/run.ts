// `pnpm bench [filter] [--json FILE]`: imports every bench/suites/*.ts whose file name contains the
// filter (each registers mitata cases at import), runs them all in one process, prints mitata's
// report, and with --json writes the figures to FILE.
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { group, run } from 'mitata';
import { lambdaBenchEnvironment } from './lambda-env.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { json: { type: 'string' } },
});
const filter = positionals[0] ?? '';
const suitesDir = new URL('./suites/', import.meta.url);
const suites = readdirSync(suitesDir)
  .filter((file) => file.endsWith('.ts') && basename(file, '.ts').includes(filter))
  .sort();
if (suites.length === 0) {
  console.error(`bench: no suite in bench/suites matches "${filter}"`);
  process.exit(1);
}

// Handlers under test log and emit EMF: swallow stdout/stderr while measuring so the report stays
// readable, and print the report itself through the real stream.
const realStdoutWrite = process.stdout.write.bind(process.stdout);
const realStderrWrite = process.stderr.write.bind(process.stderr);
let swallowedBytes = 0;
const sinkWrite = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  swallowedBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
  callback?.();
  return true;
}) as typeof process.stdout.write;
const print = (line: string) => realStdoutWrite(`${line}\n`);

// The environment (and the X-Ray daemon address, read once when the SDK loads) must be in place
// before any suite imports Powertools or the X-Ray SDK.
const sink = await lambdaBenchEnvironment();

process.stdout.write = sinkWrite;
process.stderr.write = sinkWrite;
let report: Awaited<ReturnType<typeof run>>;
// A suite may export `notes()`: lines (figures measured outside mitata, such as bytes sent) printed
// after the report, since everything a suite prints while it loads is swallowed.
const notes: { suite: string; notes: () => string[] }[] = [];
try {
  for (const file of suites) {
    // Cases a suite registers outside a named group print under the suite's file name.
    await group(basename(file, '.ts'), async () => {
      const suite = (await import(new URL(file, suitesDir).href)) as { notes?: () => string[] };
      if (typeof suite.notes === 'function') notes.push({ suite: basename(file, '.ts'), notes: suite.notes });
    });
  }
  report = await run({ print, colors: process.stdout.isTTY === true });
} finally {
  process.stdout.write = realStdoutWrite;
  process.stderr.write = realStderrWrite;
}

for (const { suite, notes: lines } of notes) {
  console.log(`\n${suite}:`);
  for (const line of lines()) console.log(`  ${line}`);
}

console.log(
  `\nsuites: ${suites.join(', ')}; handler output swallowed: ${(swallowedBytes / 1024).toFixed(0)} KiB; ` +
    `X-Ray datagrams received by the UDP sink: ${sink.packets}`,
);

const failed = report.benchmarks.flatMap((trial) => trial.runs.filter((r) => r.error).map((r) => r.name));
if (failed.length > 0) {
  console.error(`bench: ${failed.length} case(s) failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}

if (values.json) {
  const layout = (report as unknown as { layout: { name: string | null }[] }).layout;
  const figures = report.benchmarks.flatMap((trial) =>
    trial.runs.flatMap((r) =>
      r.stats
        ? [
            {
              group: layout[(trial as unknown as { group: number }).group]?.name ?? null,
              name: r.name,
              avgNs: r.stats.avg,
              minNs: r.stats.min,
              p50Ns: r.stats.p50,
              p75Ns: r.stats.p75,
              p99Ns: r.stats.p99,
              maxNs: r.stats.max,
              samples: r.stats.samples.length,
            },
          ]
        : [],
    ),
  );
  const { cpu, runtime, arch } = report.context;
  await writeFile(
    values.json,
    `${JSON.stringify({ context: { cpu: cpu.name, runtime, node: process.version, arch }, benchmarks: figures }, null, 2)}\n`,
  );
  console.log(`bench: figures written to ${values.json}`);
}
