import childProcess from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { SentinelConfigError } from '@lambda-sentinel/core';
import {
  captureOutput,
  fixtures,
  invoke,
  invokeConcurrently,
  startDynalite,
  startTraceSinks,
  type TraceSinks,
} from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// Lambda's environment before anything decides at load whether it runs in Lambda.
process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
const { createLogger } = await import('@lambda-sentinel/logger');
const { createMetrics } = await import('@lambda-sentinel/metrics');
const { xrayBackend } = await import('@lambda-sentinel/sdk-capture/xray');
const { otelBackend } = await import('@lambda-sentinel/sdk-capture/otel');
const { DynamoDBClient, CreateTableCommand, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
const mysql = await import('mysql2/promise');
const { sentinel } = await import('../src/index.ts');
const { sentinel: sentinelWithGuard } = await import('../src/guard.ts');

const API = { apiId: 'a1b2c3d4e5', stage: 'prod' };
const allow = [{ kind: 'apigateway-rest' as const, ...API }];
const opts = () => ({ functionName: 'orders' });
const statusOf = (outcome: { result?: unknown }) =>
  (outcome.result as { statusCode?: number } | undefined)?.statusCode;

let sinks: TraceSinks;
const backends: Record<'xray' | 'otel', ReturnType<typeof xrayBackend>> = {} as never;
beforeAll(async () => {
  sinks = await startTraceSinks();
  backends.xray = xrayBackend({ daemonAddress: sinks.xray.address });
  backends.otel = otelBackend({ exporter: 'xray-udp', endpoint: sinks.otel.address });
});
afterAll(async () => {
  await sinks?.close();
});

function stack(
  extra: Record<string, unknown> = {},
  handlerFn?: (event: { body?: string }) => Promise<unknown>,
) {
  const logger = createLogger({ serviceName: 'orders' });
  const metrics = createMetrics({ serviceName: 'orders', namespace: 'PresetTest' });
  let ran = 0;
  const handler = middy(async (event: { body?: string }) => {
    ran += 1;
    logger.info('handling', { body: event.body });
    if (handlerFn) return handlerFn(event);
    return { statusCode: 200, body: JSON.stringify({ ok: true }) };
  }).use(sentinel({ serviceName: 'orders', allow, logEvent: true, logger, metrics, ...extra }));
  return { handler, ran: () => ran };
}

describe.each(['xray', 'otel'] as const)('sentinel() traced with %s', (kind) => {
  beforeEach(() => sinks[kind].clear());
  const traced = (extra: Record<string, unknown> = {}, fn?: (event: { body?: string }) => Promise<unknown>) =>
    stack({ tracing: backends[kind], ...extra }, fn);

  it('logs redacted, measures and traces an allowed request', async () => {
    const { handler } = traced();
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
    expect(statusOf(outcome)).toBe(200);
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

    const { handler: span } = await sinks[kind].trace(outcome.rootTraceId);
    expect(span.parentId).toBe(outcome.parentId);
    expect(span.annotations).toMatchObject({ Service: 'orders', source_kind: 'apigateway-rest' });
    expect(span.fault || span.error).toBe(false);
    expect(sinks[kind].raw()).not.toContain('hunter2');
  });

  it('refuses a forged source with a 403: an error on the trace, not a fault, and every outer layer still runs', async () => {
    const { handler, ran } = traced();
    const forged = fixtures.apigatewayRest({ apiId: 'evil000001', stage: 'prod' });
    const { result, logs, emf } = await captureOutput(() => invoke(handler, forged, opts()));
    const outcome = result!;
    expect(ran()).toBe(0);
    expect(outcome.error).toBeUndefined();
    expect(statusOf(outcome)).toBe(403);
    expect(logs.some((l) => l.level === 'WARN' && JSON.stringify(l).includes('source_rejected'))).toBe(true);
    expect(emf.find((d) => d.event_type === 'source_rejected')?.SecurityEvents).toBe(1);
    // Not a function error: no ERROR line to set off error alarms, Errors 0, outcome "refused".
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([]);
    expect(emf.find((d) => 'Errors' in d)).toMatchObject({ Errors: 0, outcome: 'refused' });
    const { handler: span } = await sinks[kind].trace(outcome.rootTraceId);
    expect(span.annotations).toMatchObject({ security_event: 'source_rejected' });
    expect({ error: span.error, fault: span.fault, status: span.http?.status }).toEqual({
      error: true,
      fault: false,
      status: 403,
    });
  });

  it('keeps interleaved concurrent invocations apart (Lambda Managed Instances)', async () => {
    const { handler } = traced({}, async (event) => {
      // Yield mid-invocation so the invocations really interleave.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
      return { statusCode: 200, body: event.body ?? '' };
    });
    const events = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? fixtures.apigatewayRest({ apiId: 'evil000001', stage: 'prod', body: `forged-${i}` })
        : fixtures.apigatewayRest({ ...API, body: `order-${i}` }),
    );
    const { result, emf, logs } = await captureOutput(() => invokeConcurrently(handler, events, opts()));
    const outcomes = result!;
    outcomes.forEach((o, i) => {
      expect(statusOf(o)).toBe(i % 3 === 0 ? 403 : 200);
      if (i % 3 !== 0) expect((o.result as { body: string }).body).toBe(`order-${i}`);
    });
    expect(emf.filter((d) => d.event_type === 'source_rejected')).toHaveLength(4);
    // Each handler log line carries its own invocation's request id and body.
    for (const [i, outcome] of outcomes.entries()) {
      if (i % 3 === 0) continue;
      const line = logs.find((l) => l.message === 'handling' && l.function_request_id === outcome.requestId);
      expect(line?.body).toBe(`order-${i}`);
    }
    for (const [i, outcome] of outcomes.entries()) {
      const { handler: span } = await sinks[kind].trace(outcome.rootTraceId);
      expect(span.annotations.security_event).toBe(i % 3 === 0 ? 'source_rejected' : undefined);
    }
  });
});

