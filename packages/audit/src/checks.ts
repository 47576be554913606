import { expiryTime, parseTags } from '@lambda-sentinel/core';
import { type ResolveContext, type Resolved, referencedId, resolveValue } from './resolve.ts';
import type { Level } from './rules.ts';

/** A finding before it is placed in a report: which rule, how serious, what exactly. */
export interface RawFinding {
  rule: string;
  /** Overrides the rule's level (e.g. a malformed tag that stops init is an error). */
  level?: Level;
  message: string;
  /** The resource the finding points at, when not the function itself (a permission, a role). */
  resource?: string;
}

type Props = Record<string, unknown>;
type Resources = Record<string, { Type?: unknown; Properties?: Props; Metadata?: Props }>;

/** A Lambda function of the template, with SAM's Globals merged into its properties. */
export interface FunctionResource {
  id: string;
  type: string;
  properties: Props;
  metadata: Props;
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);
const REQUIRED_TAGS = ['owner', 'environment', 'lifecycle'] as const;

const isObject = (value: unknown): value is Props =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Globals under the function's own properties: objects merge (function wins), the rest is replaced. */
function merge(globals: unknown, own: unknown, depth = 0): unknown {
  if (!isObject(globals) || !isObject(own) || depth > 8) return own === undefined ? globals : own;
  const out: Props = { ...globals };
  for (const [key, value] of Object.entries(own)) out[key] = merge(globals[key], value, depth + 1);
  return out;
}

/** The template's Lambda functions, SAM ones with `Globals.Function` merged in. */
export function functionsOf(template: Props): FunctionResource[] {
  const resources = (template.Resources ?? {}) as Resources;
  const globals = isObject(template.Globals) ? template.Globals.Function : undefined;
  const functions: FunctionResource[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (!isObject(resource) || !FUNCTION_TYPES.has(resource.Type as string)) continue;
    const own = isObject(resource.Properties) ? resource.Properties : {};
    const properties = resource.Type === 'AWS::Serverless::Function' ? (merge(globals, own) as Props) : own;
    functions.push({
      id,
      type: resource.Type as string,
      properties: isObject(properties) ? properties : {},
      metadata: isObject(resource.Metadata) ? resource.Metadata : {},
    });
  }
  return functions;
}

/** What every check reads besides the function. */
export interface CheckContext extends ResolveContext {
  resources: Resources;
  /** When "now" is, for expiry (epoch ms). */
  now: number;
}

const resolve = (value: unknown, context: CheckContext): Resolved => resolveValue(value, context);

// ── tracing ─────────────────────────────────────────────────────────────────────────────────────

function checkTracing(fn: FunctionResource, context: CheckContext): RawFinding[] {
  const mode =
    fn.type === 'AWS::Serverless::Function'
      ? fn.properties.Tracing
      : (fn.properties.TracingConfig as Props | undefined)?.Mode;
  if (mode === undefined) {
    return [{ rule: 'tracing-off', message: 'no Tracing: Active (the default is PassThrough)' }];
  }
  const value = resolve(mode, context);
  if (!value.known || value.text === 'Active') return [];
  return [{ rule: 'tracing-off', message: `tracing mode is ${value.text}, not Active` }];
}

// ── ownership and lifecycle ─────────────────────────────────────────────────────────────────────

/** Resource tags: SAM's map, or CloudFormation's list of `{ Key, Value }`. */
function resourceTags(fn: FunctionResource, context: CheckContext): Map<string, Resolved> {
  const tags = new Map<string, Resolved>();
  const raw = fn.properties.Tags;
  if (Array.isArray(raw)) {
    for (const tag of raw) {
      if (isObject(tag) && typeof tag.Key === 'string') tags.set(tag.Key, resolve(tag.Value, context));
    }
  } else if (isObject(raw)) {
    for (const [key, value] of Object.entries(raw)) tags.set(key, resolve(value, context));
  }
  return tags;
}

