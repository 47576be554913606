// sentinel-audit against the workshop's template (which must pass) and broken
// variants of it: each variant breaks one thing and must be caught by its rule.
// Variants are built on the parsed template and audited as JSON with the
// workshop template's path, so handler sources resolve as they do for the YAML.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditReport,
  auditTemplate,
  exitCode,
  type Finding,
  parseTemplate,
  RULES,
  TemplateError,
} from '../src/index.ts';

const WORKSHOP = resolve(import.meta.dirname, '../../../examples/workshop/template.yaml');
const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const workshopText = readFileSync(WORKSHOP, 'utf8');
const NOW = new Date('2026-06-01T00:00:00Z');

type Template = Record<string, any>;
const workshop = (): Template => structuredClone(parseTemplate(workshopText).template) as Template;
const FUNCTIONS = [
  'AuthorizerFunction',
  'UnicornPartsFunction',
  'CustomizeUnicornFunction',
  'ManagePartnersFunction',
  'CustomUnicornAnalyticsFunction',
];

async function audit(template: Template, options: Parameters<typeof auditTemplate>[1] = {}) {
  return auditTemplate(JSON.stringify(template), { path: WORKSHOP, now: NOW, ...options });
}
const findings = (report: AuditReport): Finding[] => report.functions.flatMap((fn) => fn.findings);
/** `rule function` pairs, the quickest way to say what a variant produced. */
const found = (report: AuditReport) => findings(report).map((f) => `${f.rule} ${f.function}`);
const every = (rule: string) => FUNCTIONS.map((fn) => `${rule} ${fn}`);

describe('the workshop template', () => {
  it('passes: five functions, no finding, exit code 0 — handler sources read and using Sentinel', async () => {
    const report = await auditTemplate(workshopText, { path: WORKSHOP, now: NOW });
    expect(report.functions.map((fn) => fn.id)).toEqual(FUNCTIONS);
    expect(findings(report)).toEqual([]);
    expect(report.counts).toEqual({ error: 0, warning: 0, note: 0 });
    expect(exitCode(report)).toBe(0);
    expect(report.functions.map((fn) => fn.source)).toEqual([
      'src/authorizer/index.ts',
      'src/app/unicornParts.ts',
      'src/app/customizeUnicorn.ts',
      'src/app/managePartners.ts',
      'src/app/customUnicornAnalytics.ts',
    ]);
    // Points at each function's line in the YAML.
    expect(report.functions[0]?.line).toBe(workshopText.split('\n').indexOf('  AuthorizerFunction:') + 1);
  });

  it('is experimental with an expires date: after it, every function is reported expired (error)', async () => {
    const report = await auditTemplate(workshopText, { path: WORKSHOP, now: new Date('2028-01-01') });
    expect(found(report)).toEqual(every('function-expired'));
    expect(findings(report)[0]).toMatchObject({
      level: 'error',
      message: 'expired on 2027-12-31: remove the function or renew the date',
    });
    expect(exitCode(report)).toBe(2);
  });

  it('without its expires date, an experimental stack is reported; a production one is not', async () => {
    const experimental = await auditTemplate(workshopText, {
      path: WORKSHOP,
      now: NOW,
      parameters: { Expires: '' },
    });
    expect(found(experimental)).toEqual(every('experimental-without-expiry'));
    const production = await auditTemplate(workshopText, {
      path: WORKSHOP,
      now: NOW,
      parameters: { Expires: '', Lifecycle: 'production' },
    });
    expect(found(production)).toEqual([]);
    const invalid = await auditTemplate(workshopText, {
      path: WORKSHOP,
      now: NOW,
      parameters: { Expires: '2027-02-30' },
    });
    expect(found(invalid)).toEqual(every('function-expired'));
    expect(findings(invalid)[0]?.message).toContain('is not an ISO 8601 date');
  });
});

