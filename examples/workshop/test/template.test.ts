import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseTemplate } from '@lambda-sentinel/audit';
import { permissionModelFlags } from '@lambda-sentinel/runtime-guard';
import { describe, expect, it } from 'vitest';
import { SERVICE_THRESHOLDS, TEMPLATE_PATH, templateAlarms, withAlarms } from '../scripts/alarms.ts';
import { guardOptions } from '../src/shared/guard.ts';

const root = resolve(import.meta.dirname, '..');
const text = readFileSync(TEMPLATE_PATH, 'utf8');
// The audit's reader: intrinsic short forms as their long forms, aliases limited.
const parseCloudFormation = (source: string): any => parseTemplate(source).template;
const template = parseCloudFormation(text);
const resources: Record<string, any> = template.Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const functions = ofType('AWS::Serverless::Function');
const globals = template.Globals.Function;

/** Every IAM action string under a function's Policies (inline statements). */
function actions(policies: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Action' || key === 'NotAction') found.push(...([] as string[]).concat(value as string));
        else walk(value);
      }
    }
  };
  walk(policies);
  return found;
}

describe('template.yaml', () => {
  it('is a SAM template with five functions and one API', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(functions.map(([id]) => id).sort()).toEqual([
      'AuthorizerFunction',
      'CustomUnicornAnalyticsFunction',
      'CustomizeUnicornFunction',
      'ManagePartnersFunction',
      'UnicornPartsFunction',
    ]);
    expect(ofType('AWS::Serverless::Api')).toHaveLength(1);
  });

  it('traces every function and the API stage', () => {
    expect(globals.Tracing).toBe('Active');
    for (const [id, fn] of functions) expect([undefined, 'Active'], id).toContain(fn.Properties.Tracing);
    for (const [, api] of ofType('AWS::Serverless::Api')) expect(api.Properties.TracingEnabled).toBe(true);
  });

  it('tags every function owner/environment/lifecycle/expires, and passes the same values as SENTINEL_TAGS', () => {
    expect(globals.Tags).toEqual({
      owner: { Ref: 'Owner' },
      environment: { Ref: 'Environment' },
      lifecycle: { Ref: 'Lifecycle' },
      expires: { Ref: 'Expires' },
    });
    expect(globals.Environment.Variables.SENTINEL_TAGS).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's !Sub placeholders
      'Fn::Sub': 'owner=${Owner},environment=${Environment},lifecycle=${Lifecycle},expires=${Expires}',
    });
    for (const [id, fn] of functions) {
      // A function-level Tags map would be merged over Globals: it must not drop or override the four.
      for (const tag of ['owner', 'environment', 'lifecycle', 'expires'])
        expect(fn.Properties.Tags?.[tag], id).toBeUndefined();
      expect(fn.Properties.Environment?.Variables?.SENTINEL_TAGS, id).toBeUndefined();
    }
    for (const name of ['Owner', 'Environment', 'Lifecycle', 'Expires', 'SecretName'])
      expect(template.Parameters[name]).toBeDefined();
  });

  it('gives every function a log group with retention, reserved concurrency, a timeout and a service name', () => {
    const logGroups = ofType('AWS::Logs::LogGroup').map(([, r]) => r.Properties);
    for (const [id, fn] of functions) {
      const group = logGroups.find((g) => g.LogGroupName?.['Fn::Sub'] === `/aws/lambda/\${${id}}`);
      expect(group, `${id} log group`).toBeDefined();
      expect(group.RetentionInDays, id).toBeGreaterThan(0);
      expect(fn.Properties.ReservedConcurrentExecutions, id).toBeGreaterThan(0);
      const timeout = fn.Properties.Timeout ?? globals.Timeout;
      expect(timeout, id).toBeGreaterThan(0);
      expect(timeout, id).toBeLessThanOrEqual(900);
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME, id).toMatch(/^[a-z-]+$/);
    }
  });

  it('grants least privilege: no wildcard actions, no AdministratorAccess', () => {
    expect(JSON.stringify(template)).not.toMatch(/AdministratorAccess|PowerUserAccess|IAMFullAccess/);
    for (const [id, fn] of functions) {
      for (const action of actions(fn.Properties.Policies)) {
        expect(action, id).not.toBe('*');
        expect(action, id).not.toMatch(/^(dynamodb|cognito-idp|secretsmanager|iam|lambda):\*$/);
        expect(action, id).not.toMatch(/:\*$/);
      }
      // SAM policy templates are scoped to one resource, never `*`.
      for (const policy of fn.Properties.Policies ?? []) {
        if (typeof policy === 'string') throw new Error(`${id}: managed policy ${policy} is too broad`);
        for (const [name, args] of Object.entries(policy)) {
          if (name === 'Statement') continue;
          for (const value of Object.values(args as object)) expect(value, `${id} ${name}`).not.toBe('*');
        }
      }
    }
  });

  it('builds every function with esbuild from an entry point that exists and exports `handler`', () => {
    for (const [id, fn] of functions) {
      const { BuildMethod, BuildProperties } = fn.Metadata;
      expect(BuildMethod, id).toBe('esbuild');
      expect(BuildProperties.Format, id).toBe('esm');
      expect(BuildProperties.OutExtension, id).toEqual(['.js=.mjs']);
      expect(BuildProperties.Banner?.[0], `${id} needs a require() for bundled CommonJS`).toMatch(
        /createRequire/,
      );
      expect(BuildProperties.EntryPoints, id).toHaveLength(1);
      const entry = BuildProperties.EntryPoints[0] as string;
      const file = resolve(root, fn.Properties.CodeUri, entry);
      expect(existsSync(file), `${id}: ${file}`).toBe(true);
      expect(extname(file)).toBe('.ts');
      expect(readFileSync(file, 'utf8'), id).toMatch(/^export (const|async function|function) handler\b/m);
      // esbuild writes a single entry point to <basename>.mjs at the artifact root (no outbase):
      // the Handler must name that module, not the source path.
      expect(fn.Properties.Handler, id).toBe(`${basename(entry, '.ts')}.handler`);
    }
  });

  it('covers every function with the generated alarms', () => {
    const services = functions
      .map(([, fn]) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME)
      .sort();
    expect(Object.keys(SERVICE_THRESHOLDS).sort()).toEqual(services);
    expect(globals.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('CustomizeUnicorns');
  });

  it('contains exactly the alarms alarmDefinitions() returns (run scripts/alarms.ts when this fails)', () => {
    const inTemplate = Object.fromEntries(ofType('AWS::CloudWatch::Alarm'));
    expect(inTemplate).toEqual(templateAlarms());
    // Regenerating is a no-op on an up-to-date template.
    expect(withAlarms(text, templateAlarms())).toBe(text);
  });

  it('gives every alarm the environment dimension the metrics carry', () => {
    for (const [id, alarm] of ofType('AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.Namespace, id).toBe('CustomizeUnicorns');
      const names = alarm.Properties.Dimensions.map((d: { Name: string }) => d.Name);
      expect(names.slice(0, 2), id).toEqual(['service', 'environment']);
      expect(alarm.Properties.Dimensions[1].Value, id).toEqual({ Ref: 'Environment' });
    }
  });

  it('alarms on any guard_violation of every function (each runs under the runtime guard)', () => {
    for (const service of Object.keys(SERVICE_THRESHOLDS)) {
      const alarm = ofType('AWS::CloudWatch::Alarm').find(
        ([, a]) =>
          a.Properties.Dimensions.some(
            (d: { Name: string; Value: unknown }) => d.Name === 'event_type' && d.Value === 'guard_violation',
          ) && a.Properties.Dimensions[0].Value === service,
      );
      expect(alarm, service).toBeDefined();
    }
  });

  it('comments a NODE_OPTIONS example that is what permissionModelFlags() gives for guardOptions()', () => {
    const line = /^\s*# NODE_OPTIONS: (.+)$/m.exec(text)?.[1];
    const { nodeOptions } = permissionModelFlags(guardOptions({}), {
      taskRoot: '/var/task',
      nodeVersion: '24',
      env: {},
    });
    expect(line).toBe(nodeOptions);
    expect(globals.Environment.Variables.NODE_OPTIONS).toBeUndefined(); // opt-in: commented out
  });

  it('refuses to regenerate a template without the marker line', () => {
    expect(() => withAlarms('Resources: {}\nOutputs: {}\n', templateAlarms())).toThrow(
      /Lambda Sentinel alarms/,
    );
  });
});
