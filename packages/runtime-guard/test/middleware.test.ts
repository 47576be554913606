import fs from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { invocationState, type SecurityEvent } from '@lambda-sentinel/core';
import { createLogger, redactedLogging } from '@lambda-sentinel/logger';
import { createMetrics, emfMetrics } from '@lambda-sentinel/metrics';
import { captureOutput, fixtures, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeGuardMiddleware, RuntimeGuardViolationError, runtimeGuard } from '../src/index.ts';

let sandbox: string;
const guards: RuntimeGuardMiddleware[] = [];
function guard(options: Parameters<typeof runtimeGuard>[0]): RuntimeGuardMiddleware {
  const made = runtimeGuard(options);
  guards.push(made);
  return made;
}

beforeAll(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'guard-middleware-'));
  for (const dir of ['a', 'b', 'task']) fs.mkdirSync(join(sandbox, dir));
  fs.writeFileSync(join(sandbox, 'task', 'handler.js'), 'export const handler = () => "secret logic";');
});
afterEach(() => {
  for (const made of guards.splice(0)) made.release();
});
afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

/** Keeps each invocation's security events, as the outermost middleware. */
function eventsOf(seen: SecurityEvent[][]): MiddlewareObj {
  const keep: MiddlewareObj['after'] = (request) => {
    seen.push([...invocationState(request).securityEvents]);
  };
  return { after: keep, onError: keep };
}

// Outside any invocation is init to Sentinel, whichever tests ran before: the events wait for the next one.
describe('violations at init', () => {
  it('are blocked at once and reported with the next invocation only', async () => {
    const initGuard = guard({
      fileWrite: { mode: 'block', allow: [`${sandbox}/a/**`] },
      childProcess: 'allow',
    });
    const target = join(sandbox, 'b', 'init.txt');
    expect(() => fs.writeFileSync(target, 'x')).toThrow(RuntimeGuardViolationError);
    expect(fs.existsSync(target)).toBe(false);

    const seen: SecurityEvent[][] = [];
    const handler = middy(async () => 'ok')
      .use(eventsOf(seen))
      .use(initGuard);
    await invoke(handler, {});
    await invoke(handler, {});
    expect(seen[0]).toHaveLength(1);
    expect(seen[0]?.[0]).toMatchObject({
      type: 'guard_violation',
      duringInit: true,
      detail: { policy: 'fileWrite', operation: 'fs.writeFileSync', target, blocked: true },
    });
    expect(seen[1]).toEqual([]);
  });
});

describe('runtimeGuard in the onion', () => {
  it('reports through the logger (one WARN line) and metrics (SecurityEvents by type)', async () => {
    const logger = createLogger({ serviceName: 'guarded' });
    const metrics = createMetrics({ serviceName: 'guarded', namespace: 'Test' });
    const target = join(sandbox, 'b', 'alerted.txt');
    const handler = middy(async () => {
      await writeFile(target, 'written');
      return { statusCode: 200, body: 'ok' };
    })
      .use(redactedLogging({ logger }))
      .use(emfMetrics({ metrics }))
      .use(guard({ mode: 'alert', fileWrite: { allow: [`${sandbox}/a/**`] } }));

    const output = await captureOutput(() => invoke(handler, fixtures.apigatewayRest()));
    expect(output.result?.result).toEqual({ statusCode: 200, body: 'ok' });
    expect(fs.readFileSync(target, 'utf8')).toBe('written');
    const warnings = output.logs.filter((line) => line.level === 'WARN');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      security_event: {
        type: 'guard_violation',
        severity: 'high',
        recorded_by: 'runtime-guard',
        detail: {
          policy: 'fileWrite',
          operation: 'fs.promises.writeFile',
          target,
          mode: 'alert',
          blocked: false,
        },
      },
    });
    const counted = output.emf.find((doc) => doc.event_type === 'guard_violation');
    expect(counted?.SecurityEvents).toBe(1);
  });

  it('a block fails the handler with the typed error while every outer after/onError still runs', async () => {
    const logger = createLogger({ serviceName: 'guarded' });
    const metrics = createMetrics({ serviceName: 'guarded', namespace: 'Test' });
    const target = join(sandbox, 'task', 'handler.js');
    const handler = middy(async () => fs.readFileSync(target, 'utf8'))
      .use(redactedLogging({ logger }))
      .use(emfMetrics({ metrics }))
      .use(guard({ mode: 'block', taskRoot: join(sandbox, 'task') }));

    const output = await captureOutput(() => invoke(handler, {}));
    const error = output.result?.error;
    expect(error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(error).toMatchObject({ policy: 'fileRead', operation: 'fs.readFileSync', target });
    expect(output.lines.join('\n')).not.toContain('secret logic');
    expect(output.logs.filter((line) => line.level === 'ERROR')).toHaveLength(1);
    expect(output.logs.find((line) => line.level === 'WARN')).toMatchObject({
      security_event: { type: 'guard_violation', detail: { policy: 'fileRead', blocked: true } },
    });
    expect(output.emf.find((doc) => doc.event_type === 'guard_violation')?.SecurityEvents).toBe(1);
    expect(output.emf.some((doc) => doc.Errors === 1)).toBe(true);
  });

  it('governs outer middlewares that run before it with the process policy, and its handler with its own', async () => {
    const seen: SecurityEvent[][] = [];
    const outerTarget = join(sandbox, 'b', 'outer.txt');
    const innerTarget = join(sandbox, 'b', 'inner.txt');
    const strict = guard({ fileWrite: { mode: 'block', allow: [`${sandbox}/a/**`] }, childProcess: 'allow' });
    const handler = middy(async () => {
      fs.writeFileSync(innerTarget, 'x');
    })
      .use(eventsOf(seen))
      .use({ before: () => fs.writeFileSync(outerTarget, 'x') })
      .use(strict);
    // The process policy is the last constructed guard; make a lenient one the latest.
    guard({ fileWrite: { mode: 'alert', allow: [`${sandbox}/a/**`] }, childProcess: 'allow' });

    const { error } = await invoke(handler, {});
    expect(fs.existsSync(outerTarget)).toBe(true);
    expect(fs.existsSync(innerTarget)).toBe(false);
    expect(error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(seen[0]?.map((event) => event.detail.mode)).toEqual(['alert', 'block']);
  });
});

