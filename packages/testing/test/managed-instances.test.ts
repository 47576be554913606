import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invokeManagedInstance, managedPlan, recordsByInvocation } from '../src/index.ts';

// Handler modules as plain JavaScript files: each worker imports the file itself, like the runtime.
const HANDLER = `
import { threadId } from 'node:worker_threads';
let inits = 0;
inits += 1;
const order = [];
console.log(JSON.stringify({ level: 'INFO', message: 'init', threadId }));
// An open handle, as SDKs and samplers leave: the harness must still return.
setInterval(() => {}, 1000);
const store = () => globalThis.awslambda.InvokeStore;
export const handler = async (event, context) => {
  // All of a worker's invocations start in the same tick: none has ended when any starts.
  const startedBeforeAnyEnded = !order.some((entry) => entry.startsWith('end'));
  order.push('start ' + event.n);
  const seen = [];
  for (let step = 0; step < 3; step++) {
    await new Promise((resolve) => setTimeout(resolve, (event.n * 7 + step * 3) % 5));
    seen.push([store().getRequestId(), store().getXRayTraceId(), store().getTenantId()]);
  }
  console.log(JSON.stringify({ level: 'INFO', message: 'invoked', n: event.n, requestId: context.awsRequestId }));
  order.push('end ' + event.n);
  return {
    n: event.n,
    threadId,
    inits,
    requestId: context.awsRequestId,
    tenantId: context.tenantId,
    seen,
    startedBeforeAnyEnded,
    env: {
      init: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
      max: process.env.AWS_LAMBDA_MAX_CONCURRENCY,
      workers: process.env.AWS_LAMBDA_NODEJS_WORKER_COUNT,
      traceEnv: process.env._X_AMZN_TRACE_ID,
      daemon: process.env.AWS_XRAY_DAEMON_ADDRESS,
      extra: process.env.EXTRA,
    },
  };
};
export const fails = async (event) => {
  if (event.n % 2) throw new TypeError('odd ' + event.n);
  return event.n;
};
export const hangs = () => new Promise(() => {});
`;

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-lmi-test-'));
  writeFileSync(file('handler.mjs'), HANDLER);
  writeFileSync(file('broken.mjs'), "throw new Error('init exploded');\n");
  // Init that never finishes, with a timer keeping the thread alive.
  writeFileSync(
    file('stuck.mjs'),
    'setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport const handler = () => 1;\n',
  );
});

