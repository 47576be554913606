// `node bench/profile.ts <case> [invocations]`: runs one stack many times in the bench's Lambda-like
// environment under the V8 CPU profiler, writes the .cpuprofile to bench/.profiles/ (open it in
// Chrome DevTools or speedscope) and prints the functions with the most self time, grouped by
// package, so "where does the time go" is answered from a measurement, not a guess.
import { mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from './lambda-env.ts';

const CASES = ['powertools-tracer', 'xray', 'otel', 'trio', 'sentinel-xray', 'sentinel-otel'] as const;
type Case = (typeof CASES)[number];

const { positionals } = parseArgs({ allowPositionals: true });
const which = positionals[0] as Case | undefined;
const invocations = Number(positionals[1] ?? 20_000);
if (!which || !CASES.includes(which)) {
  console.error(`usage: node bench/profile.ts <${CASES.join('|')}> [invocations]`);
  process.exit(2);
}

await lambdaBenchEnvironment();
const middy = (await import('@middy/core')).default;
const event = apiGatewayRestEvent({ apiId: 'a1b2c3d4e5', stage: 'prod' });
const tags = { owner: 'team-bench', environment: 'bench', lifecycle: 'ga' };

async function build(name: Case) {
  if (name === 'trio') return (await import('./trio-stack.ts')).trioStack();
  if (name === 'sentinel-xray' || name === 'sentinel-otel') {
    return (await import('./stacks.ts')).sentinelStack(name === 'sentinel-xray' ? 'xray' : 'otel');
  }
  const bare = async () => ({ statusCode: 200, body: '{"ok":true}' });
  if (name === 'powertools-tracer') {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
    return middy(bare).use(captureLambdaHandler(new Tracer({ serviceName: 'bench' })));
  }
  const { sdkCapture } = await import('@lambda-sentinel/sdk-capture');
  const { traceAnnotations } = await import('@lambda-sentinel/trace-annotations');
  return middy(bare)
    .use(sdkCapture({ backend: name }))
    .use(traceAnnotations({ serviceName: 'bench', tags }));
}

const handler = await build(which);
// Handlers log and emit EMF: keep the terminal for the summary.
const realWrite = process.stdout.write.bind(process.stdout);
const run = async (n: number) => {
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (let i = 0; i < n; i++) {
      await handler(event, nextInvocation());
      await settle();
    }
  } finally {
    process.stdout.write = realWrite;
  }
};
await run(2_000); // warm up: JIT, lazy imports

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const started = performance.now();
await run(invocations);
const elapsed = performance.now() - started;
const { profile } = await session.post('Profiler.stop');

const dir = resolve(import.meta.dirname, '.profiles');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${which}-${Date.now()}.cpuprofile`);
await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify(profile)));

// Self time per node: samples whose leaf is the node, times the sampling interval.
const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples?.length ?? 1);
const selfUs = new Map<number, number>();
for (const id of profile.samples ?? []) selfUs.set(id, (selfUs.get(id) ?? 0) + interval);
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const pkg =
    /node_modules\/\.pnpm\/([^/]+)/.exec(url)?.[1]?.replace(/@[\d.]+.*$/, '') ??
    (/packages\/([^/]+)\//.exec(url)?.[1]
      ? `@lambda-sentinel/${/packages\/([^/]+)\//.exec(url)?.[1]}`
      : undefined) ??
    (url.startsWith('node:') ? 'node' : url === '' ? `(${functionName || 'program'})` : 'other');
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
}
const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
const top = (map: Map<string, number>, n: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);

console.log(
  `${which}: ${invocations} invocations in ${elapsed.toFixed(0)} ms = ${((elapsed / invocations) * 1000).toFixed(1)} µs each`,
);
console.log(`profile: ${file}\n\nself time by package:`);
for (const line of top(byPackage, 15)) console.log(`  ${line}`);
console.log('\nself time by function:');
for (const line of top(byFunction, 30)) console.log(`  ${line}`);
