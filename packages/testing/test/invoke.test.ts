import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invoke, invokeConcurrently } from '../src/index.ts';

const { REQUEST_ID, TENANT_ID, X_RAY_TRACE_ID } = InvokeStoreBase.PROTECTED_KEYS;
const TRACE_HEADER = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function store() {
  const installed = globalThis.awslambda?.InvokeStore;
  if (!installed) throw new Error('no invoke store installed');
  return installed;
}

describe('invoke', () => {
  it('sets the Lambda runtime environment for the invocation and restores it exactly', async () => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.AWS_REGION = 'eu-north-1';
    const outcome = await invoke(
      async () => ({ ...process.env }),
      {},
      { functionName: 'orders', memoryMb: 512, region: 'eu-west-1', xrayDaemonAddress: '127.0.0.1:2999' },
    );
    const env = outcome.result as Record<string, string>;
    expect(env).toMatchObject({
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'orders',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_REGION: 'eu-west-1',
      LAMBDA_TASK_ROOT: '/var/task',
      _HANDLER: 'index.handler',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2999',
      _X_AMZN_TRACE_ID: outcome.traceId,
    });
    expect(env.AWS_LAMBDA_MAX_CONCURRENCY).toBeUndefined();
    expect(process.env.AWS_REGION).toBe('eu-north-1');
    expect('AWS_LAMBDA_FUNCTION_NAME' in process.env).toBe(false);
    expect('_X_AMZN_TRACE_ID' in process.env).toBe(false);
    delete process.env.AWS_REGION;
  });

  it('restores the environment when the handler throws, and returns the error instead of rejecting', async () => {
    const failure = new Error('boom');
    const outcome = await invoke(
      async () => {
        process.env.SET_BY_HANDLER = 'kept';
        throw failure;
      },
      {},
      { env: { EXTRA: 'x' } },
    );
    expect(outcome.error).toBe(failure);
    expect(outcome.result).toBeUndefined();
    expect('EXTRA' in process.env).toBe(false);
    expect('LAMBDA_TASK_ROOT' in process.env).toBe(false);
    // Only what the harness set is restored; the handler's own writes are the handler's business.
    expect(process.env.SET_BY_HANDLER).toBe('kept');
    delete process.env.SET_BY_HANDLER;
  });

  it('restores arbitrary environment overrides exactly (property)', async () => {
    const key = fc.constantFrom('AWS_REGION', 'FOO_A', 'FOO_B', '_HANDLER', 'AWS_LAMBDA_FUNCTION_NAME');
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, fc.option(fc.string(), { nil: undefined })),
        fc.dictionary(key, fc.option(fc.string({ minLength: 1 }), { nil: undefined })),
        fc.boolean(),
        async (before, overrides, fails) => {
          for (const [k, v] of Object.entries(before)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
          }
          const snapshot = { ...process.env };
          const outcome = await invoke(
            () => {
              for (const [k, v] of Object.entries(overrides)) expect(process.env[k]).toBe(v);
              if (fails) throw new Error('fail');
            },
            {},
            { env: overrides },
          );
          expect(outcome.error !== undefined).toBe(fails);
          expect({ ...process.env }).toEqual(snapshot);
          for (const k of Object.keys(before)) delete process.env[k];
        },
      ),
      { numRuns: 60 },
    );
  });

  it('builds a complete Lambda context', async () => {
    const outcome = await invoke(
      (_event: unknown, context: Context) => context.getRemainingTimeInMillis(),
      null,
      {
        functionName: 'pay',
        functionVersion: '7',
        accountId: '111122223333',
        region: 'ap-south-1',
        memoryMb: 256,
        timeoutMs: 10_000,
      },
    );
    const { context } = outcome;
    expect(context).toMatchObject({
      callbackWaitsForEmptyEventLoop: true,
      functionName: 'pay',
      functionVersion: '7',
      invokedFunctionArn: 'arn:aws:lambda:ap-south-1:111122223333:function:pay',
      memoryLimitInMB: '256',
      awsRequestId: outcome.requestId,
      logGroupName: '/aws/lambda/pay',
    });
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[7\][0-9a-f]{32}$/);
    expect(outcome.requestId).toMatch(UUID);
    expect(outcome.result).toBeGreaterThan(9_000);
    expect(outcome.result).toBeLessThanOrEqual(10_000);
    expect(typeof context.done).toBe('function');
  });

  it('counts getRemainingTimeInMillis down from the timeout', async () => {
    const outcome = await invoke(
      async (_event: unknown, context: Context) => {
        const first = context.getRemainingTimeInMillis();
        await sleep(60);
        return [first, context.getRemainingTimeInMillis()];
      },
      {},
      { timeoutMs: 1000 },
    );
    const [first, second] = outcome.result as [number, number];
    expect(first - second).toBeGreaterThanOrEqual(50);
    expect(second).toBeLessThan(1000);
  });

  it('puts the request id and trace header in the runtime invoke store and in _X_AMZN_TRACE_ID', async () => {
    const outcome = await invoke(async () => {
      await sleep(1);
      return {
        requestId: store().get(REQUEST_ID),
        trace: store().get(X_RAY_TRACE_ID),
        env: process.env._X_AMZN_TRACE_ID,
      };
    }, {});
    expect(outcome.traceId).toMatch(TRACE_HEADER);
    expect(outcome.traceId.startsWith(`Root=${outcome.rootTraceId};`)).toBe(true);
    expect(outcome.result).toEqual({
      requestId: outcome.requestId,
      trace: outcome.traceId,
      env: outcome.traceId,
    });
    expect(Number.parseInt(outcome.rootTraceId.slice(2, 10), 16)).toBeCloseTo(Date.now() / 1000, -1);
    expect(store().hasContext()).toBe(false);
  });

  it('gives every invocation a fresh request id and trace id, or the given ones', async () => {
    const [a, b] = [await invoke(() => 1, {}), await invoke(() => 2, {})];
    expect(a?.requestId).not.toBe(b?.requestId);
    expect(a?.rootTraceId).not.toBe(b?.rootTraceId);
    const fixed = await invoke(
      () => 0,
      {},
      { requestId: 'req-1', traceId: '1-5759e988-bd862e3fe1be46a994272793' },
    );
    expect(fixed.requestId).toBe('req-1');
    expect(fixed.traceId).toMatch(/^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=[0-9a-f]{16};Sampled=1$/);
    const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0';
    expect((await invoke(() => 0, {}, { traceId: header })).traceId).toBe(header);
    expect(() => invoke(() => 0, {}, { traceId: 'nope' })).toThrow(/traceId: expected/);
  });

  it('runs a Middy handler with the event and context', async () => {
    const seen: string[] = [];
    const handler = middy(async (event: { name: string }) => `hello ${event.name}`).use({
      before: (request) => {
        seen.push(request.context.awsRequestId);
      },
    });
    const outcome = await invoke(handler, { name: 'ada' });
    expect(outcome.result).toBe('hello ada');
    expect(seen).toEqual([outcome.requestId]);
  });

  it('settles through the legacy context.succeed / fail', async () => {
    const ok = await invoke((_e: unknown, context: Context) => {
      context.succeed({ legacy: true });
      return new Promise(() => {});
    }, {});
    expect(ok.result).toEqual({ legacy: true });
    const bad = await invoke((_e: unknown, context: Context) => {
      context.fail('nope');
      return new Promise(() => {});
    }, {});
    expect((bad.error as Error).message).toBe('nope');
  });

  it('enforces the timeout only when asked, with the Lambda message', async () => {
    const slow = async () => {
      await sleep(80);
      return 'late';
    };
    expect((await invoke(slow, {}, { timeoutMs: 20 })).result).toBe('late');
    const timedOut = await invoke(slow, {}, { timeoutMs: 20, enforceTimeout: true });
    expect((timedOut.error as Error).message).toBe('Task timed out after 0.02 seconds');
    expect(timedOut.result).toBeUndefined();
  });

  it('queues overlapping invoke calls so each sees only its own environment', async () => {
    const trace = async () => {
      const before = process.env._X_AMZN_TRACE_ID;
      await sleep(5);
      return before === process.env._X_AMZN_TRACE_ID ? before : 'changed underneath';
    };
    const results = await Promise.all([invoke(trace, {}), invoke(trace, {}), invoke(trace, {})]);
    for (const outcome of results) expect(outcome.result).toBe(outcome.traceId);
    expect('_X_AMZN_TRACE_ID' in process.env).toBe(false);
  });

  it('refuses to invoke from inside an invocation (it would wait for itself)', async () => {
    const outcome = await invoke(() => invoke(() => 1, {}), {});
    expect((outcome.error as Error).message).toMatch(/inside an invocation/);
  });
});

