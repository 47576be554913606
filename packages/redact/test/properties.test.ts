/**
 * Property-based leak tests: random JSON-like trees with secrets of every
 * detector and key family planted at random places (values, text, arrays,
 * JSON strings, forms, base64 bodies, error messages and causes, Maps,
 * headers in any case style). Not one planted secret may survive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';
import { runs } from './runs.ts';

const redact = createRedactor();

/** A generated value plus the secret material planted in it. */
interface Planted {
  value: unknown;
  needles: string[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
// Random material with a digit and a distinctive start, so a needle cannot occur by chance.
const material = (min = 12, max = 24) => chars(ALNUM, min, max).map((s) => `Q7${s}`);
const b64url = (min: number, max: number) => chars(`${ALNUM}-_`, min, max).map((s) => `Q7${s}`);

function luhnComplete(prefix: string): string {
  for (let check = 0; check <= 9; check++) {
    const digits = `${prefix}${check}`;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('unreachable');
}

const secretString: fc.Arbitrary<Planted> = fc.oneof(
  fc
    .tuple(b64url(10, 40), b64url(10, 60), b64url(16, 43))
    .map(([h, p, s]) => ({ value: `eyJ${h}.eyJ${p}.${s}`, needles: [p, s] })),
  chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16).chain((rest) =>
    fc.constantFrom('AKIA', 'ASIA').map((p) => ({ value: `${p}${rest}`, needles: [`${p}${rest}`] })),
  ),
  fc
    .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER'), material(20, 40))
    .map(([scheme, token]) => ({ value: `${scheme} ${token}`, needles: [token] })),
  fc.tuple(chars(ALNUM, 3, 10), material()).map(([user, pass]) => {
    const credential = Buffer.from(`${user}:${pass}`).toString('base64');
    return { value: `Basic ${credential}`, needles: [credential] };
  }),
  fc.array(b64url(64, 64), { minLength: 1, maxLength: 4 }).map((lines) => ({
    value: `-----BEGIN RSA PRIVATE KEY-----\n${lines.join('\n')}\n-----END RSA PRIVATE KEY-----`,
    needles: lines,
  })),
  fc
    .tuple(
      fc.constantFrom('mysql', 'postgres', 'redis', 'https', 'mongodb+srv'),
      chars(ALNUM, 1, 8),
      material(),
    )
    .map(([scheme, user, pass]) => ({
      value: `${scheme}://${user}:${pass}@db.internal:5432/app`,
      needles: [pass],
    })),
  fc
    .tuple(
      fc.constantFrom(
        'password',
        'token',
        'secret',
        'api_key',
        'client_secret',
        'access_token',
        'X-Amz-Security-Token',
      ),
      material(),
    )
    .map(([name, value]) => ({
      value: `https://api.example.com/cb?state=abc&${name}=${value}&page=2`,
      needles: [value],
    })),
  fc.tuple(fc.constantFrom('Password', 'Pwd', 'password'), material()).map(([name, value]) => ({
    value: `Server=db.internal;User Id=app;${name}=${value};Database=orders`,
    needles: [value],
  })),
  fc
    .tuple(fc.constantFrom('password', 'client_secret', 'refresh_token'), material())
    .map(([name, value]) => ({
      value: `grant_type=client_credentials&client_id=abc&${name}=${value}&scope=read`,
      needles: [value],
    })),
  fc
    .tuple(fc.constantFrom('ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_'), chars(ALNUM, 36, 40))
    .map(([p, rest]) => ({ value: `${p}${rest}`, needles: [`${p}${rest}`] })),
  fc
    .tuple(fc.constantFrom('a', 'b', 'p', 'o', 'r', 's'), chars(`${ALNUM}-`, 20, 40))
    .map(([t, rest]) => ({ value: `xox${t}-1${rest}`, needles: [`xox${t}-1${rest}`] })),
  fc
    .tuple(
      fc.constantFrom('4', '51', '52', '55', '6011'),
      chars('0123456789', 15, 15),
      fc.constantFrom('', ' ', '-'),
    )
    .map(([prefix, digits, sep]) => {
      const card = luhnComplete(`${prefix}${digits}`.slice(0, 15));
      const formatted = sep === '' ? card : (card.match(/.{1,4}/g) ?? []).join(sep);
      return { value: formatted, needles: [card, formatted] };
    }),
  fc
    .tuple(material(8, 16), fc.constantFrom('example.com', 'mail.example.org', 'corp.co.uk'))
    .map(([local, domain]) => ({ value: `${local}@${domain}`, needles: [local] })),
);

const SEPARATORS = [' ', '\n', '(', '"', "'", ', ', '; ', ': ', '\t', '<', '>', '|'];
const words = fc.array(fc.constantFrom('request', 'failed', 'user', 'id', 'ok', 'retry', 'the', 'value'), {
  maxLength: 3,
});

/** A secret alone, or inside a sentence. */
const secretText: fc.Arbitrary<Planted> = fc
  .tuple(
    secretString,
    words,
    words,
    fc.constantFrom(...SEPARATORS),
    fc.constantFrom(...SEPARATORS),
    fc.boolean(),
  )
  .map(([secret, before, after, s1, s2, alone]) =>
    alone
      ? secret
      : { value: `${before.join(' ')}${s1}${secret.value}${s2}${after.join(' ')}`, needles: secret.needles },
  );

const SECRET_NAMES = [
  ['password'],
  ['db', 'password'],
  ['db', 'pass'],
  ['new', 'password'],
  ['x', 'api', 'key'],
  ['api', 'key'],
  ['authorization'],
  ['authorization', 'token'],
  ['cookie'],
  ['set', 'cookie'],
  ['secret'],
  ['client', 'secret'],
  ['secret', 'access', 'key'],
  ['aws', 'session', 'token'],
  ['private', 'key'],
  ['credentials'],
  ['access', 'token'],
  ['refresh', 'token'],
  ['passwd'],
];
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const STYLES: Array<(w: string[]) => string> = [
  (w) => w[0]! + w.slice(1).map(cap).join(''),
  (w) => w.map(cap).join(''),
  (w) => w.join('_'),
  (w) => w.join('_').toUpperCase(),
  (w) => w.join('-'),
  (w) => w.map(cap).join('-'),
  (w) => w.join('.'),
  (w) => w.join(' '),
  (w) => w.join(''),
];
// Glued lower-case (`dbpassword`) is only recognised for long, unambiguous last words: `dbpass`
// would also admit `bypass` and `compass`, so short `pass` needs a separator (`DB-PASS`, `db_pass`).
const secretKey = fc
  .tuple(fc.constantFrom(...SECRET_NAMES), fc.constantFrom(...STYLES))
  .map(([w, style]) => (w.at(-1) === 'pass' && style === STYLES.at(-1) ? w.join('_') : style(w)));
const benignKey = fc.oneof(
  fc.constantFrom(
    'id',
    'name',
    'items',
    'headers',
    'body',
    'detail',
    'data',
    'message',
    'Records',
    'author',
    'keyId',
  ),
  chars('abcdefghijklmnopqrstuvwxyz', 1, 8),
);
const benignLeaf: fc.Arbitrary<Planted> = fc
  .oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null))
  .map((value) => ({ value, needles: [] }));

