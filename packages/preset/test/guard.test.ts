import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput, fixtures, invoke, startXRayCollector } from '@lambda-sentinel/testing';
import middy, { type MiddlewareObj } from '@middy/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// A task root of our own, so the strict default's read deny-list covers a directory this test controls.
const sandbox = fs.mkdtempSync(join(tmpdir(), 'preset-guard-'));
for (const dir of ['allowed', 'elsewhere', 'task']) fs.mkdirSync(join(sandbox, dir));
fs.writeFileSync(join(sandbox, 'task', 'index.js'), 'export const handler = () => "secret logic";');
// The X-Ray SDK and Powertools decide at load/construction whether they run in Lambda.
process.env.LAMBDA_TASK_ROOT = join(sandbox, 'task');
process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
const { Tracer } = await import('@aws-lambda-powertools/tracer');
const { createLogger } = await import('@lambda-sentinel/logger');
const { createMetrics } = await import('@lambda-sentinel/metrics');
const { RuntimeGuardViolationError, runtimeGuard } = await import('@lambda-sentinel/runtime-guard');
// The guard entry point: `guard` takes true or runtimeGuard() options.
const { sentinel } = await import('../src/guard.ts');
const { sentinel: sentinelMain } = await import('../src/index.ts');

const collector = await startXRayCollector();
new Tracer().provider.setDaemonAddress(collector.address);

const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };
const allow = [{ kind: 'apigateway-rest' as const, ...API }];
const opts = () => ({ functionName: 'orders', xrayDaemonAddress: collector.address });

interface GuardLike extends MiddlewareObj {
  policy: Record<string, unknown>;
  release(): void;
}
const guards: GuardLike[] = [];
const isGuard = (m: MiddlewareObj): m is GuardLike => typeof (m as Partial<GuardLike>).release === 'function';

/** sentinel() around `fn`; the guard it made is released after the test, so it never governs Vitest. */
function guarded(guard: unknown, fn: (event: { body?: string }) => Promise<unknown>) {
  const logger = createLogger({ serviceName: 'orders' });
  const tracer = new Tracer({ serviceName: 'orders' });
  const metrics = createMetrics({ serviceName: 'orders', namespace: 'PresetTest' });
  const middlewares = sentinel({
    serviceName: 'orders',
    allow,
    logger,
    tracer,
    metrics,
    guard: guard as never,
  });
  guards.push(...middlewares.filter(isGuard));
  return { handler: middy(fn).use(middlewares), middlewares };
}

afterEach(() => {
  for (const guard of guards.splice(0)) guard.release();
});
afterAll(async () => {
  await collector.close();
  fs.rmSync(sandbox, { recursive: true, force: true });
});

const violationsIn = (logs: Array<Record<string, any>>) =>
  logs.filter((l) => l.level === 'WARN' && l.security_event?.type === 'guard_violation');