describe('invokeConcurrently', () => {
  it('interleaves invocations, each with its own request id and trace id in the invoke store', async () => {
    const order: string[] = [];
    const events = Array.from({ length: 20 }, (_, n) => ({ n }));
    const results = await invokeConcurrently(async (event: { n: number }, context: Context) => {
      order.push(`start ${event.n}`);
      const seen: unknown[] = [];
      for (let step = 0; step < 3; step++) {
        await sleep((event.n * 13 + step * 7) % 6);
        seen.push(store().get(REQUEST_ID), store().get(X_RAY_TRACE_ID));
      }
      order.push(`end ${event.n}`);
      return {
        n: event.n,
        requestId: context.awsRequestId,
        seen,
        envTrace: process.env._X_AMZN_TRACE_ID,
        maxConcurrency: process.env.AWS_LAMBDA_MAX_CONCURRENCY,
        initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
      };
    }, events);
    // All started before any finished: they really ran interleaved.
    expect(order.slice(0, 20).every((entry) => entry.startsWith('start'))).toBe(true);
    expect(new Set(results.map((r) => r.requestId)).size).toBe(20);
    expect(new Set(results.map((r) => r.rootTraceId)).size).toBe(20);
    for (const [n, outcome] of results.entries()) {
      expect(outcome.traceId).toMatch(TRACE_HEADER);
      expect(outcome.result).toEqual({
        n,
        requestId: outcome.requestId,
        seen: [1, 2, 3].flatMap(() => [outcome.requestId, outcome.traceId]),
        envTrace: undefined,
        maxConcurrency: '20',
        initType: 'lambda-managed-instances',
      });
    }
    expect('AWS_LAMBDA_MAX_CONCURRENCY' in process.env).toBe(false);
  });

  it('isolates failures: one invocation throwing does not affect the others', async () => {
    const results = await invokeConcurrently(
      async (event: { fail: boolean }) => {
        await sleep(1);
        if (event.fail) throw new Error('only me');
        return 'fine';
      },
      [{ fail: false }, { fail: true }, { fail: false }],
    );
    expect(results.map((r) => r.result)).toEqual(['fine', undefined, 'fine']);
    expect(results[1]?.error).toMatchObject({ message: 'only me' });
  });

  it('gives each invocation its own tenant id, in the context and the invoke store', async () => {
    const tenants = ['blue', undefined, 'green', 'blue'];
    const results = await invokeConcurrently(
      async (event: { wait: number }, context: Context) => {
        await sleep(event.wait);
        return { context: context.tenantId, stored: store().get(TENANT_ID), has: 'tenantId' in context };
      },
      [8, 6, 4, 2].map((wait) => ({ wait })),
      { tenantIds: tenants },
    );
    expect(results.map((r) => r.result)).toEqual(
      tenants.map((t) => ({ context: t, stored: t, has: t !== undefined })),
    );
    const single = await invoke(() => [store().get(TENANT_ID)], {}, { tenantId: 'red' });
    expect(single.context.tenantId).toBe('red');
    expect(single.result).toEqual(['red']);
  });

  it('returns an empty list for no events', async () => {
    expect(await invokeConcurrently(() => 1, [])).toEqual([]);
  });
});
