// Lambda Managed Instances as the Node.js runtime runs them: several worker
// threads in one execution environment, each importing the function itself
// (init once per worker) and serving many invocations at once. The whole
// sentinel() stack, bundled as deployed, under 3 workers × 16 concurrent
// invocations with tenants: every log line, EMF document, security event and
// trace must carry its own invocation's request id and tenant, in the worker
// that ran it, with both tracing backends.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type Bundle,
  bundleHandler,
  type EmfDocument,
  fixtures,
  invokeManagedInstance,
  type LogRecord,
  type ManagedWorkerResult,
  startTraceSinks,
  type TraceSinks,
} from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PRESET = resolve(import.meta.dirname, '../src/index.ts');
const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };
const ALLOWED_TENANTS = ['t-0', 't-1', 't-2', 't-3'];
const WORKERS = 3;
const PER_WORKER = 16;

const handlerSource = `
import { threadId } from 'node:worker_threads';
import middy from '@middy/core';
import { recordSecurityEvent } from '@lambda-sentinel/core';
import { createLogger } from '@lambda-sentinel/logger';
import { createMetrics } from '@lambda-sentinel/metrics';
import { sentinel } from ${JSON.stringify(PRESET)};

const logger = createLogger({ serviceName: 'lmi' });
const metrics = createMetrics({ serviceName: 'lmi', namespace: 'LmiTest' });
logger.info('worker init', { worker: threadId });
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = middy(async (event) => {
  const n = Number(event.body);
  logger.info('handling', { n, worker: threadId });
  await pause((n * 7) % 11);
  recordSecurityEvent({ type: 'probe_event', severity: 'low', message: 'probe', detail: { n } });
  metrics.addMetric('Orders', 'Count', n);
  await pause((n * 3) % 7);
  logger.info('handled', { n, worker: threadId });
  return { statusCode: 200, body: JSON.stringify({ n, worker: threadId }) };
}).use(
  sentinel({
    serviceName: 'lmi',
    logger,
    metrics,
    tenantDimension: true,
    allow: [{ kind: 'apigateway-rest', apiId: ${JSON.stringify(API.apiId)}, stage: ${JSON.stringify(API.stage)}, tenants: ${JSON.stringify(ALLOWED_TENANTS)} }],
  }),
);
`;

let bundle: Bundle;
let sinks: TraceSinks;
beforeAll(async () => {
  sinks = await startTraceSinks();
  bundle = await bundleHandler({ source: handlerSource, resolveDir: import.meta.dirname, format: 'esm' });
}, 120_000);
afterAll(async () => {
  await sinks?.close();
});

/** Invocation n: its tenant (every 5th has none; `t-4`, `t-5` are not allowed). */
const tenantOf = (n: number): string | undefined => (n % 5 === 4 ? undefined : `t-${n % 6}`);
const allowedFor = (n: number) => ALLOWED_TENANTS.includes(tenantOf(n) ?? '');
const nOf = (line: Record<string, unknown>): number | undefined => {
  const n = line.n ?? (line.security_event as { detail?: { n?: number } } | undefined)?.detail?.n;
  return typeof n === 'number' ? n : undefined;
};

