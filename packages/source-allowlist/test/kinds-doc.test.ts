import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyEvent, SOURCE_KINDS } from '@lambda-sentinel/core';
import { fixtures } from '@lambda-sentinel/testing';
import { describe, expect, it } from 'vitest';
import { RULE_FIELD_NAMES } from '../src/rules.ts';

// Docs ship with code: the guides' kind tables name every kind, and the facts the allowlist page
// lists for a kind are exactly the rule fields its fixture's classification fills.

const guide = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../docs/guide/${name}`, import.meta.url)), 'utf8');

/** The kinds table of the allowlist page: kind → the rule fields listed for it. */
function allowlistTable(): Map<string, Set<string>> {
  const page = guide('source-allowlist.md');
  const start = page.indexOf('| Kind | Facts a rule can name |');
  const rows = page.slice(start).split('\n\n', 1)[0]!.split('\n').slice(2);
  const table = new Map<string, Set<string>>();
  for (const row of rows) {
    const [, kinds = '', facts = ''] = row.split('|').map((cell) => cell.trim());
    const named = new Set([...facts.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
    for (const [, kind] of kinds.matchAll(/`([\w-]+)`/g)) table.set(kind!, named);
  }
  return table;
}

/** The rule fields that name a source fact (all but the kind, the signature switch and the tenants). */
const RULE_FACTS = RULE_FIELD_NAMES.filter(
  (field): field is Exclude<(typeof RULE_FIELD_NAMES)[number], 'kind' | 'verifySignature' | 'tenants'> =>
    field !== 'kind' && field !== 'verifySignature' && field !== 'tenants',
);

describe('the guides show every kind', () => {
  it('core.md has a row for every kind', () => {
    const page = guide('core.md');
    for (const kind of SOURCE_KINDS) expect(page, kind).toContain(`| \`${kind}\``);
  });

  it('source-allowlist.md lists every kind with the facts its default fixture carries', () => {
    const table = allowlistTable();
    expect([...table.keys()].sort()).toEqual([...SOURCE_KINDS].sort());
    for (const [kind, build] of Object.entries(fixtures.byKind)) {
      const source = classifyEvent((build as () => unknown)());
      const filled = RULE_FACTS.filter(
        (fact) => source[fact] !== undefined || source.records?.some((r) => r[fact as 'topic'] !== undefined),
      );
      for (const fact of filled) expect(table.get(kind), `${kind} carries ${fact}`).toContain(fact);
    }
  });
});
