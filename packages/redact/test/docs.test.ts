/** The redaction guide lists every detector family (with an example shape), so docs and code agree. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PII_FAMILIES, SECRET_DETECTOR_FAMILIES } from '../src/index.ts';

const guide = readFileSync(new URL('../../../docs/guide/redact.md', import.meta.url), 'utf8');

describe('docs/guide/redact.md', () => {
  it.each([...SECRET_DETECTOR_FAMILIES, ...PII_FAMILIES])('lists `%s` in a table row', (family) => {
    expect(guide).toMatch(new RegExp(`^\\| \`${family}\` \\|`, 'm'));
  });
});
