// `node --expose-gc bench/heap.ts [invocations]`: runs the Powertools trio and sentinel() (both
// tracing backends) for many invocations each, in the bench's Lambda-like environment, and samples
// the heap after a full GC every tenth of the run. A stack that keeps something per invocation grows
// linearly; one that does not is flat after warm-up. Prints the samples and the growth per 10,000
// invocations after the first tenth.
import { parseArgs } from 'node:util';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from './lambda-env.ts';
import type { BenchHandler } from './stacks.ts';

const { positionals } = parseArgs({ allowPositionals: true });
const invocations = Number(positionals[0] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc bench/heap.ts');
  process.exit(2);
}

await lambdaBenchEnvironment();
const { BENCH_API, sentinelStack } = await import('./stacks.ts');
const { trioStack } = await import('./trio-stack.ts');

const event = apiGatewayRestEvent(BENCH_API);
const stacks: Record<string, () => BenchHandler> = {
  'Powertools trio': trioStack,
  'sentinel(), xray': () => sentinelStack('xray'),
  'sentinel(), otel': () => sentinelStack('otel'),
};

const realWrite = process.stdout.write.bind(process.stdout);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
for (const [name, build] of Object.entries(stacks)) {
  const handler = build();
  const samples: number[] = [];
  const step = invocations / 10;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (let i = 1; i <= invocations; i++) {
      await handler(event, nextInvocation());
      if (i % 64 === 0) await settle();
      if (i % step === 0) {
        await settle();
        gc();
        samples.push(process.memoryUsage().heapUsed);
      }
    }
  } finally {
    process.stdout.write = realWrite;
  }
  const warm = samples[0] as number;
  const last = samples[samples.length - 1] as number;
  const per10k = ((last - warm) / (invocations - step)) * 10_000;
  console.log(
    `${name.padEnd(20)} heap after GC (MB, every ${step} invocations): ${samples.map(mb).join(' ')}; ` +
      `growth after the first tenth: ${(per10k / 1024).toFixed(1)} KiB per 10,000 invocations`,
  );
}
