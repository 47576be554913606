import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditTemplate, exitCode } from './audit.ts';
import { formatJson, formatTable, toSarif } from './report.ts';
import type { Level } from './rules.ts';
import { RULES } from './rules.ts';

/** Where a CLI writes: the process's streams, or a test's buffers. */
export interface CliIo {
  /** Writes to standard output. */
  stdout: (text: string) => void;
  /** Writes to standard error. */
  stderr: (text: string) => void;
}

const USAGE = `Usage: sentinel-audit [options] <template.yaml|template.json>

Checks every Lambda function of a SAM / CloudFormation template for fleet hygiene and security:
${RULES.map((rule) => `  ${rule.id.padEnd(28)} ${rule.level.padEnd(8)} ${rule.title}`).join('\n')}

Options:
  --format F         table (default), json or sarif
  --output FILE      write the report there instead of standard output
  --parameter K=V    a parameter value instead of its Default (repeatable)
  --fail-on L        error, warning (default), note or none: which findings set the exit code
  --ignore RULE      do not report RULE (repeatable; shown as suppressed)
  --now DATE         judge expiry at this ISO date instead of today
  --no-source        do not read handler sources (skips no-sentinel-middleware)
  -h, --help         this text

Exit code: 0 clean; otherwise a bit per level found at or above --fail-on (2 error, 4 warning,
8 note), as cfn-lint does; 1 when the template cannot be read or an option is wrong.
Suppress a finding in the template with Metadata: { sentinel-audit: { ignore: [rule], reason: ... } }.
`;

const LEVELS = new Set(['error', 'warning', 'note', 'none']);

/** `sentinel-audit` itself, with its arguments and output streams given: returns the exit code. */
export async function runAuditCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr(`sentinel-audit: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const problem =
    positionals.length !== 1
      ? 'expected one template file'
      : !['table', 'json', 'sarif'].includes(values.format)
        ? `--format: expected table, json or sarif, got ${values.format}`
        : !LEVELS.has(values['fail-on'])
          ? `--fail-on: expected error, warning, note or none, got ${values['fail-on']}`
          : values.now !== undefined && Number.isNaN(Date.parse(values.now))
            ? `--now: expected an ISO date, got ${values.now}`
            : undefined;
  const parameters: Record<string, string> = {};
  for (const pair of values.parameter ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      io.stderr(`sentinel-audit: --parameter: expected Key=Value, got ${pair}\n`);
      return 1;
    }
    parameters[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (problem) {
    io.stderr(`sentinel-audit: ${problem}\n\n${USAGE}`);
    return 1;
  }
  const path = positionals[0] as string;
  try {
    const report = await auditTemplate(readFileSync(path, 'utf8'), {
      path,
      parameters,
      ignore: values.ignore ?? [],
      source: values.source !== false,
      ...(values.now !== undefined ? { now: new Date(values.now) } : {}),
    });
    const text =
      values.format === 'json'
        ? formatJson(report)
        : values.format === 'sarif'
          ? `${JSON.stringify(toSarif(report), null, 2)}\n`
          : formatTable(report);
    if (values.output) writeFileSync(values.output, text);
    else io.stdout(text);
    return exitCode(report, values['fail-on'] as Level | 'none');
  } catch (error) {
    io.stderr(`sentinel-audit: ${path}: ${(error as Error).message}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    allowNegative: true,
    options: {
      format: { type: 'string', default: 'table' },
      output: { type: 'string' },
      parameter: { type: 'string', multiple: true },
      'fail-on': { type: 'string', default: 'warning' },
      ignore: { type: 'string', multiple: true },
      now: { type: 'string' },
      source: { type: 'boolean', default: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
