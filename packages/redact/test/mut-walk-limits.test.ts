/**
 * A JSON string is re-serialised only when something inside it changed. Every change counts, so a
 * redaction followed by a limit marker (or a path hit, or a truncation) must still give the
 * redacted copy, never the original text. And the size limits count each kind of string exactly
 * once: where the cut falls is pinned for each path a string takes through the walk.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor, type RedactorOptions } from '../src/index.ts';

const EMAIL = 'jane.doe@example.com';

/** JSON texts whose first value is an email, followed by something a limit can cut. */
const JSON_TEXTS = [
  JSON.stringify({ e: EMAIL, a: { b: { c: { d: 1 } } } }),
  JSON.stringify({ e: EMAIL, a: [[[[1]]]] }),
  JSON.stringify([EMAIL, [[[1]]], { x: { y: 1 } }]),
  JSON.stringify({ e: EMAIL, a: 1, b: 2, c: 3, d: { e: 1 }, f: [1, 2, 3], g: 'x'.repeat(40) }),
  JSON.stringify([EMAIL, 1, 2, 3, 4, 5, 6, 7, 8, { a: 1 }, [1]]),
  // an email used as a key: the copy is rebuilt with the masked name
  JSON.stringify({ [EMAIL]: 1, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 }),
];

const LIMITS: RedactorOptions[] = [];
for (const maxDepth of [1, 2, 3, 4]) LIMITS.push({ maxDepth });
for (let maxNodes = 1; maxNodes <= 14; maxNodes++) LIMITS.push({ maxNodes });
for (const maxTotalSize of [10, 25, 30, 40, 60]) LIMITS.push({ maxTotalSize });
for (const maxStringLength of [30, 100]) LIMITS.push({ maxStringLength });

describe('an email in a JSON string, with a limit cutting what follows', () => {
  it('never comes out as it was, whichever limit cuts, at the top or under a key', () => {
    let cuts = 0;
    for (const options of LIMITS) {
      const redact = createRedactor(options);
      for (const text of JSON_TEXTS) {
        for (const input of [text, { body: text }, [text]]) {
          const { value, counts } = redact.withCounts(input);
          const out = JSON.stringify(value);
          expect(out, `${JSON.stringify(options)} ${JSON.stringify(input)}`).not.toContain(EMAIL);
          if (out.includes('Truncated') || out.includes('truncated')) cuts++;
          if (out.includes('email')) expect(counts.email).toBeGreaterThan(0);
        }
      }
    }
    expect(cuts).toBeGreaterThan(50); // the limits did cut, in most cases
  });

  it('with a path rule inside the JSON and a depth cut after it, the path hit is not lost', () => {
    const redact = createRedactor({ paths: ['body.secret'], maxDepth: 2, parseEncoded: true });
    const body = JSON.stringify({ secret: 'opaque-value', a: { b: { c: 1 } } });
    const { value, counts } = redact.withCounts({ body });
    expect(JSON.stringify(value)).not.toContain('opaque-value');
    expect(counts.path).toBe(1);
  });
});

describe('maxTotalSize counts each string once, whichever way it is copied', () => {
  const cases: [string, unknown, number, unknown][] = [
    // short settled strings, inline in a plain object (10 chars, then the cut)
    [
      'short strings in an object',
      { a: 'xxxxx', b: 'yyyyy', c: 'zzzzz' },
      10,
      { a: 'xxxxx', b: 'yyyyy', '[Truncated]': '1 more keys' },
    ],
    // short settled strings in an array (through value/string)
    [
      'short strings in an array',
      ['xxxxx', 'yyyyy', 'zzzzz', 'wwwww'],
      10,
      ['xxxxx', 'yyyyy', '[Truncated: 2 more items]'],
    ],
    // strings long enough for the full pipeline
    [
      'long strings in an array',
      ['x'.repeat(20), 'y'.repeat(20), 'z'.repeat(20)],
      40,
      ['x'.repeat(20), 'y'.repeat(20), '[Truncated: 1 more items]'],
    ],
    // the same long string again: the second comes from the cache of unchanged strings, counted the same
    [
      'a repeated long string',
      ['q'.repeat(20), 'q'.repeat(20), 'q'.repeat(20)],
      40,
      ['q'.repeat(20), 'q'.repeat(20), '[Truncated: 1 more items]'],
    ],
  ];
  for (const [name, input, maxTotalSize, expected] of cases) {
    it(`${name}: cut exactly at ${maxTotalSize}`, () => {
      expect(createRedactor({ maxTotalSize })(input)).toEqual(expected);
      // one more character of budget lets one more value in
      expect(JSON.stringify(createRedactor({ maxTotalSize: maxTotalSize + 1 })(input))).not.toBe(
        JSON.stringify(expected),
      );
    });
  }

  it('a truncated string counts the characters kept, not the original length', () => {
    const redact = createRedactor({ maxStringLength: 5, maxTotalSize: 10 });
    expect(redact(['a'.repeat(50), 'b'.repeat(50), 'c'.repeat(50)])).toEqual([
      'aaaaa…[truncated 45 chars]',
      'bbbbb…[truncated 45 chars]',
      '[Truncated: 1 more items]',
    ]);
  });
});

describe('maxNodes counts each value once, whichever way it is copied', () => {
  it('short strings, long strings and JSON string literals are one node each', () => {
    const long = 'a plain sentence of text';
    for (const s of ['ab', 'ab cd', long, '"a quoted string"']) {
      // the root, then two values fit in maxNodes 3; the third is cut
      expect(createRedactor({ maxNodes: 3 })({ a: s, b: s, c: s })).toEqual({
        a: s,
        b: s,
        '[Truncated]': '1 more keys',
      });
    }
  });

  it('a JSON string is one node once walked (its parsed value is not a node of its own)', () => {
    const input = { a: '{"n":1}', b: 'x', c: 'y' };
    // root 1, a 2 (its object 3 and n 4 while it is walked, then a is 1 node again: 3), b 4, c 5
    expect(createRedactor({ maxNodes: 5 })(input)).toEqual(input);
    expect(createRedactor({ maxNodes: 4 })(input)).toEqual({
      a: '{"n":1}',
      b: 'x',
      '[Truncated]': '1 more keys',
    });
  });
});

describe('an object whose keys are masked, cut by a size limit', () => {
  it('keeps the keys before the cut, with their masked names, and counts the rest', () => {
    const redact = createRedactor({ maxNodes: 4 });
    expect(redact.withCounts({ [EMAIL]: 1, a: 1, b: 2, c: 3, d: 4 })).toEqual({
      value: { '[REDACTED:email]': 1, a: 1, b: 2, '[Truncated]': '2 more keys' },
      counts: { email: 1 },
    });
    // the same inside a JSON string (root, j, its object and the first value use the 4 nodes)
    expect(redact.withCounts({ j: JSON.stringify({ [EMAIL]: 1, a: 1, b: 2, c: 3 }) })).toEqual({
      value: { j: JSON.stringify({ '[REDACTED:email]': 1, '[Truncated]': '3 more keys' }) },
      counts: { email: 1 },
    });
  });
});