// First in the file: the process has served no invocation yet, so actions before it are its init.
describe('sentinel({ guard: { mode: "block", ... } })', () => {
  it('blocks a write outside the allow-list at init and in the handler; logs, counts and annotates both', async () => {
    const outside = join(sandbox, 'elsewhere', 'out.txt');
    const inside = join(sandbox, 'allowed', 'ok.txt');
    const { handler } = guarded(
      { mode: 'block', fileWrite: { allow: [`${sandbox}/allowed/**`] } },
      async () => {
        fs.writeFileSync(inside, 'fine');
        fs.writeFileSync(outside, 'exfiltrated');
        return { statusCode: 200, body: 'unreachable' };
      },
    );
    // Module scope, after sentinel(): init is watched too.
    expect(() => fs.writeFileSync(join(sandbox, 'elsewhere', 'init.txt'), 'x')).toThrow(
      RuntimeGuardViolationError,
    );

    const { result, logs, emf } = await captureOutput(() =>
      invoke(handler, fixtures.apigatewayRest({ ...API, method: 'POST', path: '/orders' }), opts()),
    );
    const outcome = result!;
    // No HTTP error handler in the preset: the typed error fails the invocation (API Gateway answers 502).
    expect(outcome.error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(outcome.error).toMatchObject({
      code: 'ERR_RUNTIME_GUARD_VIOLATION',
      policy: 'fileWrite',
      operation: 'fs.writeFileSync',
      target: outside,
    });
    expect(fs.readFileSync(inside, 'utf8')).toBe('fine');
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync(join(sandbox, 'elsewhere', 'init.txt'))).toBe(false);

    const warnings = violationsIn(logs);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({
      security_event: {
        type: 'guard_violation',
        recorded_by: 'runtime-guard',
        during_init: true,
        detail: { policy: 'fileWrite', mode: 'block', blocked: true },
      },
    });
    expect(warnings[1]).toMatchObject({
      security_event: { detail: { policy: 'fileWrite', target: outside, blocked: true } },
    });
    expect(warnings[1]?.security_event.during_init).toBeUndefined();
    expect(logs.filter((l) => l.level === 'ERROR')).toHaveLength(1);
    const counted = emf.find((d) => d.event_type === 'guard_violation');
    expect(counted?.SecurityEvents).toBe(2);

    const docs = await collector.waitFor((all) =>
      all.some((d) => d.trace_id === outcome.rootTraceId && String(d.name).startsWith('## ') && d.end_time),
    );
    const segment = docs.find((d) => d.trace_id === outcome.rootTraceId && String(d.name).startsWith('## '))!;
    expect(segment.annotations).toMatchObject({ security_event: 'guard_violation' });
  });
});

