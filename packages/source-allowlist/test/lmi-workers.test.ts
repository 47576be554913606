// Lambda Managed Instances as the Node.js runtime runs them: worker threads in
// one execution environment, each importing the bundled handler itself (init
// once per worker), many invocations at once in each. sourceAllowlist alone
// (a probe outside it reports what each invocation's state recorded): allowed
// and refused sources interleaved in every worker — API Gateway calls from the
// allowed API and tenant, from another API, from a tenant not allowed, SQS
// batches from the allowed queue and from another — each refusal is its own
// invocation's `source_rejected` event, `onRefuse` call, and 403 or error.
import { resolve } from 'node:path';
import {
  type Bundle,
  bundleHandler,
  fixtures,
  invokeManagedInstance,
  managedPlan,
  recordsByInvocation,
} from '@lambda-sentinel/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const ALLOWLIST = resolve(import.meta.dirname, '../src/index.ts');
const WORKERS = 3;
const PER_WORKER = 12;
const QUEUE = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };

const handlerSource = `
import { threadId } from 'node:worker_threads';
import middy from '@middy/core';
import { currentInvocationState, invocationState } from '@lambda-sentinel/core';
import { sourceAllowlist } from ${JSON.stringify(ALLOWLIST)};

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nOf = (event) => Number(event.body ?? event.Records?.[0]?.body);
const line = (fields) => process.stdout.write(JSON.stringify({ level: 'INFO', worker: threadId, ...fields }) + '\\n');
// Outside the allowlist: one line per invocation with what its state recorded.
const report = async (request) => {
  await pause(nOf(request.event) % 3);
  line({
    message: 'recorded',
    request_id: request.context.awsRequestId,
    n: nOf(request.event),
    events: invocationState(request).securityEvents.map((e) => ({ type: e.type, reason: e.detail.reason })),
  });
};

export const handler = middy(async (event) => {
  const n = nOf(event);
  await pause((n * 7) % 11);
  return { statusCode: 200, body: JSON.stringify({ n, worker: threadId }) };
})
  .use({ after: report, onError: report })
  .use({ before: async (request) => pause((nOf(request.event) * 5) % 7) })
  .use(
    sourceAllowlist({
      allow: [
        { kind: 'apigateway-rest', apiId: ${JSON.stringify(API.apiId)}, stage: ${JSON.stringify(API.stage)}, tenants: ['t-ok'] },
        { kind: 'sqs', arn: ${JSON.stringify(QUEUE('orders'))} },
      ],
      onRefuse: (refusal) =>
        line({ message: 'refused', request_id: currentInvocationState()?.requestId, reason: refusal.reason }),
    }),
  )
  // Inside the allowlist, an onError that awaits (as a flush would): other invocations run
  // between a refusal and the allowlist's own onError.
  .use({ onError: async (request) => pause((nOf(request.event) * 3) % 5) });
`;

let bundle: Bundle;
beforeAll(async () => {
  bundle = await bundleHandler({ source: handlerSource, resolveDir: import.meta.dirname, format: 'esm' });
}, 60_000);

/** Invocation n's source, by n % 6, and the reason it is refused (none when allowed). */
const CASES = [
  { kind: 'api', apiId: API.apiId, tenant: 't-ok' },
  { kind: 'api', apiId: 'zz9y8x7w6v', tenant: 't-ok', refused: 'no_matching_rule' },
  { kind: 'sqs', queue: 'orders' },
  { kind: 'sqs', queue: 'elsewhere', refused: 'no_matching_rule' },
  { kind: 'api', apiId: API.apiId, tenant: 't-other', refused: 'tenant_not_allowed' },
  { kind: 'api', apiId: API.apiId, tenant: 't-ok' },
] as const;
const caseOf = (n: number) => CASES[n % CASES.length]!;

describe('sourceAllowlist on Lambda Managed Instances', () => {
  it(`${WORKERS} workers × ${PER_WORKER} concurrent invocations, allowed and refused interleaved: each refusal is its own invocation's`, async () => {
    const plan = managedPlan(WORKERS, PER_WORKER, (n) => {
      const c = caseOf(n);
      return c.kind === 'api'
        ? { event: fixtures.apigatewayRest({ ...API, apiId: c.apiId, body: String(n) }), tenantId: c.tenant }
        : { event: fixtures.sqs({ queueArn: QUEUE(c.queue), body: String(n) }) };
    });
    const workers = await invokeManagedInstance(bundle.file, plan, {
      functionName: 'lmi-allowlist',
      deadlineMs: 30_000,
    });
    const lines = recordsByInvocation(
      workers,
      (w) => w.logs,
      (line) => line.request_id,
    );
    for (const [w, worker] of workers.entries()) {
      expect(worker.logs.every((line) => line.worker === worker.threadId)).toBe(true);
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        const c = caseOf(n);
        const refused = 'refused' in c ? c.refused : undefined;
        if (refused === undefined) {
          expect(invocation.error, `invocation ${n}`).toBeUndefined();
          expect(invocation.result).toEqual({
            statusCode: 200,
            body: JSON.stringify({ n, worker: worker.threadId }),
          });
        } else if (c.kind === 'api') {
          expect(invocation.error, `invocation ${n}`).toBeUndefined();
          expect((invocation.result as { statusCode: number }).statusCode, `invocation ${n}`).toBe(403);
        } else {
          expect(invocation.error?.name, `invocation ${n}`).toBe('InvocationSourceRejectedError');
        }
        // Its own lines only: onRefuse once when refused, then what its state recorded.
        expect(lines[w]![i], `invocation ${n}`).toEqual([
          ...(refused
            ? [
                {
                  level: 'INFO',
                  worker: worker.threadId,
                  message: 'refused',
                  request_id: invocation.requestId,
                  reason: refused,
                },
              ]
            : []),
          {
            level: 'INFO',
            worker: worker.threadId,
            message: 'recorded',
            request_id: invocation.requestId,
            n,
            events: refused ? [{ type: 'source_rejected', reason: refused }] : [],
          },
        ]);
      }
    }
  }, 60_000);
});
