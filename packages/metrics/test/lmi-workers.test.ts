// Lambda Managed Instances as the Node.js runtime runs them: worker threads in
// one execution environment, each importing the bundled handler itself (init
// once per worker), many invocations at once in each. emfMetrics alone: one
// main EMF document per invocation with its own request id and user metric
// values, its own security-event counts, and the resource figures read as
// docs/guide/metrics.md says they do under overlap — `concurrent_invocations`
// counts the invocations in flight in the worker's own thread, `CpuTime` and
// `EventLoopDelayMax` are the worker thread's own (shared only by the
// invocations of that thread), `ColdStart` once per worker.
import { resolve } from 'node:path';
import {
  type Bundle,
  bundleHandler,
  type EmfDocument,
  invokeManagedInstance,
  type ManagedWorkerResult,
  managedPlan,
  recordsByInvocation,
} from '@lambda-sentinel/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricValue, validEmf } from './emf-spec.ts';

const METRICS = resolve(import.meta.dirname, '../src/index.ts');

// Every invocation of a worker waits at a gate until all of that worker's invocations have
// started, so each worker has exactly PER_WORKER in flight at once. Then, in a worker told
// SPIN_MS, each spins that much of its own thread's CPU (a synchronous block of the loop).
const handlerSource = `
import { threadId } from 'node:worker_threads';
import middy from '@middy/core';
import { recordSecurityEvent } from '@lambda-sentinel/core';
import { createMetrics, emfMetrics } from ${JSON.stringify(METRICS)};

const metrics = createMetrics({ serviceName: 'lmi-metrics', namespace: 'LmiTest' });
const perWorker = Number(process.env.PER_WORKER);
const spinMs = Number(process.env.SPIN_MS ?? 0);
const waitMs = Number(process.env.WAIT_MS ?? 0);
let entered = 0;
let open;
const gate = new Promise((resolve) => { open = resolve; });
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMs = () => { const { user, system } = process.threadCpuUsage(); return (user + system) / 1000; };

export const handler = middy(async (event) => {
  const n = event.n;
  if (++entered === perWorker) open();
  metrics.addMetric('Orders', 'Count', n);
  await gate;
  await pause((n * 7) % 11);
  if (spinMs > 0) {
    const end = cpuMs() + spinMs;
    while (cpuMs() < end) {}
  }
  await pause(waitMs);
  for (let i = 0; i <= n % 3; i++) recordSecurityEvent({ type: 'probe_event', severity: 'low', message: 'probe', detail: { n } });
  metrics.addMetric('Orders', 'Count', n);
  await pause((n * 3) % 7);
  if (n % 4 === 3) throw new Error('failed ' + n);
  return { n, worker: threadId };
}).use(emfMetrics({ metrics }));
`;

let bundle: Bundle;
beforeAll(async () => {
  bundle = await bundleHandler({ source: handlerSource, resolveDir: import.meta.dirname, format: 'esm' });
}, 60_000);

const isMain = (doc: EmfDocument) => metricValue(doc, 'Duration') !== undefined;
const isCount = (doc: EmfDocument) => metricValue(doc, 'SecurityEvents') !== undefined;

/** Each worker's EMF documents, valid by the specification, sorted by invocation (ownership checked). */
function docsByInvocation(workers: ManagedWorkerResult[]): EmfDocument[][][] {
  for (const worker of workers) expect(validEmf(worker)).toHaveLength(worker.emf.length);
  return recordsByInvocation(
    workers,
    (w) => w.emf,
    (doc) => doc.request_id ?? `none: ${JSON.stringify(doc)}`,
  );
}

