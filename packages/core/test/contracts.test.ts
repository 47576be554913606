import { invoke } from '@lambda-sentinel/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  AUTHORIZER_SOURCE_KINDS,
  BATCH_SOURCE_KINDS,
  HTTP_SOURCE_KINDS,
  isSourceKind,
  SOURCE_KINDS,
} from '../src/index.ts';

// The exact answers core gives — kinds, event fields, state outside Lambda —
// which the rest of Sentinel and its users rely on. Found missing by mutation testing.

describe('source kinds', () => {
  it('HTTP kinds answer with an HTTP response, authorizer kinds with Unauthorized', () => {
    expect([...HTTP_SOURCE_KINDS]).toEqual([
      'apigateway-rest',
      'apigateway-http',
      'alb',
      'function-url',
      'vpc-lattice',
    ]);
    expect([...AUTHORIZER_SOURCE_KINDS]).toEqual([
      'apigateway-authorizer-token',
      'apigateway-authorizer-request',
    ]);
    for (const kind of [...HTTP_SOURCE_KINDS, ...AUTHORIZER_SOURCE_KINDS, ...BATCH_SOURCE_KINDS])
      expect(SOURCE_KINDS).toContain(kind);
  });

  it('isSourceKind accepts exactly the known kinds', () => {
    for (const kind of SOURCE_KINDS) expect(isSourceKind(kind)).toBe(true);
    for (const other of ['', 'SQS', 'http', 'unknown ', 42, null, undefined, ['sqs'], { kind: 'sqs' }])
      expect(isSourceKind(other)).toBe(false);
  });
});

describe('security events', () => {
  async function freshCore() {
    vi.resetModules();
    return import('../src/index.ts');
  }

  it('keep their fields exactly: severities, recordedBy only when given, an empty message when none', async () => {
    const core = await freshCore();
    const request = { internal: {} };
    for (const severity of ['low', 'medium', 'high', 'critical'] as const) {
      expect(core.recordSecurityEvent({ type: 'probe', severity, message: 'm' }, request).severity).toBe(
        severity,
      );
    }
    const bare = core.recordSecurityEvent({ type: 'probe' } as never, request);
    expect(Object.keys(bare).sort()).toEqual(['detail', 'message', 'severity', 'time', 'type']);
    expect(bare.message).toBe('');
    expect(
      core.recordSecurityEvent({ type: 'probe', message: 'm', recordedBy: 'me' }, request).recordedBy,
    ).toBe('me');
    expect(
      Object.keys(core.recordSecurityEvent({ type: 'probe', message: 'm', recordedBy: '' }, request)),
    ).not.toContain('recordedBy');
    // undefined detail values are kept as such; objects and functions are dropped
    expect(
      core.recordSecurityEvent(
        { type: 'probe', message: 'm', detail: { gone: undefined, n: 1, nested: {} as never } },
        request,
      ).detail,
    ).toStrictEqual({ gone: undefined, n: 1 });
  });

  it('say what is wrong with a malformed one', async () => {
    const core = await freshCore();
    expect(() => core.recordSecurityEvent(null as never)).toThrow(
      new TypeError('recordSecurityEvent: expected an object'),
    );
    expect(() => core.recordSecurityEvent('probe' as never)).toThrow(
      new TypeError('recordSecurityEvent: expected an object'),
    );
    expect(() => core.recordSecurityEvent({ type: `Bad${'x'.repeat(80)}`, message: 'm' })).toThrow(
      new TypeError(
        `recordSecurityEvent: type must be snake_case (a-z, 0-9, _), at most 64 characters; got "Bad${'x'.repeat(67)}"`,
      ),
    );
  });

  it('at init: at most 100 are kept for the first invocation', async () => {
    const core = await freshCore();
    for (let i = 0; i < 150; i++) core.recordSecurityEvent({ type: 'init_probe', message: String(i) });
    const { result } = await invoke(
      async () => core.currentInvocationState()?.securityEvents.map((e) => e.message),
      {},
    );
    expect(result).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
  });

  it('outside Lambda (no invoke store) the last invocation is the current one; with none yet, there is none', async () => {
    const core = await freshCore();
    const runtime = (globalThis as { awslambda?: unknown }).awslambda;
    delete (globalThis as { awslambda?: unknown }).awslambda;
    try {
      expect(core.currentInvocationState()).toBeUndefined();
      const state = core.invocationState({ internal: {}, context: { awsRequestId: 'r-1' } });
      expect(core.currentInvocationState()).toBe(state);
      expect(state.requestId).toBe('r-1');
    } finally {
      (globalThis as { awslambda?: unknown }).awslambda = runtime;
    }
  });

  it('a plain handler’s state carries the invocation’s request id', async () => {
    const core = await freshCore();
    const outcome = await invoke(async () => core.currentInvocationState()?.requestId, {});
    expect(outcome.result).toBe(outcome.requestId);
  });

  it('redaction counts outside any invocation go nowhere, and never throw', async () => {
    const core = await freshCore();
    expect(() => core.countRedactions({ jwt: 2 })).not.toThrow();
    const { result } = await invoke(async () => ({ ...core.currentInvocationState()?.redactions }), {});
    expect(result).toEqual({});
  });
});
