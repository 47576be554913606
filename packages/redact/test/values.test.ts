/**
 * What the copy holds for each kind of value the walk meets, where each size limit cuts, and which
 * value types a key rule censors. Written for the branches mutation testing found unexercised
 * (`pnpm test:mutation redact`): each case pins the exact output, so a changed branch fails.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();

describe('values the walk meets', () => {
  it('names a function by its name, and an anonymous one as [Function]', () => {
    const anonymous = [
      (
        () => () =>
          1
      )(),
    ];
    expect(redact({ fn: function handler() {}, list: anonymous })).toEqual({
      fn: '[Function handler]',
      list: ['[Function]'],
    });
  });

  it('describes binary and opaque objects instead of copying them', () => {
    expect(
      redact({
        raw: new ArrayBuffer(8),
        pending: Promise.resolve(1),
        weakMap: new WeakMap(),
        weakSet: new WeakSet(),
      }),
    ).toEqual({
      raw: '[ArrayBuffer 8 bytes]',
      pending: '[Promise]',
      weakMap: '[WeakMap]',
      weakSet: '[WeakSet]',
    });
  });

  it('keeps numbers, booleans and strings under harmless keys untouched, and counts nothing', () => {
    expect(redact.withCounts({ s: 'ok', n: 1, b: true, z: null })).toEqual({
      value: { s: 'ok', n: 1, b: true, z: null },
      counts: {},
    });
  });

  it('marks an Error whose message getter throws, instead of throwing', () => {
    const error = new Error('m');
    Object.defineProperty(error, 'message', {
      get() {
        throw new Error('no');
      },
    });
    expect(redact(error)).toMatchObject({ name: 'Error', message: '[Unreadable]' });
  });
});

describe('key rules by value type', () => {
  it('censor a numeric secret (pin, password) but keep a count or date under a credential name', () => {
    expect(
      redact({
        pin: 1234,
        password: 987654,
        token: 12345,
        tokenCount: 12n,
        secret: '2024-01-02T03:04:05Z',
        apiKey: 'Tue, 02 Jan 2024 03:04:05 GMT',
      }),
    ).toEqual({
      pin: '[REDACTED]',
      password: '[REDACTED]',
      token: 12345,
      tokenCount: '12',
      secret: '2024-01-02T03:04:05Z',
      apiKey: 'Tue, 02 Jan 2024 03:04:05 GMT',
    });
  });

  it('censor a date under a password (only credential names keep dates)', () => {
    expect(redact({ password: '2024-01-02' })).toEqual({ password: '[REDACTED]' });
  });

  it('keep booleans, null and ARNs, and censor symbols, functions and bigints under a password', () => {
    expect(
      redact({
        password: true,
        passwordHash: null,
        secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
        pwd: Symbol('s'),
        passphrase: () => 'x',
        pin: 12n,
      }),
    ).toEqual({
      password: true,
      passwordHash: null,
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
      pwd: '[REDACTED]',
      passphrase: '[REDACTED]',
      pin: '[REDACTED]',
    });
  });

  it('hash an SSN by key from its trimmed, lower-cased text, or from the JSON of a non-string', () => {
    const hashing = createRedactor({ pii: { ssn: 'hash' } });
    const { value, counts } = hashing.withCounts({
      ssn: ' 123-45-6789 ',
      ssnCopy: '123-45-6789',
      ssnNumber: 123456789,
      ssnText: '123456789',
    }) as { value: Record<string, string>; counts: Record<string, number> };
    expect(value.ssn).toMatch(/^\[REDACTED:ssn:[0-9a-f]{12}\]$/);
    expect(value.ssn).toBe(value.ssnCopy);
    // JSON.stringify(123456789) is the same text as the string, so the same pseudonym.
    expect(value.ssnNumber).toBe(value.ssnText);
    expect(value.ssnNumber).not.toBe(value.ssn);
    expect(counts).toEqual({ ssn: 4 });
  });

  it('mask person names under name keys only when asked, counted as name', () => {
    expect(redact.withCounts({ firstName: 'Jane' })).toEqual({ value: { firstName: 'Jane' }, counts: {} });
    const names = createRedactor({ pii: { name: 'mask' } });
    expect(names.withCounts({ firstName: 'Jane', lastName: 'Doe' })).toEqual({
      value: { firstName: '[REDACTED:name]', lastName: '[REDACTED:name]' },
      counts: { name: 2 },
    });
  });
});

describe('limits cut with a marker, in every kind of container', () => {
  const small = createRedactor({ maxNodes: 5 });

  it('cuts a plain object after maxNodes nodes, keeping the keys before the cut', () => {
    expect(small({ a: { b: 1 }, c: { d: 1 }, e: { f: 1 }, g: { h: 1 } })).toEqual({
      a: { b: 1 },
      c: { d: 1 },
      '[Truncated]': '2 more keys',
    });
  });

  it('cuts a class instance and a Map the same way', () => {
    class Row {
      a = 1;
      b = 2;
      c = 3;
      d = 4;
      e = 5;
      f = 6;
      g = 7;
    }
    expect(small({ row: new Row() })).toEqual({ row: { a: 1, b: 2, c: 3, '[Truncated]': '4 more keys' } });
    const map = new Map(['a', 'b', 'c', 'd', 'e', 'f'].map((k, i) => [k, i]));
    expect(small(map)).toEqual({ a: 0, b: 1, c: 2, d: 3, '[Truncated]': 'more entries' });
  });

  it('replaces an object met at the limit with one marker, and cuts the rest of its array', () => {
    expect(small([1, 2, 3, { x: 1 }])).toEqual([1, 2, 3, '[Truncated: size limit]']);
    expect(small({ a: 1, b: 2, c: 3, nested: { x: 1 } })).toEqual({
      a: 1,
      b: 2,
      c: 3,
      nested: '[Truncated: size limit]',
    });
    expect(small({ list: [[1], [2], [3], [4]] })).toEqual({
      list: [[1], '[Truncated: size limit]', '[Truncated: 2 more items]'],
    });
  });
});

describe('path rules over arrays', () => {
  it('censor every present item under [*] and keep absent ones absent, counted as path', () => {
    const paths = createRedactor({ paths: ['items[*]', 'list[*].x'] });
    expect(paths.withCounts({ items: ['a', null, 3], list: [{ x: 1 }, { x: null }, {}] })).toEqual({
      value: { items: ['[REDACTED]', null, '[REDACTED]'], list: [{ x: '[REDACTED]' }, { x: null }, {}] },
      counts: { path: 3 },
    });
  });
});
