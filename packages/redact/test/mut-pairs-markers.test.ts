/**
 * Markers already in the text (a line redacted before, or by another detector) are opaque: no name
 * reaches into one, so redacting redacted text changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();

describe('a marker in the text', () => {
  it.each([
    ['before a colon', 'revoked [REDACTED:github-token]: ok'],
    ['before = and a gap', 'x [REDACTED:jwt]= \t 3600='],
    ['named like a secret, before a value', 'x [REDACTED:private-key]: hunter2'],
  ])('%s is no name', (_, text) => {
    expect(redact.redactString(text)).toBe(text);
  });

  it('keeps redacted text as it is', () => {
    const once = redact.redactString('password=hunter2 and token: abc123, key [REDACTED:jwt]: x');
    expect(redact.redactString(once)).toBe(once);
  });
});