function checkTags(fn: FunctionResource, context: CheckContext): RawFinding[] {
  const findings: RawFinding[] = [];
  const tags = resourceTags(fn, context);
  const missing = REQUIRED_TAGS.filter((key) => !tags.get(key)?.text);
  if (missing.length > 0) {
    findings.push({
      rule: 'ownership-tags',
      message: `no ${missing.join(', ')} tag${missing.length > 1 ? 's' : ''}`,
    });
  }

  // SENTINEL_TAGS, read as the runtime reads it (core's parseTags).
  const variables = (fn.properties.Environment as Props | undefined)?.Variables as Props | undefined;
  const raw = variables?.SENTINEL_TAGS;
  let runtime: Record<string, string> = {};
  let runtimeKnown = false;
  if (raw === undefined) {
    findings.push({ rule: 'sentinel-tags', message: 'no SENTINEL_TAGS environment variable' });
  } else {
    const value = resolve(raw, context);
    try {
      runtime = parseTags(value.text);
      runtimeKnown = value.known;
      const absent = REQUIRED_TAGS.filter((key) => !runtime[key]);
      if (absent.length > 0) {
        findings.push({ rule: 'sentinel-tags', message: `SENTINEL_TAGS has no ${absent.join(', ')}` });
      }
      for (const [key, tag] of tags) {
        const inRuntime = runtime[key];
        if (value.known && tag.known && inRuntime !== undefined && inRuntime !== tag.text) {
          findings.push({
            rule: 'sentinel-tags',
            message: `SENTINEL_TAGS says ${key}=${inRuntime}, the resource tag says ${tag.text}`,
          });
        }
      }
    } catch (error) {
      findings.push({
        rule: 'sentinel-tags',
        level: 'error',
        message: `SENTINEL_TAGS would stop the function at init: ${(error as Error).message}`,
      });
    }
  }

  // Lifecycle: what the function will know at run time, else its resource tags.
  const known = (key: string): string | undefined => {
    if (runtime[key] !== undefined) return runtimeKnown ? runtime[key] : undefined;
    const tag = tags.get(key);
    return tag?.known ? tag.text : undefined;
  };
  // An empty value (`expires=` from an empty parameter) is no value.
  const present = (key: string) => Boolean(runtime[key]) || Boolean(tags.get(key)?.text);
  const lifecycle = known('lifecycle');
  const expires = known('expires');
  if (expires !== undefined && expires !== '') {
    const at = expiryTime(expires);
    if (at === undefined) {
      findings.push({
        rule: 'function-expired',
        message: `expires ${JSON.stringify(expires)} is not an ISO 8601 date (2026-03-31) or date-time with a zone; Sentinel refuses it at init`,
      });
    } else if (context.now >= at) {
      findings.push({
        rule: 'function-expired',
        message: `expired on ${expires}: remove the function or renew the date`,
      });
    }
  } else if (lifecycle?.toLowerCase() === 'experimental' && !present('expires')) {
    findings.push({
      rule: 'experimental-without-expiry',
      message: 'lifecycle is experimental and there is no expires tag',
    });
  }
  return findings;
}

// ── invocation permissions (confused deputy) ───────────────────────────────────────────────────

const SERVICE_PRINCIPAL = /\.amazonaws\.com(\.cn)?$|\.amazon\.com$/;

/** Does a permission's `FunctionName` point at this function? */
function namesFunction(value: unknown, fn: FunctionResource, context: CheckContext): boolean {
  if (referencedId(value) === fn.id) return true;
  const name = resolve(value, context);
  const own =
    fn.properties.FunctionName !== undefined ? resolve(fn.properties.FunctionName, context) : undefined;
  return Boolean(
    name.known && own?.known && (name.text === own.text || name.text.endsWith(`:function:${own.text}`)),
  );
}

/** Permission problems of one `AWS::Lambda::Permission`, or none. */
export function permissionProblem(properties: Props, context: CheckContext): string | undefined {
  const principal = resolve(properties.Principal, context);
  if (!principal.known) return undefined;
  const scoped =
    properties.SourceArn !== undefined ||
    properties.SourceAccount !== undefined ||
    properties.EventSourceToken !== undefined;
  if (principal.text === '*') {
    // A function URL's public access is its own, explicit decision (FunctionUrlAuthType).
    if (scoped || properties.FunctionUrlAuthType !== undefined) return undefined;
    return 'Principal "*" without SourceArn or SourceAccount: anyone may invoke the function';
  }
  if (!SERVICE_PRINCIPAL.test(principal.text) || scoped) return undefined;
  return `${principal.text} may invoke the function without SourceArn or SourceAccount: any ${principal.text.split('.')[0]} resource, in any account, can`;
}

