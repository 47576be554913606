/**
 * createRedactor's own edges, found by mutation testing: redactString given a non-string, the
 * last-resort catch at the top of a pass, a pass with every detector off (no prefilter), the short-
 * string gate for a JSON string that starts with whitespace, and the SSN family's counts in text.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

function namedBadly(): () => void {
  const fn = () => {};
  Object.defineProperty(fn, 'name', {
    get() {
      throw new Error('no name');
    },
  });
  return fn;
}

describe('createRedactor edges', () => {
  it('redactString of a non-string redacts it and returns its text', () => {
    const redact = createRedactor();
    expect(redact.redactString(123 as unknown as string)).toBe('123');
    expect(redact.redactString(undefined as unknown as string)).toBe('undefined');
  });

  it('a top-level value whose very reading throws becomes [Unreadable], never an exception', () => {
    const redact = createRedactor();
    expect(redact.withCounts(namedBadly())).toEqual({ value: '[Unreadable]', counts: {} });
    // the same value one level down marks only itself
    expect(redact({ f: namedBadly(), ok: 1 })).toEqual({ f: '[Unreadable]', ok: 1 });
    expect(redact([namedBadly(), 'ok'])).toEqual(['[Unreadable]', 'ok']);
  });

  it('with every detector off, names are still read by the key rules (and not masked)', () => {
    const redact = createRedactor({ detectors: false, pii: false });
    expect(redact({ 'a@b.co': 1, password: 'hunter2-xyz', note: 'mail a@b.co' })).toEqual({
      'a@b.co': 1,
      password: '[REDACTED]',
      note: 'mail a@b.co',
    });
  });

  it('a short JSON string that starts with whitespace is parsed, not taken as settled', () => {
    const redact = createRedactor({ detectors: false, pii: false });
    expect(redact(' {"pin":1}')).toBe('{"pin":"[REDACTED]"}');
    expect(redact('\t{"pin":1}')).toBe('{"pin":"[REDACTED]"}');
    expect(redact('\n["a",[1]]')).toBe('\n["a",[1]]');
  });

  it('a short string whose characters after the first are all gate characters is still scanned', () => {
    // `a::` is an IPv6 address: one letter, then only `:` (a gate character of the ip family)
    const ip = createRedactor({ pii: { ip: 'mask' } });
    expect(ip.withCounts('a::')).toEqual({ value: '[REDACTED:ip]', counts: { ip: 1 } });
    expect(ip({ host: 'f::' })).toEqual({ host: '[REDACTED:ip]' });
  });

  it('counts a social security number found in text under ssn, and a person name under name', () => {
    const redact = createRedactor({ pii: { ssn: 'mask', name: 'mask' } });
    const ssn = redact.withCounts('ssn=123-45-6789');
    expect(Object.keys(ssn.counts)).toEqual(['ssn']);
    const name = redact.withCounts('firstName=Alice');
    expect(Object.keys(name.counts)).toEqual(['name']);
  });
});
