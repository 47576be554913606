// `node bench/cold-import.ts [rounds]`: the cold-start comparison measured INTERLEAVED, for a
// shared, noisy machine — each round starts one fresh Node process per bundle, in rotating order,
// importing it; prints each bundle's median time and its import cost over the empty bundle, and
// the ratio to the trio's. Same bundles as `pnpm bench cold-start` (bench/cold-bundles.ts).
import { buildBundles, importInFreshProcess } from './cold-bundles.ts';

const rounds = Number(process.argv[2] ?? 25);
const { dir, bundles, sizes } = await buildBundles();
const names = ['empty', 'trio', 'sentinel', 'sentinelOtel', 'sentinelGuard'];
const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
const timed = (name: string) => {
  const start = performance.now();
  importInFreshProcess(bundles[name] as string, dir);
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
console.log(`${rounds} rounds, one fresh process per bundle each, rotating order`);
for (const name of names) {
  const ms = median(times[name] as number[]);
  const cost = ms - empty;
  console.log(
    `  ${name.padEnd(13)} median ${ms.toFixed(1)} ms${name === 'empty' ? '' : `, import cost ${cost.toFixed(1)} ms = ${(cost / trio).toFixed(2)}× the trio's`}`,
  );
}
console.log(sizes.join('; '));
