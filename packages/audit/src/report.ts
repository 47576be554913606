import { createHash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { AuditReport } from './audit.ts';
import { RULES, RULES_DOC_URL } from './rules.ts';

/** The version reports give for the tool (kept equal to package.json's by a test). */
export const TOOL_VERSION = '0.1.0';
const TOOL_URI = 'https://github.com/lambda-sentinel/lambda-sentinel/tree/main/packages/audit#readme';

/** The report as a terminal table: each function, then its findings; a summary line last. */
export function formatTable(report: AuditReport): string {
  const out: string[] = [
    `sentinel-audit ${report.template} (expiry judged at ${report.now.slice(0, 10)})`,
    '',
  ];
  const width = Math.max(8, ...report.functions.map((fn) => fn.id.length));
  const ruleWidth = Math.max(...RULES.map((r) => r.id.length));
  let suppressed = 0;
  for (const fn of report.functions) {
    const open = fn.findings.filter((f) => !f.suppressed);
    suppressed += fn.findings.length - open.length;
    const status = open.length === 0 ? 'ok' : `${open.length} finding${open.length === 1 ? '' : 's'}`;
    out.push(`${fn.id.padEnd(width)}  ${status}${fn.source ? `  (handler ${fn.source})` : ''}`);
    for (const finding of open) {
      const where = finding.line !== undefined ? `  [line ${finding.line}]` : '';
      out.push(`  ${finding.level.padEnd(7)}  ${finding.rule.padEnd(ruleWidth)}  ${finding.message}${where}`);
    }
  }
  const { error, warning, note } = report.counts;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.push(
    '',
    `${plural(report.functions.length, 'function')} · ${plural(error, 'error')} · ${plural(warning, 'warning')} · ${plural(note, 'note')}${suppressed ? ` · ${suppressed} suppressed` : ''}`,
  );
  return `${out.join('\n')}\n`;
}

/** The report as JSON (the `AuditReport` object, indented). */
export function formatJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const pascal = (id: string) =>
  id
    .split('-')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

/**
 * The report as a SARIF 2.1.0 log for code scanning (GitHub's `upload-sarif`, Azure DevOps,
 * ...): every rule with its rationale and help link, one result per finding at the line of the
 * resource, suppressed findings carried with their justification.
 */
export function toSarif(report: AuditReport): Log {
  const uri = report.template.replaceAll('\\', '/').replace(/^\.\//, '');
  const rules: ReportingDescriptor[] = RULES.map((rule) => ({
    id: rule.id,
    name: pascal(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.why },
    help: { text: rule.why, markdown: `${rule.why}\n\n[More about ${rule.id}](${RULES_DOC_URL}#${rule.id})` },
    helpUri: `${RULES_DOC_URL}#${rule.id}`,
    defaultConfiguration: { level: rule.level },
    properties: {
      tags: ['security', 'aws-lambda', 'cloudformation'],
      precision: 'high',
      'security-severity': rule.securitySeverity.toFixed(1),
    },
  }));
  const results: Result[] = report.functions.flatMap((fn) =>
    fn.findings.map((finding): Result => {
      const result: Result = {
        ruleId: finding.rule,
        ruleIndex: RULES.findIndex((rule) => rule.id === finding.rule),
        level: finding.level,
        message: { text: `${fn.id}: ${finding.message}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, index: 0 },
              ...(finding.line !== undefined ? { region: { startLine: finding.line } } : {}),
            },
            logicalLocations: [
              {
                name: finding.resource ?? fn.id,
                kind: 'resource',
                fullyQualifiedName: finding.resource ? `${fn.id}/${finding.resource}` : fn.id,
              },
            ],
          },
        ],
        // Stable across runs and line moves: code scanning tracks the same finding by it.
        partialFingerprints: {
          'sentinelAudit/v1': createHash('sha256')
            .update(`${finding.rule}\u0000${fn.id}\u0000${finding.resource ?? ''}\u0000${finding.message}`)
            .digest('hex')
            .slice(0, 32),
        },
      };
      if (finding.suppressed) {
        result.suppressions = [
          {
            kind: finding.suppressed === '--ignore' ? 'external' : 'inSource',
            justification: finding.suppressed,
          },
        ];
      }
      return result;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sentinel-audit', version: TOOL_VERSION, informationUri: TOOL_URI, rules } },
        artifacts: [{ location: { uri } }],
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}