describe('concurrency (rule 2)', () => {
  it('interleaved invocations of differently guarded handlers each use their own policy and keep their own events', async () => {
    const seenA: SecurityEvent[][] = [];
    const seenB: SecurityEvent[][] = [];
    const writeOther = (own: 'a' | 'b', other: 'a' | 'b') => async (event: { n: number }) => {
      await sleep(5 * (event.n % 3));
      await writeFile(join(sandbox, own, `own-${event.n}.txt`), 'x');
      await sleep(5 * ((event.n + 1) % 3));
      await writeFile(join(sandbox, other, `${own}-wrote-${event.n}.txt`), 'x');
      return event.n;
    };
    const handlerA = middy(writeOther('a', 'b'))
      .use(eventsOf(seenA))
      .use(guard({ fileWrite: { mode: 'block', allow: [`${sandbox}/a/**`] }, childProcess: 'allow' }));
    const handlerB = middy(writeOther('b', 'a'))
      .use(eventsOf(seenB))
      .use(guard({ fileWrite: { mode: 'alert', allow: [`${sandbox}/b/**`] }, childProcess: 'allow' }));

    const events = Array.from({ length: 6 }, (_, n) => ({ n }));
    const mixed = middy(async (event: { n: number; to: 'a' | 'b' }, context: Context) =>
      event.to === 'a' ? handlerA(event, context) : handlerB(event, context),
    );
    const results = await invokeConcurrently(
      mixed,
      events.flatMap((event) => [
        { ...event, to: 'a' },
        { ...event, to: 'b' },
      ]),
    );

    for (const result of results.filter((_, i) => i % 2 === 0)) {
      expect(result.error).toBeInstanceOf(RuntimeGuardViolationError);
    }
    expect(results.filter((_, i) => i % 2 === 1).map((result) => result.result)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seenA).toHaveLength(6);
    expect(seenB).toHaveLength(6);
    for (const own of seenA) {
      expect(own).toHaveLength(1);
      expect(own[0]?.detail).toMatchObject({ mode: 'block', blocked: true });
      expect(String(own[0]?.detail.target)).toContain(`${sandbox}/b/a-wrote-`);
    }
    for (const own of seenB) {
      expect(own).toHaveLength(1);
      expect(own[0]?.detail).toMatchObject({ mode: 'alert', blocked: false });
      expect(String(own[0]?.detail.target)).toContain(`${sandbox}/a/b-wrote-`);
    }
    expect(fs.readdirSync(join(sandbox, 'b')).filter((name) => name.startsWith('a-wrote-'))).toEqual([]);
    expect(fs.readdirSync(join(sandbox, 'a')).filter((name) => name.startsWith('b-wrote-'))).toHaveLength(6);
  });
});

describe('failure isolation (rule 1)', () => {
  it('a fault in the guard’s own checking lets the call behave exactly as without the guard', async () => {
    const path = new URL(`file://${join(sandbox, 'b', 'x.txt')}`);
    Object.defineProperty(path, 'protocol', {
      get() {
        throw new Error('hostile getter');
      },
    });
    let unguarded: unknown;
    try {
      Reflect.apply(Object.getOwnPropertyDescriptor(fs, 'writeFileSync')?.value, fs, [path, 'x']);
    } catch (error) {
      unguarded = error;
    }
    guard({ fileWrite: { mode: 'block', allow: [`${sandbox}/a/**`] }, childProcess: 'allow' });
    const output = await captureOutput(() => fs.writeFileSync(path, 'x'));
    expect(output.error).toBeInstanceOf(Error);
    expect((output.error as Error).message).toBe('hostile getter');
    if (unguarded) expect((unguarded as Error).message).toBe('hostile getter');
    expect(output.lines.join('\n')).toContain('[runtime-guard] internal error');
  });

  it('returns the handler result untouched in alert mode and never fails an invocation from before', async () => {
    const handler = middy(async () => ({ statusCode: 201, body: 'made' })).use(
      guard({ mode: 'alert', fileWrite: { allow: [`${sandbox}/a/**`] } }),
    );
    const frozen = Object.freeze({});
    const { result, error } = await invoke(handler, {});
    expect(error).toBeUndefined();
    expect(result).toEqual({ statusCode: 201, body: 'made' });
    const strict = guard({ mode: 'alert' });
    expect(() => strict.before?.({ internal: frozen } as never)).not.toThrow();
  });
});

describe('release()', () => {
  it('stops governing code outside invocations but keeps guarding its own invocations', async () => {
    const released = guard({
      fileWrite: { mode: 'block', allow: [`${sandbox}/a/**`] },
      childProcess: 'allow',
    });
    const target = join(sandbox, 'b', 'released.txt');
    expect(() => fs.writeFileSync(target, 'x')).toThrow(RuntimeGuardViolationError);
    released.release();
    fs.writeFileSync(target, 'x');
    expect(fs.existsSync(target)).toBe(true);

    const inside = join(sandbox, 'b', 'inside.txt');
    const handler = middy(async () => fs.writeFileSync(inside, 'x')).use(released);
    const { error } = await invoke(handler, {});
    expect(error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(fs.existsSync(inside)).toBe(false);
  });
});
