// `node bench/preset-ratios.ts [--rounds N] [--invocations K]`: issue 16's figure — sentinel()'s
// overhead over bare Middy divided by the Powertools trio's, for both tracing backends — measured
// INTERLEAVED, for a shared, noisy machine. Each round runs K invocations of every stack back to back
// (order rotating between rounds), each invocation followed by one event-loop turn as in the mitata
// suite; the per-round ratio (stack − bare) / (trio − bare) is collected and the median of N rounds
// is printed with its quartiles, next to each stack's median time per invocation. A round that
// another process interrupts is an outlier the median ignores, where a sequential run of each stack
// moves by ±20 % with the load.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from './lambda-env.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '60' },
    invocations: { type: 'string', default: '100' },
  },
});
const rounds = Number(values.rounds);
const perRound = Number(values.invocations);

await lambdaBenchEnvironment();
// Imported after the environment is set: the X-Ray SDK reads it when it is loaded.
const { BENCH_API, bareMiddyStack, sentinelStack, trioStack } = await import('./stacks.ts');
const event = apiGatewayRestEvent(BENCH_API);
const stacks = {
  bare: bareMiddyStack(),
  trio: trioStack(),
  otel: sentinelStack('otel'),
  xray: sentinelStack('xray'),
};
type Name = keyof typeof stacks;
const names = Object.keys(stacks) as Name[];

// Handlers log and print EMF: keep the terminal for the figures.
const realWrite = process.stdout.write.bind(process.stdout);
const quiet = (() => true) as typeof process.stdout.write;

async function time(name: Name): Promise<number> {
  const handler = stacks[name];
  const start = performance.now();
  for (let i = 0; i < perRound; i++) {
    await handler(event, nextInvocation());
    await settle();
  }
  return ((performance.now() - start) * 1000) / perRound;
}

const perInvocation: Record<Name, number[]> = { bare: [], trio: [], otel: [], xray: [] };
const ratios: Record<'otel' | 'xray', number[]> = { otel: [], xray: [] };
process.stdout.write = quiet;
try {
  for (let warm = 0; warm < 5; warm++) for (const name of names) await time(name);
  for (let round = 0; round < rounds; round++) {
    const us = {} as Record<Name, number>;
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as Name;
      us[name] = await time(name);
    }
    for (const name of names) perInvocation[name].push(us[name]);
    for (const backend of ['otel', 'xray'] as const) {
      ratios[backend].push((us[backend] - us.bare) / (us.trio - us.bare));
    }
  }
} finally {
  process.stdout.write = realWrite;
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low);
};

console.log(
  `${rounds} rounds × ${perRound} invocations per stack, interleaved; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const name of names) {
  console.log(
    `  ${name.padEnd(5)} median ${quantile(perInvocation[name], 0.5).toFixed(1).padStart(6)} µs / invocation`,
  );
}
for (const backend of ['otel', 'xray'] as const) {
  const r = ratios[backend];
  console.log(
    `sentinel() ${backend}: overhead ${quantile(r, 0.5).toFixed(2)}× the trio's (quartiles ${quantile(r, 0.25).toFixed(2)}–${quantile(r, 0.75).toFixed(2)})`,
  );
}
