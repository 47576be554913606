import { SentinelConfigError } from '@lambda-sentinel/core';
import { invokeConcurrently } from '@lambda-sentinel/testing';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('everything a log can hold', () => {
  it('turns Errors into plain objects with redacted message, stack, own props and cause chain', () => {
    const root = new Error(`db at postgres://app:pw123@db:5432 refused`);
    const error = new Error(`login failed for jane@example.com`, { cause: root }) as Error &
      Record<string, unknown>;
    error.code = 'E_LOGIN';
    error.apiKey = 'k-123';
    const out = redact(error) as Record<string, any>;
    expect(out.name).toBe('Error');
    expect(out.message).toBe('login failed for [REDACTED:email]');
    expect(out.stack).toContain('login failed for [REDACTED:email]');
    expect(out.code).toBe('E_LOGIN');
    expect(out.apiKey).toBe('[REDACTED]');
    expect(out.cause.message).toBe('db at postgres://app:[REDACTED:url-password]@db:5432 refused');
    expect(JSON.stringify(out)).not.toMatch(/jane@|pw123|k-123/);
    const aggregate = redact(new AggregateError([new Error(JWT)], 'many')) as Record<string, any>;
    expect(aggregate.errors[0].message).toBe('[REDACTED:jwt]');
  });

  it('copies Map, Set, Buffer, typed arrays, Date, BigInt, symbols, functions, class instances and toJSON', () => {
    class Account {
      id = 'acc-1';
      password = 'p';
      get computed(): string {
        return 'prototype getters are not own properties';
      }
    }
    const out = redact({
      map: new Map<unknown, unknown>([
        ['token', 't'],
        [1, 'one'],
      ]),
      set: new Set(['a', JWT]),
      buffer: Buffer.from('secret bytes'),
      bytes: new Uint8Array(4),
      date: new Date('2024-01-02T03:04:05Z'),
      bad: new Date(Number.NaN),
      big: 2n ** 70n,
      sym: Symbol('s'),
      fn: function handler() {},
      account: new Account(),
      url: new URL('https://user:pw@example.com/x'),
      custom: { toJSON: () => ({ secret: 's', ok: 1 }) },
      re: /ab+c/i,
    });
    expect(out).toEqual({
      map: { token: '[REDACTED]', '1': 'one' },
      set: ['a', '[REDACTED:jwt]'],
      buffer: '[Buffer 12 bytes]',
      bytes: '[Uint8Array 4 bytes]',
      date: '2024-01-02T03:04:05.000Z',
      bad: 'Invalid Date',
      big: '1180591620717411303424',
      sym: 'Symbol(s)',
      fn: '[Function handler]',
      account: { id: 'acc-1', password: '[REDACTED]' },
      url: 'https://user:[REDACTED:url-password]@example.com/x',
      custom: { secret: '[REDACTED]', ok: 1 },
      re: '/ab+c/i',
    });
  });

  it('marks cycles, throwing getters, throwing toJSON and hostile proxies instead of throwing', () => {
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic];
    const shared = { v: 1 };
    const getter = Object.defineProperty({ ok: 1 }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const out = redact({
      cyclic,
      twice: [shared, shared],
      getter,
      badJson: {
        toJSON() {
          throw new Error('x');
        },
      },
      proxy,
    });
    expect(out).toEqual({
      cyclic: { name: 'root', self: '[Circular]', list: ['[Circular]'] },
      twice: [{ v: 1 }, { v: 1 }],
      getter: { ok: 1, boom: '[Unreadable]' },
      badJson: '[Unreadable]',
      proxy: '[Unreadable]',
    });
  });

  it('masks secrets in property names themselves (an email used as a map key)', () => {
    const { value, counts } = redact.withCounts(new Map([['jane@example.com', { visits: 2 }]]));
    expect(value).toEqual({ '[REDACTED:email]': { visits: 2 } });
    expect(counts).toEqual({ email: 1 });
  });

  it('copies "__proto__" keys as data, never as a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const out = redact(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('enforces depth, string length, node and total size limits with visible markers', () => {
    const limited = createRedactor({ maxDepth: 2, maxStringLength: 10, maxNodes: 50, maxTotalSize: 1000 });
    expect(limited({ a: { b: { c: { d: 1 } } } })).toEqual({ a: { b: { c: '[Truncated: depth limit 2]' } } });
    expect(limited('abcdefghijklmnop')).toBe('abcdefghij…[truncated 6 chars]');
    const many = limited(Array.from({ length: 200 }, (_, i) => i)) as unknown[];
    expect(many.length).toBeLessThan(60);
    expect(many.at(-1)).toMatch(/^\[Truncated: \d+ more items\]$/);
    const big = limited(
      Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, 'x'.repeat(10)])),
    ) as object;
    expect(Object.keys(big).at(-1)).toBe('[Truncated]');
  });

  it('redacts before truncating, so a secret straddling the cut does not leak a prefix', () => {
    const short = createRedactor({ maxStringLength: 20 });
    const out = short.redactString(`${'x'.repeat(15)} ${JWT}`) as string;
    expect(out).not.toContain('eyJhbG');
  });
});

