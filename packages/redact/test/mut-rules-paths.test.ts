/**
 * Path syntax at its edges: what a bracket may hold (an index, a quoted name, spaces around
 * them), what is refused (a trailing dot, a bracket that is neither), and no matcher at all for
 * no paths.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';
import { compilePaths } from '../src/paths.ts';

describe('path syntax', () => {
  it.each([
    ['a[12].b', { a: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, { b: 's', c: 't' }] }, 'a', 12],
    ['a[ 1 ]', { a: ['x', 'y', 'z'] }, 'a', 1],
    ['a[ "b c" ]', { a: { 'b c': 'x', d: 'y' } }, 'a', 'b c'],
  ])('%s', (path, value, outer, inner) => {
    const out = createRedactor({ paths: [path], detectors: false, pii: false })(value) as Record<
      string,
      unknown
    >;
    const before = (value as Record<string, Record<string | number, unknown>>)[outer]!;
    const after = out[outer] as Record<string | number, unknown>;
    for (const k of Object.keys(before)) {
      const kk = Array.isArray(before) ? Number(k) : k;
      if (kk === inner && !path.endsWith('.b')) expect(after[kk]).toBe('[REDACTED]');
      else if (kk === inner) expect((after[kk] as Record<string, unknown>).b).toBe('[REDACTED]');
      else expect(after[kk]).toEqual(before[kk]);
    }
  });

  it.each(['a[x1]', 'a[1x]', 'a[x"b"]', 'a["b"x]', 'a.', 'a.b.'])('refuses %s', (path) => {
    expect(() => compilePaths([path])).toThrow(/paths/);
  });

  it('no paths, no matcher', () => {
    expect(compilePaths([])).toBeUndefined();
  });
});
