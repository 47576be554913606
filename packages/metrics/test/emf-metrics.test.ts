import { Worker } from 'node:worker_threads';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  invocationState,
  recordSecurityEvent,
  type SecurityEvent,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import { createMetrics, type EmfMetricsOptions, emfMetrics } from '@lambda-sentinel/metrics';
import type { EmfDocument } from '@lambda-sentinel/testing';
import { captureOutput, fixtures, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy, { type MiddlewareObj } from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { metricNames, metricValue, validEmf } from './emf-spec.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const busyLoop = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // the attack: a synchronous loop that holds the event loop
  }
};
const mainDocs = (docs: EmfDocument[]) => docs.filter((doc) => metricValue(doc, 'Duration') !== undefined);
const securityDocs = (docs: EmfDocument[]) =>
  docs.filter((doc) => metricValue(doc, 'SecurityEvents') !== undefined);
const securityCounts = (docs: EmfDocument[]) =>
  Object.fromEntries(
    securityDocs(docs).map((doc) => [doc.event_type as string, doc.SecurityEvents as number]),
  );

function newMetrics() {
  return createMetrics({ serviceName: 'orders', environment: 'test' });
}

/** An outer middleware that keeps what the invocation recorded, to compare with what was published. */
function recorder() {
  const seen: { events: SecurityEvent[]; afterRan: number; onErrorRan: number } = {
    events: [],
    afterRan: 0,
    onErrorRan: 0,
  };
  const middleware: MiddlewareObj = {
    after: (request) => {
      seen.afterRan++;
      seen.events = [...invocationState(request).securityEvents];
    },
    onError: (request) => {
      seen.onErrorRan++;
      seen.events = [...invocationState(request).securityEvents];
    },
  };
  return { seen, middleware };
}

/**
 * The longest any timer of ours ran late while `fn` ran, sampled like the
 * monitor (every 5 ms): what the machine itself made the event loop wait, load
 * included. Stops after a tick that ran once `fn` had finished, so a stall at
 * its very end is seen too.
 */
async function loopLatenessDuring<T>(fn: () => Promise<T>): Promise<{ result: T; latenessMs: number }> {
  let latenessMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    latenessMs = Math.max(latenessMs, now - (last + 5));
    last = now;
  }, 5);
  try {
    const result = await fn();
    const finished = performance.now();
    while (last < finished) await new Promise((resolve) => setImmediate(resolve));
    return { result, latenessMs };
  } finally {
    clearInterval(timer);
  }
}