describe.each(['xray', 'otel'] as const)('sentinel() on Lambda Managed Instances, traced with %s', (kind) => {
  it(`${WORKERS} workers × ${PER_WORKER} concurrent invocations: nothing crosses invocations or workers`, async () => {
    const sink = sinks[kind];
    const plan = Array.from({ length: WORKERS }, (_, w) =>
      Array.from({ length: PER_WORKER }, (_, i) => {
        const n = w * PER_WORKER + i;
        const tenantId = tenantOf(n);
        return {
          event: fixtures.apigatewayRest({ ...API, body: String(n) }),
          ...(tenantId !== undefined ? { tenantId } : {}),
        };
      }),
    );
    const started = Date.now();
    const workers: ManagedWorkerResult[] = await invokeManagedInstance(bundle.file, plan, {
      functionName: 'lmi',
      xrayDaemonAddress: sink.address,
      env: { SENTINEL_TRACING: kind },
      deadlineMs: 60_000,
    });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(new Set(workers.map((w) => w.threadId)).size).toBe(WORKERS);

    // Who is who: request id → (invocation number, tenant, worker).
    const owner = new Map<string, { n: number; tenant: string | undefined; worker: number }>();
    for (const [w, worker] of workers.entries()) {
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        owner.set(invocation.requestId, { n, tenant: tenantOf(n), worker: w });
      }
    }
    expect(owner.size).toBe(WORKERS * PER_WORKER);

    for (const [w, worker] of workers.entries()) {
      // Init ran once per worker, in that worker.
      expect(worker.logs.filter((l) => l.message === 'worker init').map((l) => l.worker)).toEqual([
        worker.threadId,
      ]);

      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        const allowed = allowedFor(n);
        expect(invocation.error, `invocation ${n}`).toBeUndefined();
        const response = invocation.result as { statusCode: number; body: string };
        expect(response.statusCode, `invocation ${n} (tenant ${tenantOf(n)})`).toBe(allowed ? 200 : 403);
        if (allowed) expect(JSON.parse(response.body)).toEqual({ n, worker: worker.threadId });
      }

      // Every log line of an invocation carries its request id and tenant, and names only its own n.
      const invocationLines = worker.logs.filter((line) => line.function_request_id !== undefined);
      for (const line of invocationLines) {
        const who = owner.get(line.function_request_id as string);
        expect(who, JSON.stringify(line)).toBeDefined();
        expect(who!.worker, JSON.stringify(line)).toBe(w);
        if (who!.tenant === undefined) expect(line, JSON.stringify(line)).not.toHaveProperty('tenant_id');
        else expect(line.tenant_id, JSON.stringify(line)).toBe(who!.tenant);
        const n = nOf(line);
        if (n !== undefined) expect(n, JSON.stringify(line)).toBe(who!.n);
        if (line.worker !== undefined) expect(line.worker).toBe(worker.threadId);
      }
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        const own = invocationLines.filter((line) => line.function_request_id === invocation.requestId);
        const events = own.filter((line) => line.security_event !== undefined);
        const types = events.map((line) => (line.security_event as { type: string }).type);
        if (allowedFor(n)) {
          expect(own.map((l) => l.message)).toEqual(expect.arrayContaining(['handling', 'handled', 'probe']));
          expect(types).toEqual(['probe_event']);
        } else {
          expect(own.filter((l: LogRecord) => l.message === 'handling')).toEqual([]);
          expect(types).toEqual(['source_rejected']);
          const detail = (events[0]!.security_event as { detail: Record<string, unknown> }).detail;
          expect(detail.reason).toBe('tenant_not_allowed');
        }
      }

      // EMF: one main document per invocation, in its worker, with its own tenant and values.
      for (const doc of worker.emf) {
        const who = owner.get(doc.request_id as string);
        expect(who, JSON.stringify(doc)).toBeDefined();
        expect(who!.worker).toBe(w);
        if (doc.Duration !== undefined) {
          if (who!.tenant === undefined) expect(doc).not.toHaveProperty('tenant_id');
          else expect(doc.tenant_id).toBe(who!.tenant);
          if (allowedFor(who!.n)) expect(doc.Orders).toBe(who!.n);
          else expect(doc).not.toHaveProperty('Orders');
        }
      }
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        const docs = worker.emf.filter((doc: EmfDocument) => doc.request_id === invocation.requestId);
        expect(docs.filter((doc) => doc.Duration !== undefined)).toHaveLength(1);
        expect(docs.filter((doc) => doc.SecurityEvents !== undefined).map((doc) => doc.event_type)).toEqual([
          allowedFor(n) ? 'probe_event' : 'source_rejected',
        ]);
      }
    }

    // Traces: each invocation's handler span carries its own tenant and its own security event.
    for (const worker of workers) {
      for (const invocation of worker.invocations) {
        const who = owner.get(invocation.requestId)!;
        const { handler: span } = await sink.trace(invocation.rootTraceId);
        expect(span.annotations.tenant_id, `trace of ${who.n}`).toBe(who.tenant);
        expect(span.annotations.security_event).toBe(allowedFor(who.n) ? 'probe_event' : 'source_rejected');
      }
    }
  }, 120_000);
});

