import { dirname, relative, resolve } from 'node:path';
import { type CheckContext, checkFunction, functionsOf, type RawFinding } from './checks.ts';
import { parameterValues } from './resolve.ts';
import { type Level, RULES, ruleById } from './rules.ts';
import { handlerSource, usesSentinel } from './source.ts';
import { parseTemplate } from './template.ts';

/** One finding of the audit. */
export interface Finding {
  /** The rule's id (see `RULES`). */
  rule: string;
  /** `error`, `warning` or `note`. */
  level: Level;
  /** The function it is about (its logical id). */
  function: string;
  /** The resource that holds the problem when it is not the function (a permission, a role, a log group). */
  resource?: string;
  /** What exactly is wrong. */
  message: string;
  /** The line of that resource in the template (1-based), when known. */
  line?: number;
  /** Why it is accepted, when the template's `Metadata: { sentinel-audit: { ignore: [...] } }` or `--ignore` says so. */
  suppressed?: string;
}

/** One function of the template and what the audit found about it. */
export interface FunctionReport {
  /** Its logical id. */
  id: string;
  /** `AWS::Serverless::Function` or `AWS::Lambda::Function`. */
  type: string;
  /** The line of its logical id (1-based), when known. */
  line?: number;
  /** The handler source the middleware check read, relative to the template's folder; `inline` for `Code.ZipFile`. */
  source?: string;
  /** Its findings, suppressed ones included (marked). */
  findings: Finding[];
}

/** What {@link auditTemplate} returns. */
export interface AuditReport {
  /** The template's path as given. */
  template: string;
  /** When expiry was judged (ISO 8601). */
  now: string;
  /** One entry per Lambda function, in template order. */
  functions: FunctionReport[];
  /** Findings by level, suppressed ones not counted. */
  counts: Record<Level, number>;
}

/** Options of {@link auditTemplate}. */
export interface AuditOptions {
  /** The template's path: reports name it, and handler sources resolve from its folder. */
  path?: string;
  /** Parameter values over the template's defaults (`--parameter Key=Value`). */
  parameters?: Record<string, string>;
  /** The moment expiry is judged at. Default: now. */
  now?: Date;
  /** Rule ids not to report (reported as suppressed). */
  ignore?: readonly string[];
  /** Read handler sources for the `no-sentinel-middleware` rule. Default true. */
  source?: boolean;
}

/** `Metadata: { sentinel-audit: { ignore: [rule, ...], reason?: '...' } }` on a resource. */
function suppressionsOf(metadata: Record<string, unknown>): { rules: Set<string>; reason: string } {
  const own = metadata['sentinel-audit'] as { ignore?: unknown; reason?: unknown } | undefined;
  const rules = Array.isArray(own?.ignore)
    ? own.ignore.filter((r): r is string => typeof r === 'string')
    : [];
  return {
    rules: new Set(rules),
    reason: typeof own?.reason === 'string' ? own.reason : 'ignored in the template',
  };
}

/**
 * Audits a SAM / CloudFormation template (YAML with intrinsic tags, or JSON): per function,
 * every rule of `RULES`. Throws `TemplateError` for a template that cannot be read.
 */
export async function auditTemplate(text: string, options: AuditOptions = {}): Promise<AuditReport> {
  const { template, lines } = parseTemplate(text);
  const path = options.path ?? 'template.yaml';
  const templateDir = dirname(resolve(path));
  const now = options.now ?? new Date();
  const context: CheckContext = {
    parameters: parameterValues(template, options.parameters),
    resources: template.Resources as CheckContext['resources'],
    now: now.getTime(),
  };
  const ignored = new Set(options.ignore ?? []);
  const counts: Record<Level, number> = { error: 0, warning: 0, note: 0 };
  const functions: FunctionReport[] = [];

  for (const fn of functionsOf(template)) {
    const raw: RawFinding[] = checkFunction(fn, context);
    const report: FunctionReport = { id: fn.id, type: fn.type, findings: [] };
    if (lines[fn.id] !== undefined) report.line = lines[fn.id] as number;
    if (options.source !== false) {
      const source = handlerSource(fn, templateDir);
      if (source) {
        report.source =
          'file' in source ? relative(templateDir, source.file).replaceAll('\\', '/') : 'inline';
        if ((await usesSentinel(source, templateDir)) === false) {
          raw.push({
            rule: 'no-sentinel-middleware',
            message: `${report.source} imports no Lambda Sentinel middleware`,
          });
        }
      }
    }
    const own = suppressionsOf(fn.metadata);
    for (const item of raw) {
      const rule = ruleById(item.rule);
      if (!rule) continue;
      const finding: Finding = {
        rule: rule.id,
        level: item.level ?? rule.level,
        function: fn.id,
        message: item.message,
      };
      if (item.resource) finding.resource = item.resource;
      const line = lines[item.resource ?? fn.id];
      if (line !== undefined) finding.line = line;
      const holder = item.resource
        ? suppressionsOf(
            ((template.Resources as Record<string, { Metadata?: Record<string, unknown> }>)[item.resource]
              ?.Metadata ?? {}) as Record<string, unknown>,
          )
        : own;
      if (ignored.has(rule.id)) finding.suppressed = '--ignore';
      else if (holder.rules.has(rule.id)) finding.suppressed = holder.reason;
      else if (own.rules.has(rule.id)) finding.suppressed = own.reason;
      else counts[finding.level] += 1;
      report.findings.push(finding);
    }
    report.findings.sort(
      (a, b) => RULES.findIndex((r) => r.id === a.rule) - RULES.findIndex((r) => r.id === b.rule),
    );
    functions.push(report);
  }
  return { template: path, now: now.toISOString(), functions, counts };
}

const LEVEL_BITS: Record<Level, number> = { error: 2, warning: 4, note: 8 };
const RANK: Record<Level, number> = { error: 3, warning: 2, note: 1 };

/**
 * The exit code for a report, as cfn-lint sets it: a bit per level found at or above `failOn`
 * (2 error, 4 warning, 8 note), so 0 means clean. `none` never fails. (1 is left for "the audit
 * itself failed".)
 */
export function exitCode(report: AuditReport, failOn: Level | 'none' = 'warning'): number {
  if (failOn === 'none') return 0;
  let code = 0;
  for (const level of ['error', 'warning', 'note'] as const) {
    if (RANK[level] >= RANK[failOn] && report.counts[level] > 0) code |= LEVEL_BITS[level];
  }
  return code;
}