describe('sentinel() options reach their middlewares', () => {
  const sink = () => sinks.xray;
  beforeEach(() => sink().clear());
  const traced = (extra: Record<string, unknown>, fn?: (event: { body?: string }) => Promise<unknown>) =>
    stack({ tracing: backends.xray, ...extra }, fn);

  it('redact: extra keys are censored by the logger sentinel() creates, and in the trace', async () => {
    const event = fixtures.apigatewayRest({ ...API, body: JSON.stringify({ loyaltyNumber: 'LN-778899' }) });
    const withRules = (redact?: unknown) =>
      middy(async () => {
        throw new Error('loyaltyNumber=LN-778899 rejected');
      }).use(
        sentinel({
          serviceName: 'orders',
          allow,
          logEvent: true,
          tracing: backends.xray,
          ...(redact ? { redact } : {}),
        }),
      );
    const { lines, result } = await captureOutput(() =>
      invoke(withRules({ keys: ['loyaltyNumber'] }), event, opts()),
    );
    expect(lines.join('\n')).not.toContain('LN-778899');
    await sink().trace(result!.rootTraceId);
    expect(sink().raw()).not.toContain('LN-778899');
    // Without the rule the same value is logged: the option is what made the difference.
    const { lines: plain } = await captureOutput(() => invoke(withRules(), event, opts()));
    expect(plain.join('\n')).toContain('LN-778899');
  });

  it('tags: ownership reaches the trace annotations', async () => {
    const { handler } = traced({ tags: { owner: 'team-payments', environment: 'prod', lifecycle: 'ga' } });
    const { result } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
    const { handler: span } = await sink().trace(result!.rootTraceId);
    expect(span.annotations).toMatchObject({ owner: 'team-payments', environment: 'prod', lifecycle: 'ga' });
  });

  it('logResponse: the redacted response is logged', async () => {
    const body = JSON.stringify({ email: 'jane@example.com', total: 42 });
    const { handler } = traced({ logResponse: true }, async () => ({ statusCode: 200, body }));
    const { logs, lines } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
    expect(logs.some((l) => JSON.stringify(l).includes('total'))).toBe(true);
    expect(lines.join('\n')).not.toContain('jane@example.com');
  });

  it('budgets: an overrun is a budget_exceeded security event', async () => {
    const { handler } = traced({ budgets: { durationMs: 1 } }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return { statusCode: 200, body: '' };
    });
    const { emf, logs } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
    expect(emf.find((d) => d.event_type === 'budget_exceeded')?.SecurityEvents).toBe(1);
    expect(logs.some((l) => JSON.stringify(l).includes('budget_exceeded'))).toBe(true);
  });

  it('resourceMetrics: false publishes Duration but not CpuTime, EventLoopDelayMax or MemoryUsed', async () => {
    const resourceNames = ['CpuTime', 'EventLoopDelayMax', 'MemoryUsed'];
    for (const [resourceMetrics, expected] of [
      [undefined, resourceNames],
      [false, []],
    ] as const) {
      const { handler } = traced(resourceMetrics === undefined ? {} : { resourceMetrics });
      const { emf } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
      const main = emf.filter((doc) => doc.Duration !== undefined);
      expect(main).toHaveLength(1);
      expect(resourceNames.filter((name) => main[0]?.[name] !== undefined)).toEqual(expected);
    }
  });

  it('snsSignature: the certificate fetch given to sentinel() is the one verifySignature rules use', async () => {
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:alerts';
    const event = fixtures.sns({ topicArn });
    const sns = event.Records[0]!.Sns;
    // Fresh and well-formed, so the verifier gets as far as the certificate, but signed by nobody.
    sns.Timestamp = new Date().toISOString();
    sns.Signature = Buffer.alloc(256, 7).toString('base64');
    const fetched: string[] = [];
    const { handler, ran } = stack({
      allow: [{ kind: 'sns', arn: topicArn, verifySignature: true }],
      snsSignature: {
        fetchCertificate: async (url: string) => {
          fetched.push(url);
          return 'not a certificate';
        },
      },
    });
    const { logs } = await captureOutput(() => invoke(handler, event, opts()).catch(() => undefined));
    expect(fetched).toEqual([sns.SigningCertUrl]);
    expect(ran()).toBe(0);
    expect(JSON.stringify(logs)).toContain('invalid_signature');
  });

  it('clients: the AWS SDK calls are traced', async () => {
    const dynalite = await startDynalite();
    try {
      const ddb = new DynamoDBClient(dynalite.clientConfig);
      await ddb.send(
        new CreateTableCommand({
          TableName: 'orders',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const { handler } = traced({ clients: [ddb] }, async () => {
        await ddb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: '1' } } }));
        return { statusCode: 200, body: '' };
      });
      const { result } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
      const { spans } = await sink().trace(result!.rootTraceId, 2);
      expect(spans.find((s) => s.namespace === 'aws')?.aws).toMatchObject({
        operation: 'GetItem',
        tableName: 'orders',
      });
    } finally {
      await dynalite.close();
    }
  });

  it('mysql: the pool’s queries are traced (MariaDB)', async (context) => {
    const server = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
    const probe = await mysql.createConnection({ ...server, connectTimeout: 2000 }).catch(() => undefined);
    if (!probe) {
      if (process.env.CI) throw new Error('MariaDB at 127.0.0.1:3306 is unreachable and CI is set');
      context.skip();
      return;
    }
    await probe.end();
    const pool = mysql.createPool({ ...server, connectionLimit: 2 });
    try {
      const secret = randomBytes(6).toString('hex');
      const { handler } = traced({ mysql: pool }, async () => {
        await pool.query(`SELECT '${secret}' AS value`);
        return { statusCode: 200, body: '' };
      });
      const { result } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
      const { spans } = await sink().trace(result!.rootTraceId, 2);
      expect(spans.find((s) => s.sql)?.sql?.query).toBe('SELECT ? AS value');
      expect(sink().raw()).not.toContain(secret);
    } finally {
      await pool.end();
    }
  });

  it('tracing: false traces nothing; SENTINEL_TRACING is read when the option is absent', async () => {
    const { handler } = stack({ tracing: false });
    const { result } = await captureOutput(() => invoke(handler, fixtures.apigatewayRest(API), opts()));
    expect(statusOf(result!)).toBe(200);
    expect(sink().spans(result!.rootTraceId)).toEqual([]);
    process.env.SENTINEL_TRACING = 'zipkin';
    try {
      expect(() => stack()).toThrow(/^SENTINEL_TRACING: /);
    } finally {
      delete process.env.SENTINEL_TRACING;
    }
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
});