const RUNTIME_GUARD = resolve(import.meta.dirname, '../../runtime-guard/src/index.ts');
const guardedSource = `
import { threadId } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import middy from '@middy/core';
import { runtimeGuard } from ${JSON.stringify(RUNTIME_GUARD)};
import { sentinel } from ${JSON.stringify(PRESET)};

// Only the worker told so builds a guard at init: writes outside /nowhere are blocked there.
const guarded = process.env.GUARDED === '1';
const guard = guarded ? runtimeGuard({ mode: 'allow', fileWrite: { mode: 'block', allow: ['/nowhere/**'] } }) : false;

export const handler = middy(async (event) => {
  const n = Number(event.body);
  await new Promise((resolve) => setTimeout(resolve, n % 5));
  let outcome = 'written';
  try {
    writeFileSync(join(process.env.OUT_DIR, 'file-' + n), 'x');
  } catch (error) {
    outcome = error.name;
  }
  return { statusCode: 200, body: JSON.stringify({ n, worker: threadId, guarded, outcome }) };
}).use(
  sentinel({
    serviceName: 'lmi-guard',
    tracing: false,
    allow: [{ kind: 'apigateway-rest', apiId: ${JSON.stringify(API.apiId)}, stage: ${JSON.stringify(API.stage)} }],
    guard,
  }),
);
`;

describe('the runtime guard on Lambda Managed Instances', () => {
  it("one worker's guard policy governs that worker only", async () => {
    const guardedBundle = await bundleHandler({
      source: guardedSource,
      resolveDir: import.meta.dirname,
      format: 'esm',
    });
    const outDir = mkdtempSync(join(tmpdir(), 'sentinel-lmi-guard-'));
    const plan = [0, 1].map((w) =>
      Array.from({ length: 6 }, (_, i) => ({
        event: fixtures.apigatewayRest({ ...API, body: String(w * 6 + i) }),
      })),
    );
    const workers = await invokeManagedInstance(guardedBundle.file, plan, {
      functionName: 'lmi-guard',
      env: { OUT_DIR: outDir },
      workerEnv: (w) => ({ GUARDED: w === 0 ? '1' : '0' }),
      deadlineMs: 60_000,
    });
    const [guardedWorker, freeWorker] = workers as [ManagedWorkerResult, ManagedWorkerResult];
    const bodies = (worker: ManagedWorkerResult) =>
      worker.invocations.map(
        (i) => JSON.parse((i.result as { body: string }).body) as Record<string, unknown>,
      );
    for (const body of bodies(guardedWorker)) {
      expect(body).toMatchObject({ guarded: true, outcome: 'RuntimeGuardViolationError' });
    }
    for (const body of bodies(freeWorker)) expect(body).toMatchObject({ guarded: false, outcome: 'written' });
    // Each blocked write is a guard_violation of its own invocation, in the guarded worker only.
    const violations = (worker: ManagedWorkerResult) =>
      worker.logs.filter(
        (l) => (l.security_event as { type?: string } | undefined)?.type === 'guard_violation',
      );
    expect(violations(freeWorker)).toEqual([]);
    const requestIds = guardedWorker.invocations.map((i) => i.requestId);
    expect(
      violations(guardedWorker)
        .map((l) => l.function_request_id)
        .sort(),
    ).toEqual([...requestIds].sort());
  }, 120_000);
});
