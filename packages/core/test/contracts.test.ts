import { invoke } from '@lambda-sentinel/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  AUTHORIZER_SOURCE_KINDS,
  BATCH_SOURCE_KINDS,
  functionIdentity,
  HTTP_SOURCE_KINDS,
  isSourceKind,
  parseTags,
  SentinelConfigError,
  SOURCE_KINDS,
} from '../src/index.ts';

// The exact answers core gives — messages, kinds, absent fields — which the
// rest of Sentinel and its users rely on. Found missing by mutation testing.

function configError(fn: () => unknown): SentinelConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return error as SentinelConfigError;
  }
  throw new Error('expected a SentinelConfigError');
}

const message = (fn: () => unknown) => configError(fn).message;

describe('SENTINEL_TAGS errors say what is wrong', () => {
  it.each([
    ['owner', 'expected key=value pairs separated by commas, got "owner"'],
    ['=x', 'expected key=value pairs separated by commas, got "=x"'],
    ['a=1,   broken  ', 'expected key=value pairs separated by commas, got "broken"'],
    [`a=1,${'k'.repeat(50)}`, `expected key=value pairs separated by commas, got "${'k'.repeat(40)}"`],
    ['{"owner":', 'looks like JSON but does not parse; expected {"owner":"team",...}'],
    ['{"owner": 42}', 'tag "owner" must have a string value of at most 256 tag characters'],
    [`k=${'v'.repeat(257)}`, 'tag "k" must have a string value of at most 256 tag characters'],
    ['bad*key=x', 'tag key "bad*key" is not a valid AWS tag key'],
    [`${'x'.repeat(129)}=v`, `tag key "${'x'.repeat(40)}" is not a valid AWS tag key`],
  ])('%j: %s', (raw, says) => {
    expect(message(() => parseTags(raw))).toBe(`SENTINEL_TAGS: ${says}`);
  });

  it('JSON is what starts with {; anything else is pairs', () => {
    expect(message(() => parseTags('["owner"]'))).toBe(
      'SENTINEL_TAGS: expected key=value pairs separated by commas, got "[\\"owner\\"]"',
    );
    expect(message(() => parseTags('{"a":{"b":"c"}}'))).toBe(
      'SENTINEL_TAGS: tag "a" must have a string value of at most 256 tag characters',
    );
  });
});

describe('SENTINEL_TAGS parsing', () => {
  it('trims the whole variable, each key and each value, and skips blank pairs', () => {
    expect({ ...parseTags('  {"owner":"a"}  ') }).toStrictEqual({ owner: 'a' });
    expect({ ...parseTags(' a = x , , b=  y  ,') }).toStrictEqual({ a: 'x', b: 'y' });
  });
});

describe('functionIdentity', () => {
  it('leaves out what it does not know, rather than setting it undefined', () => {
    expect(functionIdentity(undefined, {})).toStrictEqual({ service: 'service_undefined', tags: {} });
    expect(functionIdentity({ invokedFunctionArn: 'arn:aws:lambda' }, {})).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
  });

  it('reads region and account only from a well-formed ARN', () => {
    const identity = (invokedFunctionArn: string) => functionIdentity({ invokedFunctionArn }, {});
    // six parts are enough (arn:partition:service:region:account:resource)
    expect(identity('arn:aws:lambda:eu-west-1:210987654321:orders')).toMatchObject({
      region: 'eu-west-1',
      accountId: '210987654321',
    });
    expect(identity('arn:aws:lambda:eu-west-1:210987654321')).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
    expect(identity('urn:aws:lambda:eu-west-1:210987654321:function:orders')).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
    // empty region or account: left out
    expect(identity('arn:aws:lambda:::function:orders')).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
  });

  it('names the option and says what it expects', () => {
    expect(message(() => functionIdentity(undefined, {}, { serviceName: '' }))).toBe(
      'serviceName: expected a non-empty string',
    );
    expect(message(() => functionIdentity(undefined, {}, { serviceName: 42 as never }))).toBe(
      'serviceName: expected a non-empty string',
    );
    expect(message(() => functionIdentity(undefined, {}, { tags: null as never }))).toBe(
      'tags: expected an object of string values',
    );
    expect(message(() => functionIdentity(undefined, {}, { tags: 'owner=x' as never }))).toBe(
      'tags: expected an object of string values',
    );
  });

  it('SentinelConfigError carries its name and option', () => {
    const error = configError(() => functionIdentity(undefined, {}, { serviceName: '' }));
    expect(error.name).toBe('SentinelConfigError');
    expect(error.option).toBe('serviceName');
  });
});

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