function checkPermissions(fn: FunctionResource, context: CheckContext): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const [id, resource] of Object.entries(context.resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::Lambda::Permission') continue;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    if (!namesFunction(properties.FunctionName, fn, context)) continue;
    const problem = permissionProblem(properties, context);
    if (problem) findings.push({ rule: 'confused-deputy', message: problem, resource: id });
  }
  // SAM event sources: SAM scopes the permissions it generates with SourceArn/SourceAccount,
  // except an Alexa skill without its SkillId.
  const events = isObject(fn.properties.Events) ? fn.properties.Events : {};
  for (const [name, event] of Object.entries(events)) {
    if (!isObject(event) || event.Type !== 'AlexaSkill') continue;
    if ((event.Properties as Props | undefined)?.SkillId === undefined) {
      findings.push({
        rule: 'confused-deputy',
        message: `event ${name}: an AlexaSkill event without SkillId lets any Alexa skill invoke the function`,
      });
    }
  }
  return findings;
}

// ── IAM ─────────────────────────────────────────────────────────────────────────────────────────

/** Actions that accept only `Resource: "*"` (so a wildcard there is no finding). */
const STAR_ONLY_ACTIONS = new Set([
  'xray:puttracesegments',
  'xray:puttelemetryrecords',
  'xray:getsamplingrules',
  'xray:getsamplingtargets',
  'xray:getsamplingstatisticsummaries',
  'cloudwatch:putmetricdata',
  'ec2:createnetworkinterface',
  'ec2:describenetworkinterfaces',
  'ec2:deletenetworkinterface',
  'ec2:assignprivateipaddresses',
  'ec2:unassignprivateipaddresses',
]);
const BROAD_MANAGED_POLICY = /(?:^|[/:])(AdministratorAccess|PowerUserAccess|[A-Za-z0-9]*FullAccess)$/;

interface Statements {
  statements: unknown[];
  managed: unknown[];
  /** Where they come from, for the message: `Policies`, `role MyRole`, `policy MyPolicy`. */
  from: string;
  resource?: string;
}

/** Every policy statement and managed policy that applies to the function's role. */
function policiesOf(fn: FunctionResource, context: CheckContext): Statements[] {
  const out: Statements[] = [];
  const inline: Statements = { statements: [], managed: [], from: 'Policies' };
  for (const policy of list(fn.properties.Policies)) {
    const intrinsic =
      isObject(policy) && Object.keys(policy).some((k) => k === 'Ref' || k.startsWith('Fn::'));
    if (typeof policy === 'string' || intrinsic) {
      inline.managed.push(policy);
    } else if (isObject(policy) && 'Statement' in policy) {
      inline.statements.push(...list(policy.Statement));
    }
    // Any other object is a SAM policy template (DynamoDBReadPolicy: {...}): scoped by design.
  }
  out.push(inline);
  // The role: given (Role: !GetAtt R.Arn), or the one SAM generates (<Id>Role).
  const roleId =
    referencedId(fn.properties.Role) ??
    (fn.type === 'AWS::Serverless::Function' ? `${fn.id}Role` : undefined);
  const role = roleId ? context.resources[roleId] : undefined;
  if (roleId && isObject(role) && role.Type === 'AWS::IAM::Role' && isObject(role.Properties)) {
    const statements = list(role.Properties.Policies).flatMap((p) =>
      isObject(p) && isObject(p.PolicyDocument) ? list(p.PolicyDocument.Statement) : [],
    );
    out.push({
      statements,
      managed: list(role.Properties.ManagedPolicyArns),
      from: `role ${roleId}`,
      resource: roleId,
    });
  }
  if (roleId) {
    for (const [id, resource] of Object.entries(context.resources)) {
      if (!isObject(resource) || !isObject(resource.Properties)) continue;
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      if (!list(resource.Properties.Roles).some((r) => referencedId(r) === roleId || r === roleId)) continue;
      const document = resource.Properties.PolicyDocument;
      out.push({
        statements: isObject(document) ? list(document.Statement) : [],
        managed: [],
        from: `policy ${id}`,
        resource: id,
      });
    }
  }
  return out;
}