const tree = fc.letrec<{ node: Planted; entry: [string, Planted] }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    benignLeaf,
    secretText,
    fc.array(tie('entry'), { maxLength: 5 }).map((entries) => ({
      value: Object.fromEntries(entries.map(([k, p]) => [k, p.value])),
      // Later duplicates overwrite earlier keys: only the surviving values' needles are planted.
      needles: [...new Map(entries.map(([k, p]) => [k, p.needles])).values()].flat(),
    })),
    fc.array(tie('node'), { maxLength: 4 }).map((items) => ({
      value: items.map((p) => p.value),
      needles: items.flatMap((p) => p.needles),
    })),
    fc
      .tuple(fc.constantFrom('json', 'error', 'cause', 'base64', 'map', 'headers'), tie('node'))
      .map(([wrap, inner]) => {
        switch (wrap) {
          case 'json':
            return { value: JSON.stringify(inner.value) ?? 'null', needles: inner.needles };
          case 'error': {
            const message = typeof inner.value === 'string' ? inner.value : JSON.stringify(inner.value);
            return { value: new Error(message), needles: inner.needles };
          }
          case 'cause':
            return { value: new Error('wrapped', { cause: inner.value }), needles: inner.needles };
          case 'base64':
            return {
              value: {
                isBase64Encoded: true,
                headers: { 'Content-Type': 'application/json' },
                body: Buffer.from(JSON.stringify(inner.value) ?? 'null').toString('base64'),
              },
              needles: inner.needles,
            };
          case 'map':
            return { value: new Map([['entry', inner.value]]), needles: inner.needles };
          default:
            return {
              value: { headers: { 'Content-Type': 'text/plain', 'X-Detail': inner.value } },
              needles: inner.needles,
            };
        }
      }),
  ),
  // A secret key holds either secret material or any subtree: both must disappear.
  entry: fc.oneof(
    fc.tuple(benignKey, tie('node')),
    fc.tuple(
      secretKey,
      fc.oneof(
        material().map((m) => ({ value: m, needles: [m] })),
        tie('node'),
      ),
    ),
  ),
}));

