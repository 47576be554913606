// `node bench/cold-import.ts [rounds] [--invoke]`: the cold-start comparison measured INTERLEAVED,
// for a shared, noisy machine — each round starts one fresh Node process per bundle, in rotating
// order, importing it; prints each bundle's median time and its cost over the empty bundle, and
// the ratio to the trio's. With --invoke each process also calls the handler once with an API
// Gateway event: init plus the first invocation, so work put off until first use is counted.
// Same bundles as `pnpm bench cold-start` (bench/cold-bundles.ts).
import { parseArgs } from 'node:util';
import { buildBundles, importInFreshProcess } from './cold-bundles.ts';
import { apiGatewayRestEvent } from './lambda-env.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { invoke: { type: 'boolean' } },
});
const rounds = Number(positionals[0] ?? 25);
const invoke = values.invoke ? { event: apiGatewayRestEvent() } : undefined;
const { dir, bundles, sizes } = await buildBundles();
const names = ['empty', 'trio', 'sentinel', 'sentinelOtel', 'sentinelGuard'];
const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
const timed = (name: string) => {
  const start = performance.now();
  importInFreshProcess(bundles[name] as string, dir, invoke);
  return performance.now() - start;
};
for (const name of names) timed(name); // warm the file cache
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(round + k) % names.length] as string;
    times[name]?.push(timed(name));
  }
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
const empty = median(times.empty as number[]);
const trio = median(times.trio as number[]) - empty;
console.log(
  `${rounds} rounds, one fresh process per bundle each, rotating order${invoke ? ', import and one invocation' : ''}`,
);
for (const name of names) {
  const ms = median(times[name] as number[]);
  const cost = ms - empty;
  console.log(
    `  ${name.padEnd(13)} median ${ms.toFixed(1)} ms${name === 'empty' ? '' : `, ${invoke ? 'cold start' : 'import'} cost ${cost.toFixed(1)} ms = ${(cost / trio).toFixed(2)}× the trio's`}`,
  );
}
console.log(sizes.join('; '));
