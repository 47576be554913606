/**
 * Prints the corpus figures as markdown (for docs/guide/redact.md):
 * `node packages/redact/test/corpus/report.ts`.
 */
import { createRedactor } from '../../src/index.ts';
import { measureBenign, measureRecall, rate, recallTable } from './measure.ts';
import { PII_FORMATS } from './pii.ts';
import { PLACEMENTS } from './placements.ts';
import { CONTEXT_ONLY_FORMATS, SECRET_FORMATS } from './secrets.ts';

const defaults = createRedactor();
const everyPii = createRedactor({
  pii: { email: 'mask', card: 'mask', iban: 'mask', ssn: 'mask', phone: 'mask', ip: 'mask', name: 'mask' },
});

const secrets = measureRecall(defaults, SECRET_FORMATS);
const context = measureRecall(defaults, CONTEXT_ONLY_FORMATS, { named: true });
const pii = measureRecall(everyPii, PII_FORMATS);
const piiDefault = measureRecall(defaults, PII_FORMATS);
const benign = measureBenign(defaults);

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  `## Secrets (${SECRET_FORMATS.length} formats, ${secrets.byFamily.size} families), default redactor\n`,
);
console.log(recallTable(secrets));
console.log(
  '\n## Context-only formats (no prefix of their own) written with their name (`DD_API_KEY=…`), default redactor\n',
);
console.log(recallTable(context));
console.log('\n## Personal data, every PII detector on\n');
console.log(recallTable(pii));
console.log(
  `\nDefault PII settings (email, card, IBAN, SSN on; phone, IP, names off): ${PLACEMENTS.map((p) => `${p} ${pct(rate(piiDefault.byPlacement[p]))}`).join(', ')}`,
);
console.log(
  `\n## Benign values: ${benign.altered} of ${benign.total} altered (${pct(benign.altered / benign.total)})\n`,
);
for (const [kind, t] of benign.byKind) if (t.caught > 0) console.log(`- ${kind}: ${t.caught}/${t.total}`);
if (process.argv.includes('--misses')) {
  console.log('\n## Misses\n');
  for (const line of [...secrets.misses, ...pii.misses, ...benign.examples]) console.log(`- ${line}`);
}
