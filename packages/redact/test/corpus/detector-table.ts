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
// `<…>` would be read as HTML by the docs site: escaped.
const escapeCell = (text: string) =>
  text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
for (const [family, shapes] of byFamily) console.log(`| \`${family}\` | ${escapeCell(shapes.join('; '))} |`);
