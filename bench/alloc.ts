// `node bench/alloc.ts <trio|xray|otel> [invocations]`: what one invocation of a whole stack allocates
// (garbage included), from V8's sampling heap profiler, with the functions that allocate the most.
// Allocation is what the garbage collector later pays for, so it is the other half of "where does
// the time go" next to bench/profile.ts's CPU profile.
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from './lambda-env.ts';

const STACKS = ['trio', 'xray', 'otel'] as const;
const { positionals } = parseArgs({ allowPositionals: true });
const which = positionals[0] as (typeof STACKS)[number] | undefined;
const invocations = Number(positionals[1] ?? 5000);
if (!which || !STACKS.includes(which)) {
  console.error(`usage: node bench/alloc.ts <${STACKS.join('|')}> [invocations]`);
  process.exit(2);
}

await lambdaBenchEnvironment();
const { BENCH_API, sentinelStack } = await import('./stacks.ts');
const handler = which === 'trio' ? (await import('./trio-stack.ts')).trioStack() : sentinelStack(which);
const event = apiGatewayRestEvent(BENCH_API);

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const realWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (() => true) as typeof process.stdout.write;
let head: ProfileNode;
try {
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await handler(event, nextInvocation());
      await settle();
    }
  };
  await run(3000); // warm up: JIT, lazy imports, caches
  const session = new Session();
  session.connect();
  // Objects the collector has already freed count too: they are the garbage.
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run(invocations);
  ({
    profile: { head },
  } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
    profile: { head: ProfileNode };
  });
} finally {
  process.stdout.write = realWrite;
}

const byFunction = new Map<string, number>();
let total = 0;
const visit = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  total += node.selfSize;
  if (node.selfSize) byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) visit(child);
};
visit(head);
console.log(`${which}: about ${(total / invocations / 1024).toFixed(1)} KiB allocated per invocation`);
for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`  ${(bytes / invocations).toFixed(0).padStart(6)} B  ${key}`);
}
