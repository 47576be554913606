/**
 * Prints the provider token table for docs/guide/redact.md (family, example shape):
 * `node packages/redact/test/corpus/detector-table.ts`. docs.test.ts checks every family is listed.
 */
import { TOKEN_FORMATS, type TokenFormat } from '../../src/token-formats.ts';

const byFamily = new Map<string, string[]>();
for (const format of TOKEN_FORMATS as readonly TokenFormat[]) {
  byFamily.set(format.family, [...(byFamily.get(format.family) ?? []), format.shape]);
}
console.log('| Family | Shape (example form, never a real value) |');
console.log('| --- | --- |');
for (const [family, shapes] of byFamily)
  console.log(`| \`${family}\` | ${shapes.join('; ').replaceAll('|', '\\|')} |`);
