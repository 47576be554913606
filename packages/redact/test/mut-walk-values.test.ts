/**
 * Walk edges found by mutation testing: value types under key rules, a `__proto__` key, path rules
 * and the cache of unchanged strings, the scan limit of huge strings, forms, toJSON, the depth of
 * every kind of container, base64 bodies (flagged or not), and how an Error's stack is rebuilt.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

describe('value types under key rules', () => {
  it('keep a bigint under a credential name (a count) and undefined under a password', () => {
    expect(redact({ token: 12n, password: undefined })).toEqual({ token: '12', password: undefined });
    expect(Object.keys(redact({ password: undefined }) as object)).toEqual(['password']);
  });
});

describe('a key named __proto__', () => {
  it('is an own, ordinary key of the copy, whatever container it came from', () => {
    const fromJson = JSON.parse('{"__proto__":{"a":1},"b":2}');
    const fromMap = new Map<string, unknown>([
      ['__proto__', { a: 1 }],
      ['b', 2],
    ]);
    class Row {
      b = 2;
    }
    const row = new Row();
    Object.defineProperty(row, '__proto__', {
      value: { a: 1 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    for (const input of [fromJson, fromMap, row]) {
      const out = redact(input) as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(Object.keys(out).sort()).toEqual(['__proto__', 'b']);
      expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual({
        value: { a: 1 },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  });
});

describe('path rules and the cache of unchanged strings', () => {
  it('a JSON string left unchanged elsewhere is still walked where a path reaches inside it', () => {
    const text = JSON.stringify({ b: 'a-longer-opaque-value' });
    const paths = createRedactor({ paths: ['a.b', 'z.q'] });
    expect(paths({ x: text, z: text, a: text })).toEqual({
      x: text,
      z: text,
      a: JSON.stringify({ b: '[REDACTED]' }),
    });
    // in the other order, too
    expect(createRedactor({ paths: ['a.b', 'z.q'] })({ z: text, a: text, x: text })).toEqual({
      z: text,
      a: JSON.stringify({ b: '[REDACTED]' }),
      x: text,
    });
  });

  it('path rules reach into Maps, class instances and errors', () => {
    class Row {
      secret = 'v1';
      other = 'v2';
    }
    const error = Object.assign(new Error('m'), { secret: 'v3' });
    const paths = createRedactor({ paths: ['m.secret', 'r.secret', 'e.secret'] });
    expect(paths.withCounts({ m: new Map([['secret', 'v0']]), r: new Row(), e: error })).toMatchObject({
      value: {
        m: { secret: '[REDACTED]' },
        r: { secret: '[REDACTED]', other: 'v2' },
        e: { secret: '[REDACTED]' },
      },
      counts: { path: 3 },
    });
  });
});

describe('huge strings: redacted before they are cut, the cut counted exactly', () => {
  it('counts every character cut, whether or not it was scanned', () => {
    const small = createRedactor({ maxStringLength: 100 });
    expect(small('x'.repeat(1000))).toBe(`${'x'.repeat(100)}…[truncated 900 chars]`);
    expect(small('x'.repeat(70_000))).toBe(`${'x'.repeat(100)}…[truncated 69900 chars]`);
    expect(redact('y'.repeat(100_000))).toMatch(/…\[truncated (\d+) chars\]$/);
    const out = redact('y'.repeat(100_000)) as string;
    const kept = out.indexOf('…');
    expect(Number(out.slice(kept).match(/\d+/)![0]) + kept).toBe(100_000);
  });

  it('scans at least the first 65 536 characters, whatever the length limit', () => {
    // an email across position 400 (4 × maxStringLength): masked, so the count is of the masked text
    const email = 'jane.doe@example.com';
    const s = `${'a '.repeat(197)}b ${email} ${'c'.repeat(600)}`;
    expect(s.indexOf('@')).toBeGreaterThan(400);
    expect(s.indexOf(email)).toBeLessThan(400);
    const masked = s.replace(email, '[REDACTED:email]');
    expect(createRedactor({ maxStringLength: 100 })(s)).toBe(
      `${masked.slice(0, 100)}…[truncated ${masked.length - 100} chars]`,
    );
  });

  it('scans 4 × maxStringLength characters when that is more than 65 536', () => {
    const email = 'jane.doe@example.com';
    const s = `${'a '.repeat(35_000)}${email} ${'c'.repeat(29_979)}`;
    expect(s.length).toBe(100_000);
    const masked = s.replace(email, '[REDACTED:email]');
    expect(createRedactor({ maxStringLength: 20_000 })(s)).toBe(
      `${masked.slice(0, 20_000)}…[truncated ${masked.length - 20_000} chars]`,
    );
  });
});

describe('forms', () => {
  it('leave an empty value as it is, even under a secret name', () => {
    expect(redact('password=&user=bob&x=1')).toBe('password=&user=bob&x=1');
  });

  it('count a censored value under secret-param, and keep a person name when names are off', () => {
    expect(redact.withCounts('password=hunter2-x&user=bob')).toEqual({
      value: 'password=[REDACTED:secret-param]&user=bob',
      counts: { 'secret-param': 1 },
    });
    expect(redact('firstName=Jane&id=7')).toBe('firstName=Jane&id=7');
  });
});

describe('toJSON', () => {
  it('an object whose toJSON returns itself is copied key by key, not taken as circular', () => {
    class Self {
      a = 1;
      toJSON() {
        return this;
      }
    }
    expect(redact({ s: new Self() })).toEqual({ s: { a: 1 } });
  });

  it('a toJSON key that is not a function is an ordinary key', () => {
    expect(redact({ toJSON: 'x', a: 1 })).toEqual({ toJSON: 'x', a: 1 });
  });
});

describe('the depth limit counts every kind of container', () => {
  const shallow = createRedactor({ maxDepth: 2 });
  const cases: [string, unknown, unknown][] = [
    ['objects in an array', { list: [{ a: { b: 1 } }] }, { list: [{ a: '[Truncated: depth limit 2]' }] }],
    [
      'a Map value',
      new Map([['m', { a: { b: { c: 1 } } }]]),
      { m: { a: { b: '[Truncated: depth limit 2]' } } },
    ],
    [
      'an object under an email used as a key',
      { 'jane@example.com': { a: { b: { c: 1 } } } },
      { '[REDACTED:email]': { a: { b: '[Truncated: depth limit 2]' } } },
    ],
    [
      'what toJSON returns (one level below its object)',
      { t: { toJSON: () => ({ a: { b: 1 } }) } },
      { t: { a: '[Truncated: depth limit 2]' } },
    ],
    [
      'JSON inside a JSON string',
      JSON.stringify(JSON.stringify({ a: { b: { c: 1 } } })),
      JSON.stringify(JSON.stringify({ a: '[Truncated: depth limit 2]' })),
    ],
    [
      'JSON in a base64 record',
      { data: b64(JSON.stringify({ a: { b: { c: 1 } } })) },
      { data: b64(JSON.stringify({ a: '[Truncated: depth limit 2]' })) },
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      expect(shallow(input)).toEqual(expected);
    });
  }
});

describe('base64 bodies', () => {
  const json = JSON.stringify({ password: 'hunter2-x', n: 12 });
  const unpadded = b64(json).replace(/=+$/, '');
  const censored = JSON.stringify({ password: '[REDACTED]', n: 12 });

  it('an HTTP body flagged isBase64Encoded is decoded even when its padding is gone', () => {
    expect(unpadded.length % 4).not.toBe(0);
    const out = redact({ body: unpadded, isBase64Encoded: true }) as { body: string };
    expect(unb64(out.body)).toBe(censored);
  });

  it('without the flag, or in another field, only strict base64 is decoded', () => {
    expect(redact({ body: unpadded, isBase64Encoded: false })).toEqual({
      body: unpadded,
      isBase64Encoded: false,
    });
    expect(redact({ data: unpadded, isBase64Encoded: true })).toEqual({
      data: unpadded,
      isBase64Encoded: true,
    });
    const padded = b64(json);
    expect(unb64((redact({ data: padded }) as { data: string }).data)).toBe(censored);
  });

  it('a base64 value with nothing to redact is kept as it was written', () => {
    const text = b64('plain words, nothing secret!').replace(/=+$/, '');
    expect(text.length % 4).not.toBe(0);
    expect(redact({ body: text, isBase64Encoded: true })).toEqual({ body: text, isBase64Encoded: true });
  });

  it('a decoded base64 value is one node, and counts its re-encoded size once', () => {
    const data = b64(JSON.stringify({ password: 'hunter2-x' }));
    const re = b64(JSON.stringify({ password: '[REDACTED]' }));
    // root 1, data 2 (its object 3 while walked, then data is 1 node again: 2), b 3, c 4, d 5
    const input = { data, b: 'x', c: 'y', d: 'z' };
    expect(createRedactor({ maxNodes: 5 })(input)).toEqual({ data: re, b: 'x', c: 'y', d: 'z' });
    expect(createRedactor({ maxNodes: 4 })(input)).toEqual({
      data: re,
      b: 'x',
      c: 'y',
      '[Truncated]': '1 more keys',
    });
    expect(createRedactor({ maxTotalSize: re.length + 3 })(input)).toEqual({
      data: re,
      b: 'x',
      c: 'y',
      d: 'z',
    });
    expect(createRedactor({ maxTotalSize: re.length + 2 })(input)).toEqual({
      data: re,
      b: 'x',
      c: 'y',
      '[Truncated]': '1 more keys',
    });
  });
});

describe('an Error copied', () => {
  it('copies an own enumerable name or stack once, as a property in its own order', () => {
    const error = new Error('m');
    (error as unknown as Record<string, unknown>).code = 'E1';
    error.name = 'CustomError';
    Object.defineProperty(error, 'stack', {
      value: 'CustomError: m\n    at jane@example.com',
      enumerable: true,
    });
    const { value, counts } = redact.withCounts(error);
    expect(Object.keys(value as object)).toEqual(['message', 'stack', 'code', 'name']);
    expect(value).toEqual({
      message: 'm',
      stack: 'CustomError: m\n    at [REDACTED:email]',
      code: 'E1',
      name: 'CustomError',
    });
    expect(counts).toEqual({ email: 1 });
  });

  it('keeps a non-string stack, and a stack that does not start with the message, as they are', () => {
    const numeric = new Error('m');
    (numeric as unknown as Record<string, unknown>).stack = 42;
    expect(redact(numeric)).toEqual({ name: 'Error', message: 'm', stack: 42 });
    const empty = new Error('');
    Object.defineProperty(empty, 'stack', { value: 'undefined trace' });
    expect(redact(empty)).toEqual({ name: 'Error', message: '', stack: 'undefined trace' });
  });

  it('a stack whose message is empty or not a string is redacted as one text', () => {
    // the name is a secret's name: only the whole stack reads as `password: <value>`
    const empty = new Error('');
    Object.defineProperty(empty, 'name', { value: 'password' });
    Object.defineProperty(empty, 'stack', { value: 'password: hunter2-xyz\n    at x' });
    const numeric = new Error('x');
    Object.defineProperty(numeric, 'name', { value: 'password' });
    Object.defineProperty(numeric, 'message', { value: 42 });
    Object.defineProperty(numeric, 'stack', { value: 'password: 42\n    at x' });
    expect(redact.withCounts([empty, numeric])).toEqual({
      value: [
        { name: 'password', message: '', stack: 'password: [REDACTED:secret-param]\n    at x' },
        { name: 'password', message: 42, stack: 'password: [REDACTED:secret-param]\n    at x' },
      ],
      counts: { 'secret-param': 2 },
    });
  });

  it('an own enumerable message is copied as a property, and the stack as text', () => {
    const error = new Error('m');
    Object.defineProperty(error, 'message', { value: 'm', enumerable: true });
    Object.defineProperty(error, 'stack', { value: 'Error: m\n    at here' });
    expect(redact(error)).toEqual({ name: 'Error', stack: 'Error: m\n    at here', message: 'm' });
  });
});

describe('PII under a name key, hashed', () => {
  it('a value with no text (a function, a symbol) is hashed as the empty string', () => {
    const hashing = createRedactor({ pii: { ssn: 'hash' }, hashKey: 'k'.repeat(32) });
    const empty = (hashing({ ssn: '' }) as { ssn: string }).ssn;
    expect(empty).toMatch(/^\[REDACTED:ssn:[0-9a-f]{12}\]$/);
    expect(hashing({ ssn: () => 1 })).toEqual({ ssn: empty });
    expect(hashing({ ssn: Symbol('s') })).toEqual({ ssn: empty });
  });

  it('a name is hashed from its lower-case text: the same pseudonym as a form value of it', () => {
    const hashing = createRedactor({ pii: { name: 'hash' }, hashKey: 'k'.repeat(32) });
    const pseudonym = (name: string) => (hashing({ firstName: name }) as { firstName: string }).firstName;
    expect(hashing('firstName=jane&id=7')).toBe(`firstName=${pseudonym('Jane')}&id=7`);
    expect(pseudonym(' JANE ')).toBe(pseudonym('jane'));
    // lower case keeps different names apart: upper-casing would make ß and ss one name
    expect(pseudonym('Straße')).not.toBe(pseudonym('Strasse'));
    expect(pseudonym('STRASSE')).toBe(pseudonym('strasse'));
  });
});