describe('emfMetrics: happy path', () => {
  it('publishes every metric with its unit, ColdStart only on the first invocation', async () => {
    // A fresh module graph: a process that has served no invocation yet, whatever ran before.
    vi.resetModules();
    const fresh = await import('@lambda-sentinel/metrics');
    const metrics = fresh.createMetrics({ serviceName: 'orders', environment: 'test' });
    const handler = middy(async () => {
      metrics.addMetric('OrdersPlaced', MetricUnit.Count, 2);
      await sleep(30);
      return { statusCode: 200 };
    }).use(fresh.emfMetrics({ metrics }));

    const { result: out, latenessMs } = await loopLatenessDuring(() =>
      captureOutput(async () => [
        await invoke(handler, fixtures.apigatewayRest()),
        await invoke(handler, fixtures.apigatewayRest()),
      ]),
    );
    const docs = validEmf(out);
    const [first, second] = out.result ?? [];
    expect(first?.result).toEqual({ statusCode: 200 });
    const [doc1, doc2] = mainDocs(docs);
    expect(mainDocs(docs)).toHaveLength(2);
    if (!doc1 || !doc2) throw new Error('missing documents');
    const directive = doc1._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('LambdaSentinel');
    expect(directive?.Dimensions).toEqual([['service', 'environment']]);
    expect(Object.fromEntries(directive?.Metrics.map((m) => [m.Name, m.Unit]) ?? [])).toEqual({
      OrdersPlaced: 'Count',
      Duration: 'Milliseconds',
      CpuTime: 'Milliseconds',
      EventLoopDelayMax: 'Milliseconds',
      MemoryUsed: 'Megabytes',
      ColdStart: 'Count',
      Errors: 'Count',
    });
    expect(doc1.service).toBe('orders');
    expect(doc1.environment).toBe('test');
    expect(doc1.request_id).toBe(first?.requestId);
    expect(doc1.outcome).toBe('success');
    expect(doc1.OrdersPlaced).toBe(2);
    expect(doc1.Duration as number).toBeGreaterThanOrEqual(29);
    expect(doc1.Duration as number).toBeLessThan(1000);
    expect(doc1.CpuTime as number).toBeGreaterThanOrEqual(0);
    // Awaiting is not blocking: the 30 ms sleep is not charged, only what the machine made every
    // timer wait (under load that can be tens of ms), within one sampling interval.
    expect(doc1.EventLoopDelayMax as number).toBeLessThanOrEqual(latenessMs + 5 + 1);
    expect(doc1.EventLoopDelayMax as number).toBeLessThan(doc1.Duration as number);
    expect(doc1.MemoryUsed as number).toBeGreaterThan(10);
    expect(doc1.Errors).toBe(0);
    expect(doc1.ColdStart).toBe(1);
    expect(metricNames(doc2)).not.toContain('ColdStart');
    expect(doc2.request_id).toBe(second?.requestId);
    expect(securityDocs(docs)).toHaveLength(0);
  });

  it('publishes on error with Errors = 1 and lets the error through unchanged', async () => {
    const metrics = newMetrics();
    const failure = new Error('database down');
    const handler = middy(async () => {
      throw failure;
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invoke(handler, {}));
    expect(out.result?.error).toBe(failure);
    const [doc] = mainDocs(validEmf(out));
    expect(doc?.Errors).toBe(1);
    expect(doc?.outcome).toBe('error');
  });

  it.each([
    ['a thrown refusal (non-HTTP source)', undefined],
    ['a 403 refusal (HTTP source)', { statusCode: 403, body: '{"message":"Forbidden"}' }],
  ])('counts %s as a security event, not as an error', async (_, response) => {
    const metrics = newMetrics();
    let ran = false;
    // What sourceAllowlist does on a refusal: record the event, set the response for HTTP kinds, throw.
    const refuse: MiddlewareObj = {
      before: (request) => {
        recordSecurityEvent({ type: 'source_rejected', message: 'unexpected caller' }, request);
        throw new Error('Invocation source not allowed');
      },
      onError: (request) => {
        if (response) request.response = response;
      },
    };
    const handler = middy(async () => {
      ran = true;
      return 'ok';
    })
      .use(emfMetrics({ metrics }))
      .use(refuse);
    const out = await captureOutput(() => invoke(handler, {}));
    expect(ran).toBe(false);
    const docs = validEmf(out);
    const [doc] = mainDocs(docs);
    expect(doc?.Errors).toBe(0);
    expect(doc?.outcome).toBe('refused');
    expect(securityCounts(docs)).toEqual({ source_rejected: 1 });
  });

  it('still counts a handler failure as an error when another security event was recorded', async () => {
    const metrics = newMetrics();
    const handler = middy(async () => {
      recordSecurityEvent({ type: 'secret_redacted', message: 'token in log' });
      throw new Error('database down');
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invoke(handler, {}));
    const [doc] = mainDocs(validEmf(out));
    expect(doc?.Errors).toBe(1);
    expect(doc?.outcome).toBe('error');
  });

  it('counts security events by type, one document per event_type', async () => {
    const metrics = newMetrics();
    const handler = middy(async () => {
      recordSecurityEvent({ type: 'secret_redacted', message: 'token in log' });
      recordSecurityEvent({ type: 'secret_redacted', message: 'password in log' });
      recordSecurityEvent({ type: 'source_rejected', message: 'unexpected caller' });
      return 'ok';
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invoke(handler, {}));
    const docs = validEmf(out);
    expect(securityCounts(docs)).toEqual({ secret_redacted: 2, source_rejected: 1 });
    for (const doc of securityDocs(docs)) {
      expect(doc._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'environment', 'event_type']]);
      expect(doc.request_id).toBe(out.result?.requestId);
    }
  });

  it('leaves out resources, security events and cold start when turned off', async () => {
    const metrics = newMetrics();
    const handler = middy(async () => {
      recordSecurityEvent({ type: 'secret_redacted', message: 'x' });
    }).use(emfMetrics({ metrics, resources: false, securityEvents: false, coldStart: false }));
    const out = await captureOutput(() => invoke(handler, {}));
    const docs = validEmf(out);
    expect(docs).toHaveLength(1);
    expect(metricNames(docs[0] as EmfDocument).sort()).toEqual(['Duration', 'Errors']);
  });
});

describe('emfMetrics: the event-loop attack', () => {
  it('sees a 300 ms synchronous busy loop and records budget_exceeded before counting', async () => {
    const metrics = newMetrics();
    const { seen, middleware } = recorder();
    const handler = middy(async () => {
      busyLoop(300);
      return 'done';
    })
      .use(middleware)
      .use(emfMetrics({ metrics, budgets: { eventLoopDelayMs: 100 } }));
    const out = await captureOutput(() => invoke(handler, {}));
    expect(out.result?.result).toBe('done');
    const docs = validEmf(out);
    const [doc] = mainDocs(docs);
    expect(doc?.EventLoopDelayMax as number).toBeGreaterThanOrEqual(290);
    expect(doc?.Duration as number).toBeGreaterThanOrEqual(299);
    expect(doc?.CpuTime as number).toBeGreaterThan(50);
    expect(securityCounts(docs)).toEqual({ budget_exceeded: 1 });
    const event = seen.events.find((e) => e.type === 'budget_exceeded');
    expect(event?.detail.budget).toBe('eventLoopDelayMs');
    expect(event?.detail.limit).toBe(100);
    expect(event?.detail.measured as number).toBeGreaterThanOrEqual(290);
    expect(event?.message).toMatch(/eventLoopDelayMs/);
  });

  it('sees a block in the middle of an async handler too', async () => {
    const metrics = newMetrics();
    const handler = middy(async () => {
      await sleep(20);
      busyLoop(150);
      await sleep(20);
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invoke(handler, {}));
    const [doc] = mainDocs(validEmf(out));
    expect(doc?.EventLoopDelayMax as number).toBeGreaterThanOrEqual(140);
    expect(doc?.EventLoopDelayMax as number).toBeLessThan(doc?.Duration as number);
  });

  it('records one budget_exceeded per budget overrun, none within budget', async () => {
    const metrics = newMetrics();
    const { seen, middleware } = recorder();
    const handler = middy(async () => sleep(40))
      .use(middleware)
      .use(
        emfMetrics({
          metrics,
          budgets: { durationMs: 10, memoryMb: 1, cpuMs: 10_000, eventLoopDelayMs: 1000 },
        }),
      );
    const out = await captureOutput(() => invoke(handler, {}));
    expect(securityCounts(validEmf(out))).toEqual({ budget_exceeded: 2 });
    expect(seen.events.map((e) => e.detail.budget).sort()).toEqual(['durationMs', 'memoryMb']);
  });
});

describe('emfMetrics: before the Lambda timeout', () => {
  it('publishes once, margin ms before the timeout, while the handler still hangs', async () => {
    const metrics = newMetrics();
    const handler = middy(async () => {
      await sleep(600);
      return 'late';
    }).use(emfMetrics({ metrics, publishBeforeTimeoutMs: 100 }));
    const out = await captureOutput(() => invoke(handler, {}, { timeoutMs: 400 }));
    const docs = validEmf(out);
    const main = mainDocs(docs);
    expect(main).toHaveLength(1);
    expect(main[0]?.NearTimeout).toBe(1);
    expect(main[0]?.outcome).toBe('near_timeout');
    expect(main[0]?.Duration as number).toBeGreaterThanOrEqual(280);
    expect(main[0]?.Duration as number).toBeLessThan(550);
    expect(metricNames(main[0] as EmfDocument)).not.toContain('Errors');
  });

  it('publishes each of several overlapping invocations at its own deadline, once, and no other', async () => {
    const metrics = newMetrics();
    const handler = middy(async (event: { hang: boolean }) => {
      await sleep(event.hang ? 900 : 20);
      return 'done';
    }).use(emfMetrics({ metrics, publishBeforeTimeoutMs: 100 }));
    // Deadlines at 200, 400 and 600 ms, added latest first; two quick invocations in between.
    const plan = [
      { timeoutMs: 700, hang: true },
      { timeoutMs: 300, hang: false },
      { timeoutMs: 500, hang: true },
      { timeoutMs: 300, hang: true },
      { timeoutMs: 400, hang: false },
    ];
    const out = await captureOutput(() =>
      Promise.all(plan.map(({ timeoutMs, hang }) => invoke(handler, { hang }, { timeoutMs }))),
    );
    const runs = out.result ?? [];
    const main = mainDocs(validEmf(out));
    expect(main).toHaveLength(plan.length);
    for (const [i, { timeoutMs, hang }] of plan.entries()) {
      const doc = main.find((d) => d.request_id === runs[i]?.requestId);
      expect(doc?.outcome, `invocation ${i}`).toBe(hang ? 'near_timeout' : 'success');
      if (hang) {
        expect(doc?.Duration as number).toBeGreaterThanOrEqual(timeoutMs - 100 - 5);
        expect(doc?.Duration as number).toBeLessThan(timeoutMs - 100 + 300);
      } else expect(doc?.Duration as number).toBeLessThan(timeoutMs - 100);
    }
  });

  it("with Middy's timeoutEarlyInMillis the abort goes through onError and counts as an error", async () => {
    const metrics = newMetrics();
    const handler = middy(
      async (_event: unknown, _context: unknown, { signal }: { signal: AbortSignal }) => {
        await sleep(600);
        return signal.aborted ? 'aborted' : 'late';
      },
      { timeoutEarlyInMillis: 150 },
    ).use(emfMetrics({ metrics, publishBeforeTimeoutMs: 50 }));
    const out = await captureOutput(() => invoke(handler, {}, { timeoutMs: 400 }));
    expect((out.result?.error as Error | undefined)?.name).toBe('TimeoutError');
    const main = mainDocs(validEmf(out));
    expect(main).toHaveLength(1);
    expect(main[0]?.Errors).toBe(1);
    expect(main[0]?.Duration as number).toBeLessThan(350);
  });
});

describe('emfMetrics: EMF limits', () => {
  it('splits 150 metrics into documents of at most 100, each valid, none lost', async () => {
    const metrics = newMetrics();
    const handler = middy(async () => {
      for (let i = 0; i < 150; i++) metrics.addMetric(`Metric${i}`, MetricUnit.Count, i);
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invoke(handler, {}));
    const docs = validEmf(out);
    expect(docs.length).toBeGreaterThanOrEqual(2);
    for (const doc of docs) expect(metricNames(doc).length).toBeLessThanOrEqual(100);
    const names = docs.flatMap(metricNames);
    for (let i = 0; i < 150; i++) expect(names.filter((n) => n === `Metric${i}`)).toHaveLength(1);
    for (const name of ['Duration', 'CpuTime', 'EventLoopDelayMax', 'MemoryUsed', 'Errors']) {
      expect(names.filter((n) => n === name)).toHaveLength(1);
    }
    const metric149 = docs.find((doc) => metricValue(doc, 'Metric149') !== undefined);
    expect(metric149?.Metric149).toBe(149);
  });

  it('splits more than 100 values of one metric', async () => {
    const metrics = newMetrics();
    const handler = middy(async () => {
      for (let i = 0; i < 150; i++) metrics.addMetric('Latency', MetricUnit.Milliseconds, i);
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invoke(handler, {}));
    const docs = validEmf(out).filter((doc) => metricValue(doc, 'Latency') !== undefined);
    const values = docs.flatMap((doc) => doc.Latency as number[]);
    expect(values).toHaveLength(150);
  });
});

describe('emfMetrics: concurrent invocations (Lambda Managed Instances)', () => {
  it('keeps each invocation in its own documents', async () => {
    const metrics = newMetrics();
    const handler = middy(async (event: { id: number; fail: boolean; sleeps: number[] }) => {
      for (const ms of event.sleeps) {
        metrics.addMetric('Step', MetricUnit.Count, event.id);
        await sleep(ms);
      }
      for (let i = 0; i <= event.id; i++) recordSecurityEvent({ type: `probe_${event.id}`, message: 'x' });
      if (event.fail) throw new Error(`failed ${event.id}`);
      return event.id;
    }).use(emfMetrics({ metrics }));
    const events = [0, 1, 2, 3, 4, 5].map((id) => ({
      id,
      fail: id % 2 === 1,
      // different interleavings: long first, short first
      sleeps: id % 2 === 0 ? [10 * (id + 1), 5] : [5, 10 * (id + 1)],
    }));
    const out = await captureOutput(() => invokeConcurrently(handler, events));
    const results = out.result ?? [];
    const docs = validEmf(out);
    expect(mainDocs(docs)).toHaveLength(events.length);
    for (const [index, event] of events.entries()) {
      const requestId = results[index]?.requestId;
      const own = docs.filter((doc) => doc.request_id === requestId);
      const [main] = mainDocs(own);
      expect(mainDocs(own)).toHaveLength(1);
      // only this invocation's user metric values, both of them
      expect(main?.Step).toEqual([event.id, event.id]);
      expect(main?.Errors).toBe(event.fail ? 1 : 0);
      const expected = event.sleeps.reduce((a, b) => a + b, 0);
      expect(main?.Duration as number).toBeGreaterThanOrEqual(expected - 1);
      expect(main?.Duration as number).toBeLessThan(expected + 200);
      expect(Number(main?.concurrent_invocations)).toBe(events.length);
      expect(securityCounts(own)).toEqual({ [`probe_${event.id}`]: event.id + 1 });
    }
  });

  it('marks a budget overrun on a shared figure with the overlap, and one measured alone without it', async () => {
    const events: SecurityEvent[][] = [];
    const keep: MiddlewareObj = {
      after: (request) => {
        events.push([...invocationState(request).securityEvents]);
      },
    };
    const handler = middy(async (event: { block: boolean }) => {
      await sleep(5);
      if (event.block) busyLoop(120);
      await sleep(5);
    })
      .use(keep)
      .use(emfMetrics({ metrics: newMetrics(), budgets: { eventLoopDelayMs: 50, durationMs: 60 } }));
    await captureOutput(() => invokeConcurrently(handler, [{ block: true }, { block: false }]));
    await captureOutput(() => invoke(handler, { block: true }));
    const overruns = events.map((list) =>
      list
        .filter((e) => e.type === 'budget_exceeded')
        .map((e) => [e.detail.budget, e.detail.concurrent_invocations]),
    );
    // Together: the loop delay was shared by two invocations; a duration is each one's own.
    for (const list of overruns.slice(0, 2)) {
      expect(list).toContainEqual(['eventLoopDelayMs', 2]);
      expect(list).toContainEqual(['durationMs', undefined]);
    }
    // Alone: nothing shared, nothing marked.
    expect(overruns[2]).toContainEqual(['eventLoopDelayMs', undefined]);
  });

  it('a busy loop in one invocation shows in the others that were in flight (one shared loop)', async () => {
    const metrics = newMetrics();
    const handler = middy(async (event: { block: boolean }) => {
      await sleep(5);
      if (event.block) busyLoop(200);
      await sleep(5);
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(() => invokeConcurrently(handler, [{ block: true }, { block: false }]));
    const main = mainDocs(validEmf(out));
    expect(main).toHaveLength(2);
    for (const doc of main) expect(doc.EventLoopDelayMax as number).toBeGreaterThanOrEqual(150);
  });
});

describe('emfMetrics: whose CPU CpuTime counts', () => {
  /** Spins `cpuMs` of its own thread's CPU time (not wall time: the machine may be loaded). */
  const spin = (cpuMs: number) => {
    const clock = () => {
      const { user, system } = process.threadCpuUsage?.() ?? process.cpuUsage();
      return (user + system) / 1000;
    };
    const end = clock() + cpuMs;
    while (clock() < end) {
      // CPU work on this thread only
    }
  };

  /** A handler that waits while a worker thread of this process spins 200 ms of its CPU. */
  const waitingHandler = (options: Partial<EmfMetricsOptions>) =>
    middy(async () => {
      const worker = new Worker(
        `const { parentPort } = require('node:worker_threads');
         const clock = () => { const { user, system } = process.threadCpuUsage(); return (user + system) / 1000; };
         const end = clock() + 200;
         while (clock() < end) {}
         parentPort.postMessage('done');`,
        { eval: true },
      );
      try {
        await new Promise((resolve) => worker.once('message', resolve));
      } finally {
        await worker.terminate();
      }
      return 'done';
    }).use(emfMetrics({ metrics: newMetrics(), ...options }));

  it.skipIf(typeof process.threadCpuUsage !== 'function')(
    "by default, the invocation's own thread: another thread's work is not counted",
    async () => {
      const out = await captureOutput(() => invoke(waitingHandler({}), {}));
      const [doc] = mainDocs(validEmf(out));
      expect(doc?.Duration as number).toBeGreaterThanOrEqual(199);
      expect(doc?.CpuTime as number).toBeLessThan(100);
    },
  );

  it.skipIf(typeof process.threadCpuUsage !== 'function')(
    "with cpuTime: 'process', every thread of the process",
    async () => {
      const out = await captureOutput(() => invoke(waitingHandler({ cpuTime: 'process' }), {}));
      const [doc] = mainDocs(validEmf(out));
      expect(doc?.CpuTime as number).toBeGreaterThanOrEqual(200);
    },
  );

  it('counts CPU work on its own thread in either scope', async () => {
    for (const cpuTime of ['thread', 'process'] as const) {
      const handler = middy(async () => spin(120)).use(emfMetrics({ metrics: newMetrics(), cpuTime }));
      const [doc] = mainDocs(validEmf(await captureOutput(() => invoke(handler, {}))));
      expect(doc?.CpuTime as number).toBeGreaterThanOrEqual(120);
    }
  });
});

describe('emfMetrics: failure isolation (rule 1)', () => {
  class BrokenMetrics extends Metrics {
    override publishStoredMetrics(): this {
      throw new Error('stdout closed');
    }
  }

  it('a publish that throws changes neither the result nor the error, and is reported once', async () => {
    const metrics = new BrokenMetrics({ namespace: 'Test', serviceName: 'orders' });
    const failure = new Error('handler failed');
    const ok = middy(async () => ({ statusCode: 200 })).use(emfMetrics({ metrics }));
    const bad = middy(async () => {
      throw failure;
    }).use(emfMetrics({ metrics }));
    const out = await captureOutput(async () => [
      await invoke(ok, {}),
      await invoke(ok, {}),
      await invoke(bad, {}),
    ]);
    const [first, second, third] = out.result ?? [];
    expect(first?.result).toEqual({ statusCode: 200 });
    expect(second?.result).toEqual({ statusCode: 200 });
    expect(third?.error).toBe(failure);
    const warnings = out.logs.filter((log) => String(log.message).startsWith('emfMetrics:'));
    // once per middleware instance: `ok` reported once, `bad` once
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.error).toMatch(/stdout closed/);
  });

  it('a handler that misuses a system metric name does not break the invocation', async () => {
    const metrics = newMetrics();
    const failures: unknown[] = [];
    const handler = middy(async () => {
      metrics.addMetric('Duration', MetricUnit.Count, 1);
      return 'fine';
    }).use(emfMetrics({ metrics, onFailure: (error) => failures.push(error) }));
    const out = await captureOutput(() => invoke(handler, {}));
    expect(out.result?.result).toBe('fine');
    expect(String(failures[0])).toMatch(/Duration/);
    validEmf(out);
  });

  it('a reporter that throws is swallowed too', async () => {
    const metrics = new BrokenMetrics({ namespace: 'Test', serviceName: 'orders' });
    const handler = middy(async () => 'fine').use(
      emfMetrics({
        metrics,
        onFailure: () => {
          throw new Error('reporter down');
        },
      }),
    );
    const out = await captureOutput(() => invoke(handler, {}));
    expect(out.result?.result).toBe('fine');
  });
});

describe('emfMetrics: the Middy onion (rule 3)', () => {
  it('before returns nothing and onError returns nothing, even with a response in place', async () => {
    const middleware = emfMetrics({ metrics: newMetrics() });
    const request = {
      event: {},
      context: { getRemainingTimeInMillis: () => 1000 },
      response: undefined as unknown,
      error: new Error('x'),
      internal: {},
    };
    const out = await captureOutput(() => {
      const fromBefore = middleware.before?.(request as never);
      // As an inner error handler leaves it: returning it would end the onion here (rule 3).
      request.response = { statusCode: 500, body: 'handled' };
      const fromOnError = middleware.onError?.(request as never);
      return { fromBefore, fromOnError };
    });
    expect(out.result).toEqual({ fromBefore: undefined, fromOnError: undefined });
  });

  it('outer after and onError still run; an inner response and an inner typed error pass through', async () => {
    const metrics = newMetrics();
    const outer = recorder();
    const refuse: MiddlewareObj = {
      before: (request) => {
        recordSecurityEvent({ type: 'source_rejected', message: 'not allowed' }, request);
        throw Object.assign(new Error('Forbidden'), { name: 'InvocationSourceRejectedError' });
      },
    };
    const setResponse: MiddlewareObj = {
      after: (request) => {
        request.response = { statusCode: 202 };
      },
    };
    const refused = middy(async () => 'never')
      .use(outer.middleware)
      .use(emfMetrics({ metrics }))
      .use(refuse);
    const accepted = middy(async () => 'ignored')
      .use(outer.middleware)
      .use(emfMetrics({ metrics }))
      .use(setResponse);

    const out = await captureOutput(async () => [await invoke(refused, {}), await invoke(accepted, {})]);
    const [refusal, acceptance] = out.result ?? [];
    expect((refusal?.error as Error | undefined)?.name).toBe('InvocationSourceRejectedError');
    expect(acceptance?.result).toEqual({ statusCode: 202 });
    expect(outer.seen.onErrorRan).toBe(1);
    expect(outer.seen.afterRan).toBe(1);
    const docs = validEmf(out);
    // The refusal is a security event, not a function error.
    expect(mainDocs(docs).map((doc) => doc.Errors)).toEqual([0, 0]);
    expect(securityCounts(docs)).toEqual({ source_rejected: 1 });
  });

  it('an inner error handler’s response is in place when onError runs: the outer onError still runs', async () => {
    const metrics = newMetrics();
    const outer = recorder();
    let outerSaw: unknown;
    const handled = { statusCode: 500, body: 'handled' };
    // Like @middy/http-error-handler: sets the response, returns nothing.
    const errorHandler: MiddlewareObj = {
      onError: (request) => {
        request.response = handled;
      },
    };
    const handler = middy(async () => {
      throw new Error('database down');
    })
      .use({
        onError: (request) => {
          outerSaw = request.response;
        },
      })
      .use(outer.middleware)
      .use(emfMetrics({ metrics }))
      .use(errorHandler);
    const out = await captureOutput(() => invoke(handler, {}));
    expect(out.result?.result).toEqual(handled);
    expect(outer.seen.onErrorRan).toBe(1);
    expect(outerSaw).toBe(handled);
    expect(mainDocs(validEmf(out)).map((doc) => doc.Errors)).toEqual([1]);
  });
});

describe('emfMetrics: bad options (rule 5)', () => {
  const metrics = newMetrics();
  const cases: Array<[string, unknown]> = [
    ['metrics', {}],
    ['metrics', { metrics: { addMetric() {} } }],
    ['resources', { metrics, resources: 'yes' }],
    ['securityEvents', { metrics, securityEvents: 1 }],
    ['coldStart', { metrics, coldStart: null }],
    ['budgets', { metrics, budgets: 5 }],
    ['budgets.durationMs', { metrics, budgets: { durationMs: -1 } }],
    ['budgets.eventLoopDelayMs', { metrics, budgets: { eventLoopDelayMs: Number.NaN } }],
    ['budgets.cpuSeconds', { metrics, budgets: { cpuSeconds: 1 } }],
    ['publishBeforeTimeoutMs', { metrics, publishBeforeTimeoutMs: -5 }],
    ['budgets.memoryMb', { metrics, resources: false, budgets: { durationMs: 5, memoryMb: 512 } }],
    ['eventLoopSampleMs', { metrics, eventLoopSampleMs: 0.5 }],
    ['onFailure', { metrics, onFailure: 'log' }],
    ['cpuTime', { metrics, cpuTime: 'invocation' }],
    ['budget', { metrics, budget: {} }],
  ];
  it.each(cases)('names %s', (option, options) => {
    expect(() => emfMetrics(options as EmfMetricsOptions)).toThrowError(SentinelConfigError);
    expect(() => emfMetrics(options as EmfMetricsOptions)).toThrowError(
      new RegExp(`^${option.replace('.', '\\.')}:`),
    );
  });
});
