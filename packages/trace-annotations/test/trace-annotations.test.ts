// Lambda-like environment before the X-Ray SDK loads (see sdk-capture's tests).
process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
process.env._HANDLER = 'index.handler';

import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const { invoke, invokeConcurrently, startTraceSink } = await import('@lambda-sentinel/testing');
const { default: middy } = await import('@middy/core');
const { recordSecurityEvent, invocationState, SentinelConfigError } = await import('@lambda-sentinel/core');
const { sdkCapture } = await import('@lambda-sentinel/sdk-capture');
const { xrayBackend } = await import('@lambda-sentinel/sdk-capture/xray');
const { otelBackend } = await import('@lambda-sentinel/sdk-capture/otel');
const { createRedactor } = await import('@lambda-sentinel/redact');
const { traceAnnotations, sanitizeKey, sanitizeValue, MAX_KEY_LENGTH, MAX_VALUE_LENGTH } = await import(
  '../src/index.ts'
);

/**
 * Puts the principal on the cached classified source, as core's classifier
 * does for authorizer events; runs outermost so the source is there first.
 */
const withPrincipal = (principal: string) => ({
  before: (request: { event: unknown; internal: Record<string, unknown> }) => {
    const state = invocationState(request);
    state.source = { kind: 'apigateway-rest', accountId: '210987654321', principal };
  },
});

