/**
 * Path rules: every way a path can be malformed, with its exact message, and what each segment
 * form matches — pinned output by output, including the NFA's `**` closure and the bounded
 * transition cache (a step past its bound is still computed, not dropped).
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const withPaths = (paths: string[]) => createRedactor({ paths });

describe('malformed paths', () => {
  it.each([
    ['a[', 'paths: cannot parse "a[": unclosed ['],
    ['a[x]', 'paths: cannot parse "a[x]": bad bracket "[x]" (use [*], [0] or ["name"])'],
    ['.a', 'paths: cannot parse ".a": empty segment'],
    ['a..b', 'paths: cannot parse "a..b": empty segment'],
    ['a.', 'paths: cannot parse "a.": empty or trailing segment'],
    ['a[0]b', 'paths: cannot parse "a[0]b": missing "." before "b"'],
    ['', 'paths: every path must be a non-empty string'],
    ['   ', 'paths: every path must be a non-empty string'],
  ])('%j → %s', (path, message) => {
    expect(() => withPaths([path])).toThrow(message);
  });

  it('refuses a non-string path and a path of 1024 segments; 1023 are fine', () => {
    expect(() => withPaths([5 as never])).toThrow('paths: every path must be a non-empty string');
    expect(() => withPaths([Array(1024).fill('a').join('.')])).toThrow(/: too many segments$/);
    expect(() => withPaths([Array(1023).fill('a').join('.')])).not.toThrow();
  });
});

describe('what each segment matches', () => {
  it.each([
    ['items[1]', { items: ['a', 'b', 'c'] }, { items: ['a', '[REDACTED]', 'c'] }, 1],
    ['items.1', { items: ['a', 'b', 'c'] }, { items: ['a', '[REDACTED]', 'c'] }, 1],
    ['m[0]', { m: { '0': 'x', '1': 'y' } }, { m: { '0': 'x', '1': 'y' } }, 0],
    ['["a.b"]', { 'a.b': 'x', a: { b: 'y' } }, { 'a.b': '[REDACTED]', a: { b: 'y' } }, 1],
    ["['a.b'].c", { 'a.b': { c: 'x', d: 'y' } }, { 'a.b': { c: '[REDACTED]', d: 'y' } }, 1],
    [
      '*.card',
      { x: { card: 'c1' }, y: { card: 'c2', z: { card: 'c3' } } },
      { x: { card: '[REDACTED]' }, y: { card: '[REDACTED]', z: { card: 'c3' } } },
      2,
    ],
    [
      '**.card',
      { card: 'c0', x: { card: 'c1', y: { z: { card: 'c3' } } } },
      { card: '[REDACTED]', x: { card: '[REDACTED]', y: { z: { card: '[REDACTED]' } } } },
      3,
    ],
    [
      'a.**.c',
      { a: { c: 1, b: { c: 2, d: { c: 3 } } }, c: 4 },
      { a: { c: '[REDACTED]', b: { c: '[REDACTED]', d: { c: '[REDACTED]' } } }, c: 4 },
      3,
    ],
    ['a.**', { a: { b: 1 }, b: 2 }, { a: '[REDACTED]', b: 2 }, 1],
    ['a[*].b', { a: [{ b: 1 }, { b: 2, c: 3 }] }, { a: [{ b: '[REDACTED]' }, { b: '[REDACTED]', c: 3 }] }, 2],
    [' a.b ', { a: { b: 1 } }, { a: { b: '[REDACTED]' } }, 1],
    ['body.card', { body: '{"card":"x","ok":1}' }, { body: '{"card":"[REDACTED]","ok":1}' }, 1],
  ])('%s', (path, input, expected, hits) => {
    expect(withPaths([path]).withCounts(input)).toEqual({
      value: expected,
      counts: hits ? { path: hits } : {},
    });
  });

  it('keeps matching past the transition cache bound (300 distinct keys under one state)', () => {
    const input = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`k${i}`, { card: `c${i}`, ok: i }]),
    );
    const { value, counts } = withPaths(['*.card']).withCounts(input) as {
      value: Record<string, { card: string; ok: number }>;
      counts: Record<string, number>;
    };
    expect(counts).toEqual({ path: 300 });
    expect(value.k299).toEqual({ card: '[REDACTED]', ok: 299 });
  });
});