const strings = (value: unknown): string[] => list(value).filter((v): v is string => typeof v === 'string');

function checkIam(fn: FunctionResource, context: CheckContext): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const { statements, managed, from, resource } of policiesOf(fn, context)) {
    const at = resource ? { resource } : {};
    for (const policy of managed) {
      const name = resolve(policy, context).text;
      if (BROAD_MANAGED_POLICY.test(name)) {
        findings.push({ rule: 'iam-wildcard-action', message: `${from}: managed policy ${name}`, ...at });
      }
    }
    for (const statement of statements) {
      if (!isObject(statement) || statement.Effect !== 'Allow') continue;
      const actions = strings(statement.Action);
      const wildcard = actions.filter((a) => a === '*' || /^[A-Za-z0-9-]+:\*$/.test(a));
      if (wildcard.length > 0) {
        findings.push({
          rule: 'iam-wildcard-action',
          message: `${from}: Allow ${wildcard.join(', ')}`,
          ...at,
        });
      }
      if (statement.NotAction !== undefined) {
        findings.push({
          rule: 'iam-wildcard-action',
          message: `${from}: Allow with NotAction allows every other action`,
          ...at,
        });
      }
      const anyResource = strings(statement.Resource).includes('*');
      const onlyStarActions =
        actions.length > 0 && actions.every((a) => STAR_ONLY_ACTIONS.has(a.toLowerCase()));
      if (anyResource && !onlyStarActions) {
        findings.push({
          rule: 'iam-wildcard-resource',
          message: `${from}: ${actions.join(', ') || 'actions'} on Resource "*"`,
          ...at,
        });
      }
      if (statement.NotResource !== undefined) {
        findings.push({
          rule: 'iam-wildcard-resource',
          message: `${from}: Allow with NotResource reaches every other resource`,
          ...at,
        });
      }
    }
  }
  return findings;
}

// ── limits and logs ─────────────────────────────────────────────────────────────────────────────

function checkLimits(fn: FunctionResource): RawFinding[] {
  const findings: RawFinding[] = [];
  if (fn.properties.ReservedConcurrentExecutions === undefined) {
    findings.push({ rule: 'no-reserved-concurrency', message: 'no ReservedConcurrentExecutions' });
  }
  if (fn.properties.Timeout === undefined) {
    findings.push({ rule: 'no-timeout', message: 'no Timeout (Lambda’s default is 3 seconds)' });
  }
  return findings;
}

function checkLogRetention(fn: FunctionResource, context: CheckContext): RawFinding[] {
  const ownName =
    fn.properties.FunctionName !== undefined ? resolve(fn.properties.FunctionName, context) : undefined;
  const logging = fn.properties.LoggingConfig as Props | undefined;
  const target = logging?.LogGroup;
  const targetId = referencedId(target);
  const targetName = target !== undefined && !targetId ? resolve(target, context) : undefined;
  for (const [id, resource] of Object.entries(context.resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::Logs::LogGroup') continue;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const name = properties.LogGroupName;
    const resolvedName = resolve(name, context);
    const isFunctions =
      (target !== undefined
        ? targetId === id ||
          (targetName?.known && resolvedName.known && targetName.text === resolvedName.text)
        : referencedId(name, '/aws/lambda/') === fn.id ||
          (ownName?.known && resolvedName.known && resolvedName.text === `/aws/lambda/${ownName.text}`)) ??
      false;
    if (!isFunctions) continue;
    if (properties.RetentionInDays === undefined) {
      return [{ rule: 'no-log-retention', message: `log group ${id} has no RetentionInDays`, resource: id }];
    }
    return [];
  }
  return [
    {
      rule: 'no-log-retention',
      message: 'no log group with RetentionInDays for this function: Lambda creates one that never expires',
    },
  ];
}

/** Every template-only check of one function (the handler source check is separate, and async). */
export function checkFunction(fn: FunctionResource, context: CheckContext): RawFinding[] {
  return [
    ...checkTracing(fn, context),
    ...checkTags(fn, context),
    ...checkPermissions(fn, context),
    ...checkIam(fn, context),
    ...checkLimits(fn),
    ...checkLogRetention(fn, context),
  ];
}
