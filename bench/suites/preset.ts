// The whole sentinel() stack against the Powertools trio on the same handler doing the same logging
// and metric work (issue 16's target: sentinel()'s overhead over bare Middy at most the trio's), plus
// bare Middy for the overhead arithmetic.
import { bench, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';
import { BENCH_API, bareMiddyStack, sentinelStack } from '../stacks.ts';
import { trioStack } from '../trio-stack.ts';

await lambdaBenchEnvironment();

const event = apiGatewayRestEvent(BENCH_API);
const bareMiddy = bareMiddyStack();
const trio = trioStack();
const sentinelXray = sentinelStack('xray');
const sentinelOtel = sentinelStack('otel');

for (const [name, handler] of [
  ['bare Middy', bareMiddy],
  ['Powertools trio', trio],
  ['sentinel() xray', sentinelXray],
  ['sentinel() otel', sentinelOtel],
] as const) {
  const result = await handler(event, nextInvocation());
  if (result?.statusCode !== 200) throw new Error(`preset bench: ${name} returned ${JSON.stringify(result)}`);
}

summary(() => {
  bench('bare Middy (same work)', async () => {
    await bareMiddy(event, nextInvocation());
    await settle();
  }).baseline(true);
  bench('Powertools trio (logger + tracer + metrics)', async () => {
    await trio(event, nextInvocation());
    await settle();
  });
  bench('sentinel(), xray', async () => {
    await sentinelXray(event, nextInvocation());
    await settle();
  });
  bench('sentinel(), otel', async () => {
    await sentinelOtel(event, nextInvocation());
    await settle();
  });
});
