import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { SentinelConfigError } from '@lambda-sentinel/core';
import {
  captureOutput,
  fixtures,
  invoke,
  invokeConcurrently,
  startXRayCollector,
} from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The X-Ray SDK and Powertools decide at load/construction whether they run in Lambda.
process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
const { Tracer } = await import('@aws-lambda-powertools/tracer');
const { createLogger } = await import('@lambda-sentinel/logger');
const { createMetrics } = await import('@lambda-sentinel/metrics');
const { sentinel } = await import('../src/index.ts');

const collector = await startXRayCollector();
// The X-Ray SDK reads the daemon address when it loads; point it at the collector.
new Tracer().provider.setDaemonAddress(collector.address);
afterAll(() => collector.close());

const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };
const allow = [{ kind: 'apigateway-rest' as const, ...API }];

function stack(extra: Record<string, unknown> = {}) {
  const logger = createLogger({ serviceName: 'orders' });
  const tracer = new Tracer({ serviceName: 'orders' });
  const metrics = createMetrics({ serviceName: 'orders', namespace: 'PresetTest' });
  let ran = 0;
  const handler = middy(async (event: { body?: string }) => {
    ran += 1;
    logger.info('handling', { body: event.body });
    return { statusCode: 200, body: JSON.stringify({ ok: true }) };
  }).use(sentinel({ serviceName: 'orders', allow, logEvent: true, logger, tracer, metrics, ...extra }));
  return { handler, ran: () => ran };
}

const opts = () => ({ functionName: 'orders', xrayDaemonAddress: collector.address });

