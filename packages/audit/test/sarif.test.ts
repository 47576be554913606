// The SARIF output validated against the SARIF 2.1.0 JSON schema (the copy the
// SARIF team ships in @microsoft/jest-sarif), with Ajv's draft-04 validator.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import AjvModule from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { auditTemplate, RULES, TOOL_VERSION, toSarif } from '../src/index.ts';

const require = createRequire(import.meta.url);
const schemaFile = join(
  dirname(require.resolve('@microsoft/jest-sarif/package.json')),
  'lib/schemas/sarif-2.1.0-rtm.5.json',
);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
// unicodeRegExp off: one pattern of this schema version (the language tag's) is not valid as a /u regex.
// A CommonJS module: its class is the default export's `default`.
const Ajv = AjvModule.default;
const validate = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }).compile(schema);

const WORKSHOP = resolve(import.meta.dirname, '../../../examples/workshop/template.yaml');
const text = readFileSync(WORKSHOP, 'utf8');

function valid(log: unknown): void {
  const ok = validate(log);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
}

describe('SARIF', () => {
  it('is a valid SARIF 2.1.0 log with no results for the workshop template', async () => {
    const log = toSarif(
      await auditTemplate(text, { path: 'examples/workshop/template.yaml', now: new Date('2026-06-01') }),
    );
    valid(log);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.results).toEqual([]);
    expect(run.tool.driver).toMatchObject({ name: 'sentinel-audit', version: TOOL_VERSION });
    expect(run.tool.driver.rules?.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const rule of run.tool.driver.rules ?? []) {
      expect(rule.helpUri).toMatch(/fleet-hygiene\.md#[a-z-]+$/);
      expect(Number(rule.properties?.['security-severity'])).toBeGreaterThan(0);
    }
  });

  it('places each finding at its resource’s line, with its rule, level, fingerprint and any suppression', async () => {
    // Tracing off everywhere; ManagePartnersFunction says why that is fine for it.
    const yaml = text
      .replace('    Tracing: Active\n', '')
      .replace(
        '        EntryPoints: [src/app/managePartners.ts]\n',
        '        EntryPoints: [src/app/managePartners.ts]\n      sentinel-audit: { ignore: [tracing-off], reason: on purpose }\n',
      );
    const report = await auditTemplate(yaml, { path: WORKSHOP, now: new Date('2026-06-01') });
    const log = toSarif(report);
    valid(log);
    const results = log.runs[0]!.results!;
    expect(results).toHaveLength(5);
    const lines = yaml.split('\n');
    for (const result of results) {
      expect(result.ruleId).toBe('tracing-off');
      expect(RULES[result.ruleIndex!]?.id).toBe('tracing-off');
      expect(result.level).toBe('warning');
      const line = result.locations![0]!.physicalLocation!.region!.startLine!;
      const name = result.locations![0]!.logicalLocations![0]!.name!;
      expect(lines[line - 1]).toBe(`  ${name}:`);
      expect(result.partialFingerprints?.['sentinelAudit/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => r.suppressions)).toEqual([
      [{ kind: 'inSource', justification: 'on purpose' }],
    ]);
    expect(report.counts.warning).toBe(4);
  });

  it('stays valid for every rule, suppressed or not', async () => {
    const { template } = await import('../src/template.ts').then((m) =>
      m.parseTemplate(
        '{"Resources":{"F":{"Type":"AWS::Lambda::Function","Properties":{"Code":{"ZipFile":"exports.handler=1"}}},"P":{"Type":"AWS::Lambda::Permission","Properties":{"FunctionName":{"Ref":"F"},"Principal":"sns.amazonaws.com"}}}}',
      ),
    );
    const report = await auditTemplate(JSON.stringify(template), { ignore: ['no-timeout'] });
    const log = toSarif(report);
    valid(log);
    expect(log.runs[0]!.results!.length).toBeGreaterThan(4);
    expect(log.runs[0]!.results!.find((r) => r.ruleId === 'no-timeout')?.suppressions).toEqual([
      { kind: 'external', justification: '--ignore' },
    ]);
  });

  it('is checked by a validator that does refuse broken logs', () => {
    expect(validate({ runs: [] })).toBe(false); // no version
    expect(
      validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'r' }] }] }),
    ).toBe(false); // a result without a message
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false); // a driver without a name
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8'));
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