describe('path rules', () => {
  const paths = createRedactor({
    paths: ['headers.Authorization', 'Records[*].body.card', '**.ssn', 'items[1].name', 'a["b.c"]', '*.pin'],
  });

  it('matches exact, [*], deep ** and quoted segments, continuing into JSON bodies', () => {
    const out = paths.withCounts({
      headers: { Authorization: 'opaque', accept: 'kept' },
      Records: [{ body: JSON.stringify({ card: 'c-1', id: 7 }) }, { body: '{"card":"c-2"}' }],
      deep: { er: [{ ssn: '123-45-6789' }] },
      ssn: '987-65-4320',
      items: [{ name: 'a' }, { name: 'b' }],
      a: { 'b.c': 'dotted', b: { c: 'nested' } },
      x: { pin: 1234, other: { pin: true } },
    });
    expect(out.value).toEqual({
      headers: { Authorization: '[REDACTED]', accept: 'kept' },
      Records: [{ body: '{"card":"[REDACTED]","id":7}' }, { body: '{"card":"[REDACTED]"}' }],
      deep: { er: [{ ssn: '[REDACTED]' }] },
      ssn: '[REDACTED]',
      items: [{ name: 'a' }, { name: '[REDACTED]' }],
      a: { 'b.c': '[REDACTED]', b: { c: 'nested' } },
      x: { pin: '[REDACTED]', other: { pin: true } },
    });
    expect(out.counts.path).toBe(8);
    expect((paths({ p: { pin: false } }) as any).p.pin).toBe('[REDACTED]');
  });

  it.each(['', 'a..b', 'a[', 'a[x]', '.a', 'a.'])('rejects the malformed path %j at construction', (path) => {
    expect(() => createRedactor({ paths: [path] })).toThrow(SentinelConfigError);
  });
});