describe('sentinel({ guard })', () => {
  it('sits between traceAnnotations and sourceAllowlist, and only when asked for', () => {
    const { middlewares } = guarded({ mode: 'alert' }, async () => 'ok');
    expect(middlewares).toHaveLength(6);
    expect(isGuard(middlewares[4]!)).toBe(true);
    expect(middlewares.filter(isGuard)).toHaveLength(1);
    expect(middlewares.at(-1)?.before).toBeTypeOf('function'); // the allowlist, innermost
    expect(guarded(false, async () => 'ok').middlewares).toHaveLength(5);
  });

  it('alert mode lets the write happen and reports it', async () => {
    const outside = join(sandbox, 'elsewhere', 'alerted.txt');
    const { handler } = guarded(
      { mode: 'alert', fileWrite: { allow: [`${sandbox}/allowed/**`] } },
      async () => {
        fs.writeFileSync(outside, 'written');
        return { statusCode: 200, body: 'ok' };
      },
    );
    const { result, logs, emf } = await captureOutput(() =>
      invoke(handler, fixtures.apigatewayRest(API), opts()),
    );
    expect(result?.result).toEqual({ statusCode: 200, body: 'ok' });
    expect(fs.readFileSync(outside, 'utf8')).toBe('written');
    expect(violationsIn(logs)).toHaveLength(1);
    expect(violationsIn(logs)[0]).toMatchObject({
      security_event: { detail: { policy: 'fileWrite', mode: 'alert', blocked: false } },
    });
    expect(emf.find((d) => d.event_type === 'guard_violation')?.SecurityEvents).toBe(1);
  });

  it('@lambda-sentinel/preset takes a built runtimeGuard() in the same place, with the same effect', async () => {
    const outside = join(sandbox, 'elsewhere', 'built.txt');
    const guard = runtimeGuard({ mode: 'block', fileWrite: { allow: [`${sandbox}/allowed/**`] } });
    guards.push(guard as unknown as GuardLike);
    const middlewares = sentinelMain({
      serviceName: 'orders',
      allow,
      logger: createLogger({ serviceName: 'orders' }),
      metrics: createMetrics({ serviceName: 'orders', namespace: 'PresetTest' }),
      tracer: new Tracer({ serviceName: 'orders' }),
      guard,
    });
    expect(middlewares).toHaveLength(6);
    expect(middlewares[4]).toBe(guard);
    const handler = middy(async () => {
      fs.writeFileSync(outside, 'exfiltrated');
      return { statusCode: 200 };
    }).use(middlewares);
    const { result, logs, emf } = await captureOutput(() =>
      invoke(handler, fixtures.apigatewayRest(API), opts()),
    );
    expect(result?.error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(fs.existsSync(outside)).toBe(false);
    expect(violationsIn(logs)).toHaveLength(1);
    expect(emf.find((d) => d.event_type === 'guard_violation')?.SecurityEvents).toBe(1);
  });

  it('a sentinel() that rejects its options releases the guard it was given: init is no longer governed', () => {
    const outside = join(sandbox, 'elsewhere', 'released.txt');
    const guard = runtimeGuard({ mode: 'block', fileWrite: { allow: [`${sandbox}/allowed/**`] } });
    guards.push(guard as unknown as GuardLike);
    // Outside any invocation, the guard governs: this write is init code.
    expect(() => fs.writeFileSync(outside, 'x')).toThrow(RuntimeGuardViolationError);
    expect(() =>
      sentinelMain({ serviceName: 'orders', allow: [{ kind: 'sqs-queue' as never }], guard }),
    ).toThrow(/kind/);
    fs.writeFileSync(outside, 'x');
    expect(fs.readFileSync(outside, 'utf8')).toBe('x');
  });

  describe('guard: true (the strict default)', () => {
    let server: Server;
    let port = 0;
    let connections = 0;
    afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    it('blocks every policy with the default lists', async () => {
      server = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
      const attempt = async (action: () => unknown) => {
        try {
          await action();
          return 'allowed';
        } catch (error) {
          const cause = (error as { cause?: unknown }).cause ?? error;
          return cause instanceof RuntimeGuardViolationError ? `blocked ${cause.policy}` : String(error);
        }
      };
      const tmpTarget = join(sandbox, 'allowed', 'strict.txt');
      const { handler, middlewares } = guarded(true, async () => ({
        statusCode: 200,
        body: JSON.stringify({
          tmpWrite: await attempt(() => fs.writeFileSync(tmpTarget, 'tmp is fine')),
          ownCode: await attempt(() => fs.readFileSync(join(sandbox, 'task', 'index.js'), 'utf8')),
          environ: await attempt(() => fs.readFileSync('/proc/self/environ')),
          spawn: await attempt(() => {
            const run = spawnSync(process.execPath, ['-e', '']);
            if (run.error) throw run.error;
          }),
          fetch: await attempt(() => fetch(`http://127.0.0.1:${port}/`)),
        }),
      }));
      // Another function in the same process, constructed later, takes the process slot with a
      // permissive guard: this invocation is still governed by its own guard, bound in `before`.
      guarded({ mode: 'allow' }, async () => 'other');
      expect(middlewares.find(isGuard)?.policy).toMatchObject({
        childProcess: { mode: 'block' },
        fileWrite: { mode: 'block', list: ['/tmp/**'] },
        fileRead: { mode: 'block' },
        // no AWS_REGION here and no clients: only the Runtime API
        outbound: { mode: 'block', list: [] },
      });

      const { result, logs, emf } = await captureOutput(() =>
        invoke(handler, fixtures.apigatewayRest(API), opts()),
      );
      const body = JSON.parse((result!.result as { body: string }).body);
      expect(body).toEqual({
        tmpWrite: sandbox.startsWith('/tmp/') ? 'allowed' : 'blocked fileWrite',
        ownCode: 'blocked fileRead',
        environ: 'blocked fileRead',
        spawn: 'blocked childProcess',
        fetch: 'blocked outbound',
      });
      expect(connections).toBe(0);
      const policies = violationsIn(logs).map((l) => l.security_event.detail.policy);
      expect(policies).toEqual(expect.arrayContaining(['fileRead', 'fileRead', 'childProcess', 'outbound']));
      expect(emf.find((d) => d.event_type === 'guard_violation')?.SecurityEvents).toBe(policies.length);
    });

    it('still refuses a forged source with 403 before the handler, with no violation', async () => {
      let ran = 0;
      const { handler } = guarded(true, async () => {
        ran += 1;
        return { statusCode: 200, body: 'ok' };
      });
      const { result, logs } = await captureOutput(() =>
        invoke(handler, fixtures.apigatewayRest({ apiId: 'evil000001', stage: 'prod' }), opts()),
      );
      expect((result!.result as { statusCode: number }).statusCode).toBe(403);
      expect(ran).toBe(0);
      expect(violationsIn(logs)).toEqual([]);
    });
  });
});
