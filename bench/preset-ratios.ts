// `node bench/preset-ratios.ts [--rounds N] [--invocations K] [--only trio|otel|xray] [--isolated [--runs R]]`:
// issue 16's figure — sentinel()'s overhead over bare Middy divided by the Powertools trio's, for
// both tracing backends — measured INTERLEAVED, for a shared, noisy machine. Each round runs K
// invocations of every stack back to back (order rotating between rounds), each invocation followed
// by one event-loop turn as in the mitata suite; it prints each stack's median time per invocation
// over N rounds and the overhead ratios computed from those medians, with the quartiles of the
// per-round ratios. A round that another process interrupts is an outlier the medians ignore, where
// a sequential run of each stack moves by ±20 % with the load.
//
// `--only trio|otel|xray` loads and measures just that stack against bare Middy, so the process holds
// only what a function using that stack loads: the trio loads the X-Ray SDK, and with it cls-hooked's
// async hooks, which every promise of every stack in the process then pays; a function tracing with
// `otel` never loads it. `--isolated` runs the three `--only` processes in turn, R times (default 5),
// and prints each stack's overhead over its own process's bare Middy and the ratios, per run and
// their median.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from './lambda-env.ts';

const STACKS = ['trio', 'otel', 'xray'] as const;
type Stack = (typeof STACKS)[number];
type Name = 'bare' | Stack;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '400' },
    invocations: { type: 'string', default: '100' },
    only: { type: 'string' },
    isolated: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const perRound = Number(values.invocations);
const only = values.only as Stack | undefined;
if (only !== undefined && !STACKS.includes(only)) throw new Error(`--only takes one of ${STACKS.join(', ')}`);

const median = (list: number[]) => quantile(list, 0.5);
function quantile(list: number[], q: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low);
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

if (values.isolated) {
  // One process per stack, in turn, so each holds only what its own function would load.
  const overheads: Record<Stack, number[]> = { trio: [], otel: [], xray: [] };
  for (let run = 0; run < Number(values.runs); run++) {
    const line: string[] = [];
    for (const stack of STACKS) {
      const out = execFileSync(
        process.execPath,
        [
          import.meta.filename,
          '--only',
          stack,
          '--json',
          '--rounds',
          String(rounds),
          '--invocations',
          String(perRound),
        ],
        { encoding: 'utf8' },
      );
      const { bare, stack: measured } = JSON.parse(out.trim().split('\n').at(-1) as string) as {
        bare: number;
        stack: number;
      };
      overheads[stack].push(measured - bare);
      line.push(
        `${stack} ${measured.toFixed(1)} − bare ${bare.toFixed(1)} = ${(measured - bare).toFixed(1)} µs`,
      );
    }
    const trio = overheads.trio.at(-1) as number;
    console.log(
      `run ${run + 1}: ${line.join('; ')}; otel ${((overheads.otel.at(-1) as number) / trio).toFixed(2)}×, xray ${((overheads.xray.at(-1) as number) / trio).toFixed(2)}× the trio's`,
    );
  }
  const ratios = (stack: Stack) => overheads[stack].map((o, i) => o / (overheads.trio[i] as number));
  for (const stack of ['otel', 'xray'] as const) {
    const r = ratios(stack);
    console.log(
      `sentinel() ${stack}, each stack in its own process: overhead ${median(r).toFixed(2)}× the trio's (runs ${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}); median overheads: ${stack} ${median(overheads[stack]).toFixed(1)} µs, trio ${median(overheads.trio).toFixed(1)} µs`,
    );
  }
  console.log(`load average ${load()}`);
  process.exit(0);
}

await lambdaBenchEnvironment();
// Imported after the environment is set: the X-Ray SDK reads it when it is loaded.
const { BENCH_API, bareMiddyStack, sentinelStack } = await import('./stacks.ts');
// Only when measured: it loads the X-Ray SDK, which an `otel`-only function never does.
const trioStack =
  only === undefined || only === 'trio' ? (await import('./trio-stack.ts')).trioStack : undefined;
const event = apiGatewayRestEvent(BENCH_API);
const build: Record<Stack, () => ReturnType<typeof bareMiddyStack>> = {
  trio: () => (trioStack as NonNullable<typeof trioStack>)(),
  otel: () => sentinelStack('otel'),
  xray: () => sentinelStack('xray'),
};
const names: Name[] = ['bare', ...(only ? [only] : STACKS)];
const stacks = Object.fromEntries(
  names.map((name) => [name, name === 'bare' ? bareMiddyStack() : build[name]()]),
) as Record<Name, ReturnType<typeof bareMiddyStack>>;

// Handlers log and print EMF: keep the terminal for the figures.
const realWrite = process.stdout.write.bind(process.stdout);

async function time(name: Name): Promise<number> {
  const handler = stacks[name];
  const start = performance.now();
  for (let i = 0; i < perRound; i++) {
    await handler(event, nextInvocation());
    await settle();
  }
  return ((performance.now() - start) * 1000) / perRound;
}

const perInvocation = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
  Name,
  number[]
>;
process.stdout.write = (() => true) as typeof process.stdout.write;
try {
  for (let warm = 0; warm < 10; warm++) for (const name of names) await time(name);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as Name;
      perInvocation[name].push(await time(name));
    }
  }
} finally {
  process.stdout.write = realWrite;
}

if (values.json) {
  console.log(
    JSON.stringify({ bare: median(perInvocation.bare), stack: median(perInvocation[only ?? 'trio']) }),
  );
  process.exit(0);
}
console.log(`${rounds} rounds × ${perRound} invocations per stack, interleaved; load average ${load()}`);
for (const name of names) {
  console.log(
    `  ${name.padEnd(5)} median ${median(perInvocation[name]).toFixed(1).padStart(6)} µs / invocation`,
  );
}
if (!only) {
  const overhead = (name: Stack) => median(perInvocation[name]) - median(perInvocation.bare);
  for (const backend of ['otel', 'xray'] as const) {
    const perRoundRatios = perInvocation[backend].map(
      (us, i) =>
        (us - (perInvocation.bare[i] as number)) /
        ((perInvocation.trio[i] as number) - (perInvocation.bare[i] as number)),
    );
    console.log(
      `sentinel() ${backend}: overhead ${(overhead(backend) / overhead('trio')).toFixed(2)}× the trio's (per-round quartiles ${quantile(perRoundRatios, 0.25).toFixed(2)}–${quantile(perRoundRatios, 0.75).toFixed(2)})`,
    );
  }
}