describe('sentinel()', () => {
  beforeAll(() => collector.clear());

  it('logs redacted, measures and traces an allowed request', async () => {
    const { handler } = stack();
    const event = fixtures.apigatewayRest({
      ...API,
      method: 'POST',
      path: '/orders',
      headers: {
        Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNlY3JldA',
      },
      body: JSON.stringify({ password: 'hunter2-Secret!', item: 'socks' }),
    });
    const { result, lines, logs, emf } = await captureOutput(() => invoke(handler, event, opts()));
    const outcome = result!;
    expect(outcome.error).toBeUndefined();
    expect((outcome.result as { statusCode: number }).statusCode).toBe(200);
    const stdout = lines.join('\n');
    expect(stdout).not.toContain('hunter2-Secret!');
    expect(stdout).not.toContain('c2lnbmF0dXJlLXNlY3JldA');
    expect(logs.some((l) => l.message === 'handling')).toBe(true);
    const metricNames = emf.flatMap((d) =>
      d._aws.CloudWatchMetrics.flatMap((c) => c.Metrics.map((m) => m.Name)),
    );
    expect(metricNames).toEqual(
      expect.arrayContaining(['Duration', 'CpuTime', 'EventLoopDelayMax', 'MemoryUsed']),
    );

    const docs = await collector.waitFor((all) =>
      all.some((d) => d.trace_id === outcome.rootTraceId && String(d.name).startsWith('## ') && d.end_time),
    );
    const handlerSegment = docs.find(
      (d) => d.trace_id === outcome.rootTraceId && String(d.name).startsWith('## '),
    )!;
    expect(handlerSegment.parent_id).toBe(outcome.parentId);
    expect(handlerSegment.annotations).toMatchObject({ Service: 'orders', source_kind: 'apigateway-rest' });
    expect(JSON.stringify(docs.filter((d) => d.trace_id === outcome.rootTraceId))).not.toContain('hunter2');
  });

  it('refuses a forged source with a 403, and every outer layer still logs, measures and closes the trace', async () => {
    const { handler, ran } = stack();
    const forged = fixtures.apigatewayRest({ apiId: 'evil000001', stage: 'prod' });
    const { result, logs, emf } = await captureOutput(() => invoke(handler, forged, opts()));
    const outcome = result!;
    expect(ran()).toBe(0);
    expect(outcome.error).toBeUndefined();
    expect((outcome.result as { statusCode: number }).statusCode).toBe(403);
    expect(logs.some((l) => l.level === 'WARN' && JSON.stringify(l).includes('source_rejected'))).toBe(true);
    const security = emf.find((d) => d.event_type === 'source_rejected');
    expect(security?.SecurityEvents).toBe(1);
    const docs = await collector.waitFor((all) =>
      all.some((d) => d.trace_id === outcome.rootTraceId && String(d.name).startsWith('## ') && d.end_time),
    );
    const segment = docs.find((d) => d.trace_id === outcome.rootTraceId && String(d.name).startsWith('## '))!;
    expect(segment.annotations).toMatchObject({ security_event: 'source_rejected' });
  });

  it('keeps concurrent invocations apart (Lambda Managed Instances)', async () => {
    const { handler } = stack();
    const events = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? fixtures.apigatewayRest({ apiId: 'evil000001', stage: 'prod' })
        : fixtures.apigatewayRest(API),
    );
    const { result, emf } = await captureOutput(() => invokeConcurrently(handler, events, opts()));
    const outcomes = result!;
    outcomes.forEach((o, i) => {
      expect((o.result as { statusCode: number }).statusCode).toBe(i % 3 === 0 ? 403 : 200);
    });
    const rejections = emf.filter((d) => d.event_type === 'source_rejected');
    expect(rejections).toHaveLength(4);
  });

  it("redacts the handler's own console output by default; redactConsole: false opts out", async () => {
    const secret = `ghp_${'Q7xK9pLm2'.repeat(4)}`;
    const outputOf = async (extra: Record<string, unknown>) => {
      const handler = middy(async () => {
        console.log(`deploying with ${secret}`);
        process.stdout.write(`password=${secret}\n`);
        return { statusCode: 200, body: '' };
      }).use(sentinel({ serviceName: 'orders', allow, ...extra }));
      const { lines } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
      return lines.join('\n');
    };
    expect(await outputOf({})).not.toContain(secret);
    expect(await outputOf({ redactConsole: false })).toContain(secret);
  });

  it('names the bad option at construction', () => {
    expect(() => stack({ allow: undefined })).toThrow(SentinelConfigError);
    expect(() => stack({ allow: undefined })).toThrow(/allow/);
    expect(() => stack({ budget: { durationMs: 1 } })).toThrow(/budget/);
    expect(() => stack({ allow: [{ kind: 'sqs-queue' }] })).toThrow(/kind/);
    expect(() => stack({ guard: { fileWrite: { mode: 'deny' } } })).toThrow(SentinelConfigError);
    expect(() => stack({ guard: { fileWrite: { mode: 'deny' } } })).toThrow(/^guard\.fileWrite\.mode: /);
    expect(() => stack({ guard: { outbound: { allowHosts: ['https://x.example/'] } } })).toThrow(
      /guard\.outbound\.allowHosts\[0\]/,
    );
    expect(() => stack({ guard: 'block' })).toThrow(/^guard: expected true/);
    // A rejected configuration leaves nothing installed behind (checked in the test below).
    expect(() => stack({ allow: [{ kind: 'sqs-queue' }], guard: true })).toThrow(/kind/);
  });

  // Hooks are process-wide: this file never constructs a guard, so nothing may be patched.
  it('installs no runtime guard unless asked (guard absent or false)', async () => {
    const { handler } = stack();
    const { handler: explicitlyOff } = stack({ guard: false });
    const { result } = await captureOutput(async () => [
      await invoke(handler, fixtures.apigatewayRest(API), opts()),
      await invoke(explicitlyOff, fixtures.apigatewayRest(API), opts()),
    ]);
    for (const outcome of result!) expect((outcome.result as { statusCode: number }).statusCode).toBe(200);
    const ORIGINAL = Symbol.for('@lambda-sentinel/runtime-guard.original');
    for (const fn of [
      fs.writeFileSync,
      fs.readFileSync,
      fs.promises.writeFile,
      fs.createWriteStream,
      childProcess.spawnSync,
      childProcess.execSync,
      (childProcess.ChildProcess.prototype as unknown as { spawn: () => void }).spawn,
      net.Socket.prototype.connect,
    ]) {
      expect(ORIGINAL in fn, fn.name).toBe(false);
    }
  });

  it('observe mode refuses nothing', async () => {
    const { handler, ran } = stack({ allow: undefined, mode: 'observe' });
    const { result } = await captureOutput(() =>
      invoke(handler, fixtures.apigatewayRest({ apiId: 'other00001' }), opts()),
    );
    const outcome = result!;
    expect(ran()).toBe(1);
    expect((outcome.result as { statusCode: number }).statusCode).toBe(200);
  });
});