describe('invokeManagedInstance', () => {
  it('runs N worker threads × M concurrent invocations, init once per worker, each invocation in its own context', async () => {
    const workers = 3;
    const perWorker = 8;
    const plan = Array.from({ length: workers }, (_, w) =>
      Array.from({ length: perWorker }, (_, i) => ({
        event: { n: w * perWorker + i },
        ...(i % 4 === 3 ? {} : { tenantId: `tenant-${(w + i) % 5}` }),
      })),
    );
    const results = await invokeManagedInstance(file('handler.mjs'), plan, {
      xrayDaemonAddress: '127.0.0.1:2999',
      env: { EXTRA: 'x' },
    });
    expect(results).toHaveLength(workers);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(workers);
    const requestIds = new Set<string>();
    for (const [w, worker] of results.entries()) {
      // Init ran once in this worker, and its output is this worker's.
      expect(worker.logs.filter((line) => line.message === 'init')).toEqual([
        { level: 'INFO', message: 'init', threadId: worker.threadId },
      ]);
      expect(worker.invocations).toHaveLength(perWorker);
      for (const [i, invocation] of worker.invocations.entries()) {
        const planned = plan[w]![i]!;
        requestIds.add(invocation.requestId);
        expect(invocation.error).toBeUndefined();
        expect(invocation.tenantId).toBe(planned.tenantId);
        expect(invocation.traceId).toContain(`Root=${invocation.rootTraceId};Parent=${invocation.parentId}`);
        expect(invocation.result).toEqual({
          n: (planned.event as { n: number }).n,
          threadId: worker.threadId,
          inits: 1,
          requestId: invocation.requestId,
          tenantId: planned.tenantId,
          seen: [1, 2, 3].map(() => [invocation.requestId, invocation.traceId, planned.tenantId]),
          startedBeforeAnyEnded: true,
          env: {
            init: 'lambda-managed-instances',
            max: String(workers * perWorker),
            workers: String(workers),
            traceEnv: undefined,
            daemon: '127.0.0.1:2999',
            extra: 'x',
          },
        });
        const line = worker.logs.find(
          (l) => l.message === 'invoked' && l.n === (planned.event as { n: number }).n,
        );
        expect(line?.requestId).toBe(invocation.requestId);
      }
      // Every worker was stopped.
      expect(worker.exitCode).toBe(1);
    }
    expect(requestIds.size).toBe(workers * perWorker);
    // The harness changed nothing in this thread's environment.
    expect(process.env.AWS_LAMBDA_MAX_CONCURRENCY).toBeUndefined();
  });

  it('gives one worker its own environment only when asked (workerEnv)', async () => {
    const results = await invokeManagedInstance(
      file('handler.mjs'),
      [[{ event: { n: 0 } }], [{ event: { n: 1 } }]],
      {
        env: { EXTRA: 'shared' },
        workerEnv: (w) => (w === 1 ? { EXTRA: 'second' } : {}),
      },
    );
    expect(
      results.map((w) => (w.invocations[0]?.result as { env: { extra: string } } | undefined)?.env.extra),
    ).toEqual(['shared', 'second']);
  });

  it("returns each handler's errors by name and message", async () => {
    const [worker] = await invokeManagedInstance(
      file('handler.mjs'),
      [[0, 1, 2].map((n) => ({ event: { n } }))],
      { handlerName: 'fails' },
    );
    expect(worker!.invocations.map((i) => i.result ?? i.error)).toEqual([
      0,
      { name: 'TypeError', message: 'odd 1' },
      2,
    ]);
  });

  it('returns within a bound when handlers never finish and leave handles open: they time out, the workers are stopped', async () => {
    const started = Date.now();
    const results = await invokeManagedInstance(
      file('handler.mjs'),
      [[{ event: {} }, { event: {} }], [{ event: {} }]],
      { handlerName: 'hangs', timeoutMs: 300 },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const worker of results) {
      for (const invocation of worker.invocations) {
        expect(invocation.error).toEqual({
          name: 'Sandbox.Timedout',
          message: 'Task timed out after 0.30 seconds',
        });
      }
      expect(worker.exitCode).toBe(1);
    }
  });

  it('rejects when a worker fails its init, and when the deadline passes, stopping every worker', async () => {
    await expect(
      invokeManagedInstance(file('broken.mjs'), [[{ event: {} }], [{ event: {} }]]),
    ).rejects.toThrow(/worker init failed: Error: init exploded/);
    const started = Date.now();
    await expect(
      invokeManagedInstance(file('stuck.mjs'), [[{ event: {} }], [{ event: {} }]], { deadlineMs: 500 }),
    ).rejects.toThrow(/not done after 500 ms/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('returns nothing for no workers', async () => {
    expect(await invokeManagedInstance(file('handler.mjs'), [])).toEqual([]);
  });
});

describe('managedPlan and recordsByInvocation', () => {
  it('numbers invocations across workers, and sorts records by invocation, refusing a record of another worker or of none', async () => {
    const plan = managedPlan(2, 3, (n, w) => ({ event: { n, w } }));
    expect(plan.map((invocations) => invocations.map((i) => i.event))).toEqual([
      [
        { n: 0, w: 0 },
        { n: 1, w: 0 },
        { n: 2, w: 0 },
      ],
      [
        { n: 3, w: 1 },
        { n: 4, w: 1 },
        { n: 5, w: 1 },
      ],
    ]);
    const workers = await invokeManagedInstance(file('handler.mjs'), plan);
    const invoked = (line: { message?: unknown; requestId?: unknown }) =>
      line.message === 'invoked' ? line.requestId : undefined;
    const sorted = recordsByInvocation(workers, (w) => w.logs, invoked);
    for (const [w, worker] of workers.entries()) {
      for (const [i, invocation] of worker.invocations.entries()) {
        expect(sorted[w]![i]!.map((line) => [line.n, line.requestId])).toEqual([
          [w * 3 + i, invocation.requestId],
        ]);
      }
    }
    const stolen = workers[1]!.invocations[2]!.requestId;
    const swapped = [{ ...workers[0]!, logs: [{ level: 'INFO', requestId: stolen }] }, workers[1]!];
    expect(() =>
      recordsByInvocation(
        swapped,
        (w) => w.logs,
        (line) => line.requestId,
      ),
    ).toThrow(`worker 0 wrote a record of worker 1's invocation 2: {"level":"INFO","requestId":"${stolen}"}`);
    const orphan = [{ ...workers[0]!, logs: [{ level: 'INFO', requestId: 'nobody' }] }];
    expect(() =>
      recordsByInvocation(
        orphan,
        (w) => w.logs,
        (line) => line.requestId,
      ),
    ).toThrow('worker 0 wrote a record of no invocation');
  });
});