describe('encoded payloads', () => {
  it('parses JSON in strings (and JSON in JSON), re-serialising only when something was redacted', () => {
    const body = JSON.stringify({ user: 'u', inner: JSON.stringify({ password: 'p', list: [JWT] }) });
    const out = redact({ body, benign: '{ "pretty": true,\n  "kept": "as is" }' }) as Record<string, string>;
    expect(JSON.parse(JSON.parse(out.body!).inner)).toEqual({
      password: '[REDACTED]',
      list: ['[REDACTED:jwt]'],
    });
    expect(out.benign).toBe('{ "pretty": true,\n  "kept": "as is" }');
    // Not JSON: the pair detector masks the value; a closing brace followed by the end closes it.
    expect(redact('{not json but token=abc1}')).toBe('{not json but token=[REDACTED:secret-param]}');
  });

  it('masks secret fields of URL-encoded forms and redacts decoded values', () => {
    expect(redact('grant_type=password&username=bob&password=p%40ss&client_secret=abc&note=a+b')).toBe(
      'grant_type=password&username=bob&password=[REDACTED:secret-param]&client_secret=[REDACTED:secret-param]&note=a+b',
    );
    expect(redact('to=jane%40example.com&msg=hi+there')).toBe('to=[REDACTED:email]&msg=hi+there');
  });

  it('decodes base64 bodies when isBase64Encoded, and leaves binary bodies alone', () => {
    const json = Buffer.from(JSON.stringify({ password: 'p', ok: true })).toString('base64');
    const binary = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]).toString('base64');
    const out = redact({
      isBase64Encoded: true,
      headers: { 'Content-Type': 'application/json' },
      body: json,
    }) as any;
    expect(JSON.parse(Buffer.from(out.body, 'base64').toString())).toEqual({
      password: '[REDACTED]',
      ok: true,
    });
    expect((redact({ isBase64Encoded: true, body: binary }) as any).body).toBe(binary);
    const form = Buffer.from('user=a&password=b').toString('base64');
    expect(
      Buffer.from((redact({ isBase64Encoded: true, body: form }) as any).body, 'base64').toString(),
    ).toBe('user=a&password=[REDACTED:secret-param]');
    expect((createRedactor({ parseEncoded: false })({ isBase64Encoded: true, body: json }) as any).body).toBe(
      json,
    );
  });
});

describe('construction', () => {
  it.each([
    [{ maxDepth: 0 }, 'maxDepth'],
    [{ maxStringLength: 1.5 }, 'maxStringLength'],
    [{ maxNodes: '10' }, 'maxNodes'],
    [{ maxTotalSize: -1 }, 'maxTotalSize'],
    [{ detectors: { nope: false } }, 'detectors'],
    [{ detectors: 'yes' }, 'detectors'],
    [{ pii: { email: 'blur' } }, 'pii'],
    [{ pii: { fax: 'mask' } }, 'pii'],
    [{ hashKey: 'short' }, 'hashKey'],
    [{ parseEncoded: 1 }, 'parseEncoded'],
    [{ paths: 'a.b' }, 'paths'],
    [{ censor: 'x' }, 'censor'],
    ['nope', 'options'],
  ])('rejects %j naming %s', (options, option) => {
    let thrown: unknown;
    try {
      createRedactor(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SentinelConfigError);
    expect((thrown as SentinelConfigError).option).toBe(option);
  });

  it('serves interleaved concurrent invocations from one shared instance without mixing them', async () => {
    const shared = createRedactor();
    const handler = async (event: { id: number; password: string; note: string }) => {
      const first = shared.withCounts(event);
      await new Promise((resolve) => setTimeout(resolve, (event.id * 7) % 5)); // interleave
      const second = shared.withCounts({ id: event.id, emails: Array(event.id).fill('a@b.io') });
      return { first, second };
    };
    const events = Array.from({ length: 8 }, (_, id) => ({
      id,
      password: `pw-${id}`,
      note: `AKIAIOSFODNN7EXAMPL${id}`,
    }));
    const results = await invokeConcurrently(handler as never, events);
    results.forEach(({ result, error }, id) => {
      expect(error).toBeUndefined();
      const { first, second } = result as { first: any; second: any };
      expect(first.value).toEqual({ id, password: '[REDACTED]', note: '[REDACTED:aws-access-key]' });
      expect(first.counts).toEqual({ key: 1, 'aws-access-key': 1 });
      expect(second.counts).toEqual(id === 0 ? {} : { email: id });
    });
  });

  it('keeps no state between calls: counts are per call', () => {
    const first = redact.withCounts({ password: 'a' });
    const second = redact.withCounts({ ok: 'b' });
    expect(first.counts).toEqual({ key: 1 });
    expect(second.counts).toEqual({});
  });
});
