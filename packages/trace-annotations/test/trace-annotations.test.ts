// Lambda-like environment before the X-Ray SDK and the Tracer load (see sdk-capture's tests).
process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
process.env.AWS_XRAY_CONTEXT_MISSING = 'IGNORE_ERROR';
process.env._HANDLER = 'index.handler';

import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const { invoke, invokeConcurrently, startXRayCollector } = await import('@lambda-sentinel/testing');
// The X-Ray SDK reads the daemon address once, when it loads.
const collector = await startXRayCollector();
process.env.AWS_XRAY_DAEMON_ADDRESS = collector.address;
const { Tracer } = await import('@aws-lambda-powertools/tracer');
const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
const { default: middy } = await import('@middy/core');
const { recordSecurityEvent, invocationState, SentinelConfigError } = await import('@lambda-sentinel/core');
const { sdkCapture } = await import('@lambda-sentinel/sdk-capture');
const { traceAnnotations, sanitizeKey, sanitizeValue, MAX_VALUE_LENGTH } = await import('../src/index.ts');

const tracer = new Tracer({ serviceName: 'orders' });
// A plain-string redactor is enough here: nothing of this package redacts.
const redact = Object.assign((v: unknown) => v, { redactString: (s: string) => s });

afterAll(() => collector?.close());
beforeEach(() => collector.clear());

async function handlerDoc(rootTraceId: string) {
  const docs = await collector.waitFor((all) =>
    all.some((d) => d.trace_id === rootTraceId && d.name === '## index.handler' && !d.in_progress),
  );
  return collector.byTrace(rootTraceId).find((d) => d.name === '## index.handler') ?? docs[0];
}

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

describe('traceAnnotations', () => {
  it('annotates service, cold start, ownership, version, source and principal; other tags go to metadata', async () => {
    const handler = middy(async () => 'ok')
      .use(withPrincipal('user-123'))
      .use(sdkCapture({ tracer, redact }))
      .use(
        traceAnnotations({
          tracer,
          tags: { owner: 'team-payments', environment: 'prod', lifecycle: 'ga', cost_center: 'cc-42' },
          annotations: () => ({ 'tenant.id': 'acme', retries: 2 }),
        }),
      );
    const run = await invoke(handler, {}, { functionVersion: '7' });
    const doc = await handlerDoc(run.rootTraceId);
    expect(doc?.annotations).toMatchObject({
      Service: 'orders',
      ColdStart: expect.any(Boolean),
      owner: 'team-payments',
      environment: 'prod',
      lifecycle: 'ga',
      function_version: '7',
      source_kind: 'apigateway-rest',
      source_account: '210987654321',
      principal: 'user-123',
      tenant_id: 'acme',
      retries: 2,
    });
    expect(JSON.stringify(doc?.metadata)).toContain('cc-42');
    expect(doc?.annotations).not.toHaveProperty('cost_center');
  });

  it('hashes the principal when asked', async () => {
    const handler = middy(async () => 'ok')
      .use(withPrincipal('jane@example.com'))
      .use(sdkCapture({ tracer, redact }))
      .use(traceAnnotations({ tracer, hashPrincipal: true }));
    const run = await invoke(handler, {});
    const doc = await handlerDoc(run.rootTraceId);
    expect(doc?.annotations?.principal).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(JSON.stringify(collector.documents)).not.toContain('jane@example.com');
  });

  it('names the most severe security event recorded by the handler, also when it throws', async () => {
    const handler = middy(async () => {
      recordSecurityEvent({ type: 'secret_redacted', severity: 'low', message: 'a' });
      recordSecurityEvent({ type: 'source_rejected', severity: 'high', message: 'b' });
      recordSecurityEvent({ type: 'guard_violation', severity: 'medium', message: 'c' });
      throw new Error('fails after recording');
    })
      .use(sdkCapture({ tracer, redact }))
      .use(traceAnnotations({ tracer }));
    const run = await invoke(handler, {});
    expect((run.error as Error).message).toBe('fails after recording');
    const doc = await handlerDoc(run.rootTraceId);
    expect(doc?.annotations?.security_event).toBe('source_rejected');
    expect(JSON.stringify(doc?.metadata)).toContain('guard_violation');
  });

  it('keeps each invocation’s principal on its own trace under 20 interleaved invocations', async () => {
    const handler = middy(async (event: { user: string }) => {
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      return event.user;
    })
      .use({
        before: (request: { event: { user: string }; internal: Record<string, unknown> }) => {
          invocationState(request).source = { kind: 'apigateway-rest', principal: request.event.user };
        },
      })
      .use(sdkCapture({ tracer, redact }))
      .use(traceAnnotations({ tracer }));
    const events = Array.from({ length: 20 }, (_, i) => ({ user: `user-${i}` }));
    const runs = await invokeConcurrently(handler, events);
    for (const [i, run] of runs.entries()) {
      const doc = await handlerDoc(run.rootTraceId);
      expect(doc?.annotations?.principal).toBe(events[i]?.user);
    }
  });

  it('works on Powertools captureLambdaHandler’s subsegment too', async () => {
    const handler = middy(async () => 'ok')
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(traceAnnotations({ tracer, tags: { owner: 'team-x' } }));
    const run = await invoke(handler, {});
    const doc = await handlerDoc(run.rootTraceId);
    expect(doc?.annotations?.owner).toBe('team-x');
  });

  it('caps at 50 annotations with one warning, and a throwing callback never reaches the handler', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
      const handler = middy(async () => 'ok')
        .use(sdkCapture({ tracer, redact }))
        .use(traceAnnotations({ tracer, annotations: () => many }))
        .use(
          traceAnnotations({
            tracer,
            annotations: () => {
              throw new Error('callback bug');
            },
          }),
        );
      const run = await invoke(handler, {});
      expect(run.result).toBe('ok');
      const doc = await handlerDoc(run.rootTraceId);
      expect(Object.keys(doc?.annotations ?? {})).toHaveLength(50);
      const capWarnings = warn.mock.calls.filter((c) => String(c[0]).includes('50 annotations'));
      expect(capWarnings).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('is a no-op without tracing', async () => {
    const off = new Tracer({ enabled: false });
    const handler = middy(async () => 'ok').use(traceAnnotations({ tracer: off }));
    const run = await invoke(handler, {});
    expect(run.result).toBe('ok');
  });

  it('rejects bad options at construction, naming the option', () => {
    expect(() => traceAnnotations({} as never)).toThrow(SentinelConfigError);
    expect(() => traceAnnotations({ tracer, hashPrincipal: 'yes' as never })).toThrow(/hashPrincipal/);
    expect(() => traceAnnotations({ tracer, annotations: {} as never })).toThrow(/annotations/);
    expect(() => traceAnnotations({ tracer, tags: { owner: 42 as never } })).toThrow(/tags/);
  });
});

describe('X-Ray limits', () => {
  it('keys come out as [A-Za-z0-9_] of at most 500, values at most 1000 characters', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ maxLength: 3000 }), (key, value) => {
        const k = sanitizeKey(key);
        if (k !== undefined) expect(k).toMatch(/^[A-Za-z0-9_]{1,500}$/);
        const v = sanitizeValue(value) as string;
        expect(Array.from(v).length).toBeLessThanOrEqual(MAX_VALUE_LENGTH);
        expect(value.startsWith(v)).toBe(true);
      }),
    );
  });
});