describe('broken variants', () => {
  it('tracing-off: Globals without Tracing, or one function set to PassThrough', async () => {
    const noGlobal = workshop();
    delete noGlobal.Globals.Function.Tracing;
    expect(found(await audit(noGlobal))).toEqual(every('tracing-off'));
    const one = workshop();
    one.Resources.ManagePartnersFunction.Properties.Tracing = 'PassThrough';
    expect(found(await audit(one))).toEqual(['tracing-off ManagePartnersFunction']);
  });

  it('ownership-tags: a function-level Tags map cannot drop the Globals ones, but no owner anywhere is caught', async () => {
    const template = workshop();
    delete template.Globals.Function.Tags.owner;
    const report = await audit(template);
    expect(found(report)).toEqual(every('ownership-tags'));
    expect(findings(report)[0]?.message).toBe('no owner tag');
  });

  it('sentinel-tags: missing, missing a key, disagreeing with the tags, malformed (an error: init would fail)', async () => {
    const missing = workshop();
    delete missing.Globals.Function.Environment.Variables.SENTINEL_TAGS;
    expect(found(await audit(missing))).toEqual(every('sentinel-tags'));

    const partial = workshop();
    partial.Globals.Function.Environment.Variables.SENTINEL_TAGS = 'owner=x,environment=dev';
    const partialReport = await audit(partial);
    expect(findings(partialReport).map((f) => f.message)).toContain('SENTINEL_TAGS has no lifecycle');
    expect(
      findings(partialReport).some((f) =>
        f.message.includes('owner=x, the resource tag says wild-rydes-platform'),
      ),
    ).toBe(true);

    const malformed = workshop();
    malformed.Resources.AuthorizerFunction.Properties.Environment.Variables.SENTINEL_TAGS = 'owner';
    const report = await audit(malformed);
    expect(found(report)).toEqual(['sentinel-tags AuthorizerFunction']);
    expect(findings(report)[0]).toMatchObject({ level: 'error' });
    expect(findings(report)[0]?.message).toMatch(
      /^SENTINEL_TAGS would stop the function at init: SENTINEL_TAGS: expected key=value/,
    );
  });

  it('confused-deputy: a service permission without SourceArn/SourceAccount, Principal "*", an AlexaSkill without SkillId', async () => {
    const template = workshop();
    template.Resources.S3InvokesParts = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['UnicornPartsFunction', 'Arn'] },
        Principal: 's3.amazonaws.com',
      },
    };
    template.Resources.ScopedSns = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: 'UnicornPartsFunction' },
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: 'SomeTopic' },
      },
    };
    template.Resources.Anyone = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: 'ManagePartnersFunction' },
        Principal: '*',
      },
    };
    template.Resources.PublicUrl = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: { Ref: 'ManagePartnersFunction' },
        Principal: '*',
        FunctionUrlAuthType: 'AWS_IAM',
      },
    };
    template.Resources.CustomizeUnicornFunction.Properties.Events.Alexa = { Type: 'AlexaSkill' };
    const report = await audit(template);
    expect(found(report)).toEqual([
      'confused-deputy UnicornPartsFunction',
      'confused-deputy CustomizeUnicornFunction',
      'confused-deputy ManagePartnersFunction',
    ]);
    const [s3, alexa, star] = findings(report);
    expect(s3).toMatchObject({ level: 'error', resource: 'S3InvokesParts' });
    expect(s3?.message).toContain('any s3 resource, in any account');
    expect(alexa?.message).toContain('AlexaSkill event without SkillId');
    expect(star).toMatchObject({ resource: 'Anyone' });
    // A scoped permission (SourceAccount) passes.
    template.Resources.S3InvokesParts.Properties.SourceAccount = { Ref: 'AWS::AccountId' };
    expect(found(await audit(template))).not.toContain('confused-deputy UnicornPartsFunction');
  });

  it('iam-wildcard-action and -resource: inline statements, managed policies, the function’s role and policies attached to it', async () => {
    const template = workshop();
    template.Resources.ManagePartnersFunction.Properties.Policies.push(
      {
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:*', Resource: { 'Fn::GetAtt': ['PartnerDDBTable', 'Arn'] } },
        ],
      },
      { Statement: { Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' } },
      // Only-`*` actions, and a Deny, are fine.
      {
        Statement: [
          { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'cloudwatch:PutMetricData'], Resource: '*' },
        ],
      },
      { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
      'AmazonDynamoDBFullAccess',
    );
    template.Resources.AuthorizerRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {},
        Policies: [
          {
            PolicyName: 'all',
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          },
        ],
      },
    };
    template.Resources.AuthorizerExtra = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [{ Ref: 'AuthorizerRole' }],
        PolicyDocument: {
          Statement: [{ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::x' }],
        },
      },
    };
    template.Resources.AuthorizerFunction.Properties.Role = { 'Fn::GetAtt': ['AuthorizerRole', 'Arn'] };
    const report = await audit(template);
    const messages = findings(report).map((f) => `${f.rule} ${f.function}: ${f.message}`);
    expect(messages).toEqual([
      'iam-wildcard-action AuthorizerFunction: role AuthorizerRole: Allow *',
      'iam-wildcard-action AuthorizerFunction: policy AuthorizerExtra: Allow with NotAction allows every other action',
      'iam-wildcard-resource AuthorizerFunction: role AuthorizerRole: * on Resource "*"',
      'iam-wildcard-resource AuthorizerFunction: policy AuthorizerExtra: Allow with NotResource reaches every other resource',
      'iam-wildcard-action ManagePartnersFunction: Policies: managed policy AmazonDynamoDBFullAccess',
      'iam-wildcard-action ManagePartnersFunction: Policies: Allow dynamodb:*',
      'iam-wildcard-resource ManagePartnersFunction: Policies: s3:GetObject on Resource "*"',
    ]);
  });

  it('no-reserved-concurrency and no-timeout', async () => {
    const template = workshop();
    delete template.Resources.CustomizeUnicornFunction.Properties.ReservedConcurrentExecutions;
    delete template.Globals.Function.Timeout;
    expect(found(await audit(template))).toEqual([
      'no-timeout AuthorizerFunction',
      'no-timeout UnicornPartsFunction',
      'no-reserved-concurrency CustomizeUnicornFunction',
      'no-timeout CustomizeUnicornFunction',
      'no-timeout ManagePartnersFunction',
      'no-timeout CustomUnicornAnalyticsFunction',
    ]);
  });

  it('no-log-retention: no log group, or one without RetentionInDays; LoggingConfig.LogGroup and FunctionName are followed', async () => {
    const template = workshop();
    delete template.Resources.AuthorizerLogGroup;
    delete template.Resources.UnicornPartsLogGroup.Properties.RetentionInDays;
    // Named function, log group by name; and a custom log group through LoggingConfig.
    template.Resources.ManagePartnersFunction.Properties.FunctionName = 'manage-partners';
    template.Resources.ManagePartnersLogGroup.Properties.LogGroupName = '/aws/lambda/manage-partners';
    template.Resources.CustomizeUnicornFunction.Properties.LoggingConfig = {
      LogGroup: { Ref: 'SharedLogs' },
    };
    template.Resources.SharedLogs = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } };
    const report = await audit(template);
    expect(found(report)).toEqual([
      'no-log-retention AuthorizerFunction',
      'no-log-retention UnicornPartsFunction',
    ]);
    expect(findings(report)[1]).toMatchObject({
      resource: 'UnicornPartsLogGroup',
      message: 'log group UnicornPartsLogGroup has no RetentionInDays',
    });
  });

  it('no-sentinel-middleware: a handler without Sentinel, or importing it for types only; inline code is read too', async () => {
    const template = workshop();
    const entry = (fn: string, file: string) => {
      template.Resources[fn].Metadata.BuildProperties = {
        ...template.Resources[fn].Metadata.BuildProperties,
        EntryPoints: [`../../packages/audit/test/fixtures/${file}`],
      };
    };
    entry('UnicornPartsFunction', 'plain-handler.ts');
    entry('ManagePartnersFunction', 'typed-only-handler.ts');
    template.Resources.Inline = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { ZipFile: "exports.handler = async () => 'hi';" },
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Timeout: 3,
        ReservedConcurrentExecutions: 1,
        TracingConfig: { Mode: 'Active' },
        Tags: [
          { Key: 'owner', Value: 'a' },
          { Key: 'environment', Value: 'b' },
          { Key: 'lifecycle', Value: 'production' },
        ],
        Environment: { Variables: { SENTINEL_TAGS: 'owner=a,environment=b,lifecycle=production' } },
      },
    };
    template.Resources.InlineLogs = {
      Type: 'AWS::Logs::LogGroup',
      Properties: {
        LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: 'Inline' }]] },
        RetentionInDays: 1,
      },
    };
    const report = await audit(template);
    expect(found(report)).toEqual([
      'no-sentinel-middleware UnicornPartsFunction',
      'no-sentinel-middleware ManagePartnersFunction',
      'no-sentinel-middleware Inline',
    ]);
    expect(findings(report)[0]?.message).toBe(
      '../../packages/audit/test/fixtures/plain-handler.ts imports no Lambda Sentinel middleware',
    );
    expect(report.functions.find((fn) => fn.id === 'Inline')?.source).toBe('inline');
    // Code in S3, or a file the audit cannot find, is not judged.
    template.Resources.Inline.Properties.Code = { S3Bucket: 'b', S3Key: 'k' };
    expect(found(await audit(template))).not.toContain('no-sentinel-middleware Inline');
    expect(found(await audit(template, { source: false }))).toEqual([]);
  });

  it('a finding is suppressed by the resource’s Metadata or --ignore: listed with the reason, not counted', async () => {
    const template = workshop();
    delete template.Resources.CustomUnicornAnalyticsFunction.Properties.ReservedConcurrentExecutions;
    delete template.Resources.ManagePartnersFunction.Properties.ReservedConcurrentExecutions;
    template.Resources.CustomUnicornAnalyticsFunction.Metadata['sentinel-audit'] = {
      ignore: ['no-reserved-concurrency'],
      reason: 'runs on a schedule, one at a time',
    };
    const report = await audit(template);
    expect(findings(report).map((f) => [f.function, f.suppressed])).toEqual([
      ['ManagePartnersFunction', undefined],
      ['CustomUnicornAnalyticsFunction', 'runs on a schedule, one at a time'],
    ]);
    expect(report.counts.warning).toBe(1);
    const ignored = await audit(template, { ignore: ['no-reserved-concurrency'] });
    expect(ignored.counts.warning).toBe(0);
    expect(exitCode(ignored)).toBe(0);
  });

  it('reads plain CloudFormation: AWS::Lambda::Function with TracingConfig and a Tags list', async () => {
    const template = {
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Code: { S3Bucket: 'b', S3Key: 'k' },
            Handler: 'index.handler',
            Runtime: 'nodejs24.x',
            TracingConfig: { Mode: 'PassThrough' },
            Tags: [{ Key: 'owner', Value: 'team' }],
          },
        },
      },
    };
    const report = await auditTemplate(JSON.stringify(template), { now: NOW });
    expect(findings(report).map((f) => f.rule)).toEqual([
      'tracing-off',
      'ownership-tags',
      'sentinel-tags',
      'no-reserved-concurrency',
      'no-timeout',
      'no-log-retention',
    ]);
    expect(findings(report)[1]?.message).toBe('no environment, lifecycle tags');
    expect(exitCode(report, 'error')).toBe(0);
    expect(exitCode(report, 'warning')).toBe(4);
    expect(exitCode(report, 'none')).toBe(0);
  });

  it('never throws on a damaged function: any JSON value in any property gives a report (property)', async () => {
    const base = workshop();
    const properties = Object.keys(base.Resources.UnicornPartsFunction.Properties).concat([
      'Tracing',
      'TracingConfig',
      'Tags',
      'Policies',
      'Role',
      'Events',
      'LoggingConfig',
      'FunctionName',
    ]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...properties), fc.jsonValue({ maxDepth: 4 }), async (key, value) => {
        const template = workshop();
        template.Resources.UnicornPartsFunction.Properties[key] = value;
        template.Globals.Function[key] = value;
        const report = await audit(template, { source: false });
        expect(report.functions).toHaveLength(5);
        for (const finding of findings(report)) expect(RULES.map((r) => r.id)).toContain(finding.rule);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses what is not a template, with the reason', async () => {
    for (const [text, reason] of [
      ['[1, 2]', 'a template is an object with a Resources section'],
      ['Description: x', 'the template has no Resources section'],
      ['{"Resources": ', 'not valid JSON'],
      ['Resources: [unclosed', 'not valid YAML'],
      ['Resources:\n  A: {Type: X}\n  A: {Type: Y}\n', 'not valid YAML: duplicate key "A"'],
    ] as const) {
      await expect(auditTemplate(text)).rejects.toThrow(TemplateError);
      await expect(auditTemplate(text)).rejects.toThrow(reason);
    }
  });
});

describe('the rules', () => {
  it('each has an id, a level, a title and why it matters, and is documented on the fleet hygiene page', () => {
    const page = readFileSync(resolve(import.meta.dirname, '../../../docs/guide/fleet-hygiene.md'), 'utf8');
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.why.length).toBeGreaterThan(80);
      expect(page, rule.id).toContain(`### ${rule.id}\n`);
    }
  });
});

export { FIXTURES };
