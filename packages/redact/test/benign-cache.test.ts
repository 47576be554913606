/**
 * The cache of unchanged strings must never hand back a string the walk would change: a JSON
 * string that came out unchanged near the top can hit the depth limit when it is met deeper.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

describe('strings remembered unchanged', () => {
  it('are remembered per depth: met deeper, a JSON string is walked again and cut at the limit', () => {
    const redact = createRedactor({ maxDepth: 2 });
    const json = '{"a":{"b":1}}';
    expect(redact(json)).toBe(json);
    expect(redact(json)).toBe(json); // now from the cache
    expect(redact({ s: json })).toEqual({ s: '{"a":"[Truncated: depth limit 2]"}' });
    // and the other way round: remembered at depth 1, still unchanged at depth 0
    const fresh = createRedactor({ maxDepth: 2 });
    expect(fresh({ s: json })).toEqual({ s: '{"a":"[Truncated: depth limit 2]"}' });
    expect(fresh(json)).toBe(json);
  });

  it('never remember a string that was redacted', () => {
    const redact = createRedactor();
    const line = 'login ok: password=hunter2-Q7x for bob';
    expect(redact(line)).toBe('login ok: password=[REDACTED:secret-param] for bob');
    expect(redact(line)).toBe('login ok: password=[REDACTED:secret-param] for bob');
  });
});