describe('emfMetrics on Lambda Managed Instances', () => {
  it('3 workers × 12 concurrent invocations: one main document each, its own values, counts and overlap', async () => {
    const WORKERS = 3;
    const PER_WORKER = 12;
    const plan = managedPlan(WORKERS, PER_WORKER, (n) => ({ event: { n } }));
    const workers = await invokeManagedInstance(bundle.file, plan, {
      functionName: 'lmi-metrics',
      env: { PER_WORKER: String(PER_WORKER) },
      deadlineMs: 30_000,
    });
    const docs = docsByInvocation(workers);
    for (const [w, worker] of workers.entries()) {
      // Init once per worker: exactly one cold start in each.
      expect(worker.emf.filter((doc) => doc.ColdStart === 1)).toHaveLength(1);
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        const failed = n % 4 === 3;
        if (failed) expect(invocation.error).toEqual({ name: 'Error', message: `failed ${n}` });
        else expect(invocation.result).toEqual({ n, worker: worker.threadId });

        const own = docs[w]![i]!;
        expect(own.filter((doc) => !isMain(doc) && !isCount(doc))).toEqual([]);
        const main = own.filter(isMain);
        expect(main, `invocation ${n}`).toHaveLength(1);
        const doc = main[0]!;
        // Only this invocation's user metric values, both of them.
        expect(doc.Orders).toEqual([n, n]);
        expect(doc.Errors).toBe(failed ? 1 : 0);
        expect(doc.outcome).toBe(failed ? 'error' : 'success');
        // The invocations in flight at once in this worker's thread: all of its own, none of the
        // other workers' (their middleware instances are their own, as is their module state).
        expect(doc.concurrent_invocations, `invocation ${n}`).toBe(String(PER_WORKER));
        expect(own.filter(isCount).map((c) => [c.event_type, c.SecurityEvents])).toEqual([
          ['probe_event', (n % 3) + 1],
        ]);
      }
    }
  }, 60_000);

  it.skipIf(typeof process.threadCpuUsage !== 'function')(
    "CpuTime and EventLoopDelayMax are the worker thread's: shared by its invocations, never another worker's",
    async () => {
      const PER_WORKER = 8;
      const SPIN_MS = 100;
      // Worker 0 spins 8 × 100 ms of its CPU, blocking its loop; worker 1 waits meanwhile.
      const plan = managedPlan(2, PER_WORKER, (n) => ({ event: { n } }));
      const workers = await invokeManagedInstance(bundle.file, plan, {
        functionName: 'lmi-metrics',
        env: { PER_WORKER: String(PER_WORKER) },
        workerEnv: (w) => (w === 0 ? { SPIN_MS: String(SPIN_MS) } : { WAIT_MS: '400' }),
        deadlineMs: 30_000,
      });
      const docs = docsByInvocation(workers);
      const [busy, idle] = [0, 1].map((w) => docs[w]!.map((own) => own.filter(isMain)[0]!));
      const figure = (list: EmfDocument[], name: 'CpuTime' | 'EventLoopDelayMax' | 'Duration') =>
        list.map((doc) => doc[name] as number);

      // The busy thread: each invocation's CPU includes its own spin, and the invocation that
      // ended last was in flight through every spin of its thread, so its figure holds them all.
      for (const cpu of figure(busy!, 'CpuTime')) expect(cpu).toBeGreaterThanOrEqual(SPIN_MS);
      expect(Math.max(...figure(busy!, 'CpuTime'))).toBeGreaterThanOrEqual(PER_WORKER * SPIN_MS);
      // Its loop was blocked for a whole spin while each of its invocations was in flight.
      for (const delay of figure(busy!, 'EventLoopDelayMax'))
        expect(delay).toBeGreaterThanOrEqual(SPIN_MS - 10);

      // The waiting thread overlapped the spins for 400 ms, yet none of that is in its figures:
      // another worker's CPU is not its CPU, another worker's loop is not its loop.
      for (const duration of figure(idle!, 'Duration')) expect(duration).toBeGreaterThanOrEqual(400);
      for (const cpu of figure(idle!, 'CpuTime')) expect(cpu).toBeLessThan(SPIN_MS);
      for (const delay of figure(idle!, 'EventLoopDelayMax')) expect(delay).toBeLessThan(SPIN_MS);
      for (const doc of [...busy!, ...idle!]) expect(doc.concurrent_invocations).toBe(String(PER_WORKER));
    },
    60_000,
  );
});
