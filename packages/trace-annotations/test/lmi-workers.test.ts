// Lambda Managed Instances as the Node.js runtime runs them: worker threads in
// one execution environment, each importing the bundled handler itself (init
// once per worker), many invocations at once in each. traceAnnotations with
// the sdkCapture it needs, each tracing backend: every handler span carries its
// own invocation's request id, tenant, source (kind, account, principal),
// cold start and security event, never another invocation's or worker's.
import { resolve } from 'node:path';
import {
  type Bundle,
  bundleHandler,
  fixtures,
  invokeManagedInstance,
  managedPlan,
  startTraceSinks,
  type TraceSinks,
} from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ANNOTATIONS = resolve(import.meta.dirname, '../src/index.ts');
const WORKERS = 3;
const PER_WORKER = 12;

const handlerSource = `
import middy from '@middy/core';
import { recordSecurityEvent } from '@lambda-sentinel/core';
import { sdkCapture } from '@lambda-sentinel/sdk-capture';
import { traceAnnotations } from ${JSON.stringify(ANNOTATIONS)};

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const probe = (type, severity, n) => recordSecurityEvent({ type, severity, message: type, detail: { n } });

export const handler = middy(async (event) => {
  const n = Number(event.body);
  await pause((n * 7) % 11);
  if (n % 3 === 0) probe('probe_low', 'low', n);
  await pause((n * 3) % 7);
  if (n % 3 === 2) {
    probe('probe_low', 'low', n);
    probe('probe_high', 'high', n);
  }
  return { statusCode: 200, body: String(n) };
})
  .use(sdkCapture())
  .use(
    traceAnnotations({
      hashPrincipal: false,
      annotations: (request) => ({ request_id: request.context.awsRequestId, n: Number(request.event.body) }),
    }),
  );
`;

let bundle: Bundle;
let sinks: TraceSinks;
beforeAll(async () => {
  sinks = await startTraceSinks();
  bundle = await bundleHandler({ source: handlerSource, resolveDir: import.meta.dirname, format: 'esm' });
}, 60_000);
afterAll(async () => {
  await sinks?.close();
});

/** Invocation n: its tenant (every 5th has none), calling account and principal. */
const tenantOf = (n: number) => (n % 5 === 4 ? undefined : `tenant-${n % 7}`);
const accountOf = (n: number) => `2109876543${String(n).padStart(2, '0')}`;
/** The most severe security event invocation n records: one low, none, or a low then a high one. */
const securityEventOf = (n: number) => ['probe_low', undefined, 'probe_high'][n % 3];

describe.each(['xray', 'otel'] as const)(
  'traceAnnotations on Lambda Managed Instances, %s backend',
  (kind) => {
    it(`${WORKERS} workers × ${PER_WORKER} concurrent invocations: each handler span carries its own invocation's facts`, async () => {
      const sink = sinks[kind];
      sink.clear();
      const plan = managedPlan(WORKERS, PER_WORKER, (n) => {
        const tenantId = tenantOf(n);
        return {
          event: fixtures.apigatewayRest({
            body: String(n),
            accountId: accountOf(n),
            authorizer: { principalId: `user-${n}` },
          }),
          ...(tenantId !== undefined ? { tenantId } : {}),
        };
      });
      const workers = await invokeManagedInstance(bundle.file, plan, {
        functionName: 'lmi-annotations',
        xrayDaemonAddress: sink.address,
        env: { SENTINEL_TRACING: kind },
        deadlineMs: 30_000,
      });
      for (const [w, worker] of workers.entries()) {
        const coldStarts: number[] = [];
        for (const [i, invocation] of worker.invocations.entries()) {
          const n = w * PER_WORKER + i;
          expect(invocation.result).toEqual({ statusCode: 200, body: String(n) });
          const { handler, spans } = await sink.trace(invocation.rootTraceId);
          expect(spans).toHaveLength(1);
          const { ColdStart, ...annotations } = handler.annotations;
          if (ColdStart === true) coldStarts.push(n);
          const tenant = tenantOf(n);
          const event = securityEventOf(n);
          expect(annotations, `invocation ${n}`).toEqual({
            Service: 'lmi-annotations',
            function_version: '$LATEST',
            source_kind: 'apigateway-rest',
            source_account: accountOf(n),
            principal: `user-${n}`,
            request_id: invocation.requestId,
            n,
            ...(tenant !== undefined ? { tenant_id: tenant } : {}),
            ...(event !== undefined ? { security_event: event } : {}),
          });
        }
        // Init runs once per worker: one cold start in each.
        expect(coldStarts, `worker ${w}`).toHaveLength(1);
      }
      expect(sink.count()).toBe(WORKERS * PER_WORKER);
    }, 60_000);
  },
);
