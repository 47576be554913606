// `node --expose-gc bench/heap.ts [invocations]`: runs the Powertools trio and sentinel() (both
// tracing backends) for many invocations each, in the bench's Lambda-like environment, and samples
// the heap after a full GC every tenth of the run. A stack that keeps something per invocation grows
// linearly; one that does not is flat after warm-up. Prints the samples and the growth per 10,000
// invocations after the first tenth.
import { parseArgs } from 'node:util';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from './lambda-env.ts';

const { positionals } = parseArgs({ allowPositionals: true });
const invocations = Number(positionals[0] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc bench/heap.ts');
  process.exit(2);
}

await lambdaBenchEnvironment();
const middy = (await import('@middy/core')).default;
const { Logger } = await import('@aws-lambda-powertools/logger');
const { injectLambdaContext } = await import('@aws-lambda-powertools/logger/middleware');
const { Metrics } = await import('@aws-lambda-powertools/metrics');
const { logMetrics } = await import('@aws-lambda-powertools/metrics/middleware');
const { Tracer } = await import('@aws-lambda-powertools/tracer');
const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
const { createLogger } = await import('@lambda-sentinel/logger');
const { createMetrics } = await import('@lambda-sentinel/metrics');
const { sentinel } = await import('@lambda-sentinel/preset');

const event = apiGatewayRestEvent({ apiId: 'a1b2c3d4e5', stage: 'prod' });
interface Sink {
  info(message: string, extra: object): void;
}
interface Store {
  addMetric(name: string, unit: 'Count', value: number): unknown;
}
/** One log line and one metric: the same work in every stack, through its own instances. */
const work = (logger: unknown, metrics: unknown) => async () => {
  (logger as Sink).info('order received', { path: event.path });
  (metrics as Store).addMetric('OrdersReceived', 'Count', 1);
  return { statusCode: 200, body: '{"ok":true}' };
};

const stacks: Record<string, () => (e: unknown, c: unknown) => Promise<unknown>> = {
  'Powertools trio': () => {
    const logger = new Logger({ serviceName: 'bench' });
    const metrics = new Metrics({ namespace: 'LambdaSentinelBench', serviceName: 'bench' });
    return middy(work(logger, metrics))
      .use(captureLambdaHandler(new Tracer({ serviceName: 'bench' })))
      .use(logMetrics(metrics))
      .use(injectLambdaContext(logger)) as never;
  },
  ...Object.fromEntries(
    (['xray', 'otel'] as const).map((tracing) => [
      `sentinel(), ${tracing}`,
      () => {
        const logger = createLogger({ serviceName: 'bench' });
        const metrics = createMetrics({ serviceName: 'bench', namespace: 'LambdaSentinelBench' });
        return middy(work(logger, metrics)).use(
          sentinel({
            serviceName: 'bench',
            allow: [{ kind: 'apigateway-rest', apiId: 'a1b2c3d4e5', stage: 'prod' }],
            logger,
            metrics,
            tracing,
          }),
        ) as never;
      },
    ]),
  ),
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