describe('sentinel() construction', () => {
  it('names the bad option at construction', () => {
    expect(() => stack({ allow: undefined })).toThrow(SentinelConfigError);
    expect(() => stack({ allow: undefined })).toThrow(/allow/);
    expect(() => stack({ budget: { durationMs: 1 } })).toThrow(/budget/);
    expect(() => stack({ resourceMetrics: 'no' })).toThrow(/^resourceMetrics: expected a boolean/);
    // A budget on a figure that is not measured could never be exceeded: refused, not ignored.
    expect(() => stack({ resourceMetrics: false, budgets: { cpuMs: 50 } })).toThrow(/^budgets\.cpuMs: needs/);
    expect(() => stack({ resourceMetrics: false, budgets: { durationMs: 50 } })).not.toThrow();
    expect(() => stack({ allow: [{ kind: 'sqs-queue' }] })).toThrow(/kind/);
    expect(() => stack({ tracing: 'jaeger' })).toThrow(
      /^tracing: expected 'xray', 'otel', false or a TraceBackend/,
    );
    // This entry point takes only a built guard (it does not import the guard); true and options
    // are for @lambda-sentinel/preset/guard, and the message says so.
    expect(() => stack({ guard: true })).toThrow(
      /^guard: true needs the guard entry point: import \{ sentinel \} from '@lambda-sentinel\/preset\/guard', or pass guard: runtimeGuard\(/,
    );
    expect(() => stack({ guard: { mode: 'block' } })).toThrow(
      /^guard: runtimeGuard\(\) options need the guard entry point/,
    );
    expect(() => stack({ guard: 'block' })).toThrow(/^guard: expected runtimeGuard\(\{\.\.\.\}\)/);
    // From the guard entry point, a bad guard option is named; all of these throw before any hook goes in.
    const guarded =
      (guard: unknown, extra: Record<string, unknown> = {}) =>
      () =>
        sentinelWithGuard({ serviceName: 'orders', allow, guard: guard as never, ...extra });
    expect(guarded({ fileWrite: { mode: 'deny' } })).toThrow(SentinelConfigError);
    expect(guarded({ fileWrite: { mode: 'deny' } })).toThrow(/^guard\.fileWrite\.mode: /);
    expect(guarded({ outbound: { allowHosts: ['https://x.example/'] } })).toThrow(
      /guard\.outbound\.allowHosts\[0\]/,
    );
    expect(guarded('block')).toThrow(/^guard: expected runtimeGuard/);
    // A rejected configuration leaves nothing installed behind (checked in the test below).
    expect(guarded(true, { allow: [{ kind: 'sqs-queue' }] })).toThrow(/kind/);
  });

  // Hooks are process-wide: this file never constructs a guard, so nothing may be patched.
  it('installs no runtime guard unless asked (guard absent or false)', async () => {
    const { handler } = stack();
    const { handler: explicitlyOff } = stack({ guard: false });
    const { result } = await captureOutput(async () => [
      await invoke(handler, fixtures.apigatewayRest(API), opts()),
      await invoke(explicitlyOff, fixtures.apigatewayRest(API), opts()),
    ]);
    for (const outcome of result!) expect(statusOf(outcome)).toBe(200);
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
    expect(ran()).toBe(1);
    expect(statusOf(result!)).toBe(200);
  });
});
