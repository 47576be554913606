// Source allowlist: its per-invocation cost against bare Middy, on an API Gateway REST event (allowed,
// and a forged API id refused with a 403) and on a 1,000-record SQS batch (every record judged).
// Classification (core's classifyEvent) is included: the allowlist is what runs it.
import { sourceAllowlist } from '@lambda-sentinel/source-allowlist';
import { fixtures } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { bench, group, summary } from 'mitata';
import {
  accountId,
  apiGatewayRestEvent,
  lambdaBenchEnvironment,
  nextInvocation,
  region,
} from '../lambda-env.ts';

await lambdaBenchEnvironment();

const queueArn = `arn:aws:sqs:${region}:${accountId}:orders`;
const allow = [
  { kind: 'apigateway-rest' as const, apiId: 'a1b2c3d4e5', stage: 'prod' },
  { kind: 'sqs' as const, arn: [queueArn, `arn:aws:sqs:${region}:${accountId}:orders-*`] },
];

const handler = async () => ({ statusCode: 200, body: '{"ok":true}' });
const bare = middy(handler);
const guarded = middy(handler).use(sourceAllowlist({ allow }));
const observing = middy(handler).use(sourceAllowlist({ mode: 'observe', allow }));

const apiEvent = apiGatewayRestEvent();
const forgedApiEvent = apiGatewayRestEvent({ apiId: 'evil000000' });
const sqsBatch = fixtures.sqs({ queueArn, records: 1000 });

// A broken setup must fail loudly here, not be measured.
const check = async (name: string, run: () => Promise<unknown>, statusCode: number) => {
  const result = (await run()) as { statusCode?: number };
  if (result?.statusCode !== statusCode)
    throw new Error(`source-allowlist: ${name} returned ${JSON.stringify(result)}`);
};
await check('allowed API event', () => guarded(apiEvent, nextInvocation()), 200);
await check('forged API event', () => guarded(forgedApiEvent, nextInvocation()), 403);
await check('SQS batch', () => guarded(sqsBatch, nextInvocation()), 200);
await check('observe mode', () => observing(sqsBatch, nextInvocation()), 200);

group('API Gateway REST event', () => {
  summary(() => {
    bench('bare Middy', async () => {
      await bare(apiEvent, nextInvocation());
    }).baseline(true);
    bench('+ sourceAllowlist (allowed)', async () => {
      await guarded(apiEvent, nextInvocation());
    });
    bench('+ sourceAllowlist (forged api id, 403)', async () => {
      await guarded(forgedApiEvent, nextInvocation());
    });
  });
});

group('SQS batch, 1,000 records', () => {
  summary(() => {
    bench('bare Middy', async () => {
      await bare(sqsBatch, nextInvocation());
    }).baseline(true);
    bench('+ sourceAllowlist (allowed)', async () => {
      await guarded(sqsBatch, nextInvocation());
    });
    bench('+ sourceAllowlist, observe mode', async () => {
      await observing(sqsBatch, nextInvocation());
    });
  });
});