describe.each(['xray', 'otel'] as const)('traceAnnotations (%s backend)', (kind) => {
  let sink: Awaited<ReturnType<typeof startTraceSink>>;
  let backend: ReturnType<typeof xrayBackend>;
  beforeAll(async () => {
    sink = await startTraceSink(kind);
    backend =
      kind === 'xray'
        ? xrayBackend({ daemonAddress: sink.address })
        : otelBackend({ exporter: 'xray-udp', endpoint: sink.address });
  });
  afterAll(() => sink?.close());
  beforeEach(() => sink.clear());

  const capture = () => sdkCapture({ backend });
  const annotationsOf = async (rootTraceId: string) => (await sink.trace(rootTraceId)).handler.annotations;

  it('annotates service, cold start, ownership, version, source and a hashed principal; other tags go to metadata', async () => {
    const handler = middy(async () => 'ok')
      .use(withPrincipal('jane@example.com'))
      .use(capture())
      .use(
        traceAnnotations({
          serviceName: 'orders',
          tags: { owner: 'team-payments', environment: 'prod', lifecycle: 'ga', cost_center: 'cc-42' },
          annotations: () => ({ 'tenant.id': 'acme', retries: 2 }),
        }),
      );
    const run = await invoke(handler, {}, { functionVersion: '7' });
    const annotations = await annotationsOf(run.rootTraceId);
    expect(annotations).toEqual({
      Service: 'orders',
      ColdStart: expect.any(Boolean),
      owner: 'team-payments',
      environment: 'prod',
      lifecycle: 'ga',
      function_version: '7',
      source_kind: 'apigateway-rest',
      source_account: '210987654321',
      principal: expect.stringMatching(/^sha256:[0-9a-f]{32}$/),
      tenant_id: 'acme',
      retries: 2,
    });
    const raw = sink.raw();
    expect(raw).toContain('cc-42');
    expect(raw).not.toContain('jane@example.com');
    expect(annotations).not.toHaveProperty('cost_center');
  });

  it('annotates the expires date; an invocation after it flags function_expired once per process', async () => {
    const handler = middy(async () => 'ok')
      .use(capture())
      .use(traceAnnotations({ tags: { lifecycle: 'experimental', expires: '2020-01-31' } }));
    const first = await annotationsOf((await invoke(handler, {})).rootTraceId);
    expect(first).toMatchObject({ lifecycle: 'experimental', expires: '2020-01-31' });
    // Once per process: the describe.each's first backend reported it; the event goes with that invocation.
    const second = await annotationsOf((await invoke(handler, {})).rootTraceId);
    expect(second.expires).toBe('2020-01-31');
    expect(second).not.toHaveProperty('security_event');
    if (kind === 'xray') expect(first.security_event).toBe('function_expired');
  });

  it('records the principal as is only when told to', async () => {
    const handler = middy(async () => 'ok')
      .use(withPrincipal('user-123'))
      .use(capture())
      .use(traceAnnotations({ hashPrincipal: false }));
    const run = await invoke(handler, {});
    expect((await annotationsOf(run.rootTraceId)).principal).toBe('user-123');
  });

  it('redacts the string values of your own annotations', async () => {
    const token = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
    const handler = middy(async () => 'ok')
      .use(capture())
      .use(
        traceAnnotations({
          redact: createRedactor(),
          annotations: () => ({ contact: 'jane@example.com', note: `password=${token}`, count: 3 }),
        }),
      );
    const run = await invoke(handler, {});
    const annotations = await annotationsOf(run.rootTraceId);
    expect(annotations.count).toBe(3);
    expect(String(annotations.contact)).not.toContain('jane@example.com');
    expect(sink.raw()).not.toContain(token);
  });

  it('names the most severe security event recorded by the handler, also when it throws', async () => {
    const handler = middy(async () => {
      recordSecurityEvent({ type: 'secret_redacted', severity: 'low', message: 'a' });
      recordSecurityEvent({ type: 'source_rejected', severity: 'high', message: 'b' });
      recordSecurityEvent({ type: 'guard_violation', severity: 'medium', message: 'c' });
      throw new Error('fails after recording');
    })
      .use(capture())
      .use(traceAnnotations());
    const run = await invoke(handler, {});
    expect((run.error as Error).message).toBe('fails after recording');
    expect((await annotationsOf(run.rootTraceId)).security_event).toBe('source_rejected');
    expect(sink.raw()).toContain('guard_violation');
  });

  it('keeps each invocation’s principal on its own trace under 64 interleaved invocations', async () => {
    const handler = middy(async (event: { user: string }) => {
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      return event.user;
    })
      .use({
        before: (request: { event: { user: string }; internal: Record<string, unknown> }) => {
          invocationState(request).source = { kind: 'apigateway-rest', principal: request.event.user };
        },
      })
      .use(capture())
      .use(traceAnnotations({ hashPrincipal: false }));
    const events = Array.from({ length: 64 }, (_, i) => ({ user: `user-${i}` }));
    const runs = await invokeConcurrently(handler, events);
    for (const [i, run] of runs.entries()) {
      expect((await annotationsOf(run.rootTraceId)).principal).toBe(events[i]?.user);
    }
  });

  it("annotates the invocation's tenant id; none without one", async () => {
    const handler = middy(async () => 'ok')
      .use(capture())
      .use(traceAnnotations());
    const tenant = await invoke(handler, {}, { tenantId: 'tenant-blue' });
    expect((await annotationsOf(tenant.rootTraceId)).tenant_id).toBe('tenant-blue');
    const none = await invoke(handler, {});
    expect(await annotationsOf(none.rootTraceId)).not.toHaveProperty('tenant_id');
  });

  it('keeps each tenant on its own trace under interleaved invocations (rule 2)', async () => {
    const handler = middy(async (event: { wait: number }) => {
      await new Promise((r) => setTimeout(r, event.wait));
      return 'ok';
    })
      .use(capture())
      .use(traceAnnotations());
    const tenants = Array.from({ length: 24 }, (_, i) => (i % 5 === 4 ? undefined : `tenant-${i % 7}`));
    const events = tenants.map((_, i) => ({ wait: (tenants.length - i) % 6 }));
    const runs = await invokeConcurrently(handler, events, { tenantIds: tenants });
    for (const [i, run] of runs.entries()) {
      const annotations = await annotationsOf(run.rootTraceId);
      if (tenants[i] === undefined) expect(annotations).not.toHaveProperty('tenant_id');
      else expect(annotations.tenant_id).toBe(tenants[i]);
    }
  });

  it('never annotates a hostile tenant id, and redacts one that is personal data', async () => {
    const handler = middy(async () => 'ok')
      .use(capture())
      .use(traceAnnotations());
    for (const tenantId of ['x'.repeat(5000), 'blue\nforged', 'nul\u0000', 12 as unknown as string]) {
      const run = await invoke(handler, {}, { tenantId });
      expect(await annotationsOf(run.rootTraceId)).not.toHaveProperty('tenant_id');
    }
    expect(sink.raw()).not.toContain('xxxxxxxxxx');
    expect(sink.raw()).not.toContain('forged');
    const email = await invoke(handler, {}, { tenantId: 'jane.doe@example.com' });
    expect((await annotationsOf(email.rootTraceId)).tenant_id).toBe('[REDACTED:email]');
    expect(sink.raw()).not.toContain('jane.doe@example.com');
  });

  it('caps at 50 annotations with one warning, and a throwing callback never reaches the handler', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
      const handler = middy(async () => 'ok')
        .use(capture())
        .use(traceAnnotations({ annotations: () => many }))
        .use(
          traceAnnotations({
            annotations: () => {
              throw new Error('callback bug');
            },
          }),
        );
      const run = await invoke(handler, {});
      expect(run.result).toBe('ok');
      const annotations = await annotationsOf(run.rootTraceId);
      // Both middlewares write through one writer per invocation: 50 in all.
      expect(Object.keys(annotations)).toHaveLength(50);
      const capWarnings = warn.mock.calls.filter((c) => String(c[0]).includes('50 annotations'));
      expect(capWarnings).toHaveLength(1);
      expect(warn.mock.calls.some((c) => String(c[0]).includes('callback bug'))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('traceAnnotations without a trace', () => {
  it('is a no-op when sdkCapture is absent or the invocation is untraced', async () => {
    const alone = middy(async () => 'ok').use(traceAnnotations());
    expect((await invoke(alone, {})).result).toBe('ok');
    const untraced = middy(async () => 'ok')
      .use(sdkCapture({ backend: false }))
      .use(traceAnnotations());
    expect((await invoke(untraced, {})).result).toBe('ok');
  });

  it('rejects bad options at construction, naming the option', () => {
    expect(() => traceAnnotations(null as never)).toThrow(SentinelConfigError);
    expect(() => traceAnnotations({ hashPrincipal: 'yes' as never })).toThrow(/^hashPrincipal:/);
    expect(() => traceAnnotations({ annotations: {} as never })).toThrow(/^annotations:/);
    expect(() => traceAnnotations({ tags: { owner: 42 as never } })).toThrow(/tags/);
    expect(() => traceAnnotations({ redact: {} as never })).toThrow(/^redact:/);
  });
});

describe('X-Ray limits', () => {
  it(`keys come out as [A-Za-z0-9_] of at most ${MAX_KEY_LENGTH}, values of at most ${MAX_VALUE_LENGTH} characters`, () => {
    // Lengths drawn around and beyond the limits, so the cuts are exercised, not just reachable.
    const around = (limit: number) => fc.integer({ min: limit - 5, max: limit * 3 });
    fc.assert(
      fc.property(
        around(MAX_KEY_LENGTH).chain((n) =>
          fc.string({ minLength: n, maxLength: n, unit: 'grapheme-ascii' }),
        ),
        around(MAX_VALUE_LENGTH).chain((n) => fc.string({ minLength: n, maxLength: n, unit: 'binary' })),
        (key, value) => {
          const k = sanitizeKey(key);
          if (k !== undefined) {
            expect(k).toMatch(/^[A-Za-z0-9_]+$/);
            expect(k.length).toBe(Math.min(key.length, MAX_KEY_LENGTH));
          }
          const v = sanitizeValue(value) as string;
          expect(Array.from(v).length).toBe(Math.min(Array.from(value).length, MAX_VALUE_LENGTH));
          expect(value.startsWith(v)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