/** Everything a reader of the output could see, base64 bodies decoded. */
function exposed(value: unknown): string {
  const parts = [JSON.stringify(value)];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      // Output strings may hold JSON whose base64 bodies also need decoding.
      if (v.startsWith('{') || v.startsWith('[')) {
        try {
          visit(JSON.parse(v));
        } catch {}
      }
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const record = v as Record<string, unknown>;
    if (record.isBase64Encoded === true && typeof record.body === 'string') {
      const decoded = Buffer.from(record.body, 'base64').toString('utf8');
      parts.push(decoded);
      visit(decoded);
    }
    for (const child of Object.values(record)) visit(child);
  };
  visit(value);
  return parts.join('\n');
}

describe('no planted secret survives redaction', () => {
  it('in random trees of every shape', () => {
    fc.assert(
      fc.property(tree.node, (planted) => {
        const text = exposed(redact(planted.value));
        for (const needle of planted.needles) {
          if (text.includes(needle)) throw new Error(`leaked ${needle}\n${text}`);
        }
      }),
      { numRuns: runs(2500) },
    );
  });

  it('in single strings with every detector, in any sentence', () => {
    fc.assert(
      fc.property(secretText, (planted) => {
        const out = redact.redactString(planted.value as string);
        for (const needle of planted.needles) expect(out).not.toContain(needle);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('under secret keys in any case and separator style', () => {
    fc.assert(
      fc.property(secretKey, material(), (key, value) => {
        expect(JSON.stringify(redact({ deep: [{ [key]: value }] }))).not.toContain(value);
        // In text a name ends at whitespace, so spaced names only count as object keys.
        if (!key.includes(' ')) expect(redact.redactString(`${key}=${value}`)).not.toContain(value);
      }),
      { numRuns: runs(1500) },
    );
  });
});

describe('robustness', () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
    maxDepth: 5,
  });

  it('never throws and never mutates its input', () => {
    fc.assert(
      fc.property(fc.clone(anything, 2), ([input, pristine]) => {
        redact.withCounts(input);
        expect(input).toStrictEqual(pristine);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('never mutates planted trees (errors, maps, base64 bodies)', () => {
    fc.assert(
      fc.property(fc.clone(tree.node, 2), ([a, b]) => {
        redact(a.value);
        expect(a.value).toStrictEqual(b.value);
      }),
      { numRuns: runs(500) },
    );
  });

  it('produces JSON-serialisable output for anything', () => {
    fc.assert(
      fc.property(anything, (input) => {
        expect(() => JSON.stringify(redact(input))).not.toThrow();
      }),
      { numRuns: runs(1000) },
    );
  });
});
