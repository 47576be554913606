import { isSourceKind, SentinelConfigError, type SourceKind, validTenantId } from '@lambda-sentinel/core';
import { type CompiledGlob, compileArnGlob, compilePathGlob, globProblem } from './glob.ts';

/** One value, or a list meaning "any of these". */
type OneOrMany<T> = T | readonly T[];

/**
 * One allowlist rule. Every field it names must match; a list means "any of
 * these". An event is allowed when any rule matches.
 */
export interface AllowRule {
  /** The source kind(s) this rule allows, e.g. `'sqs'` or `['apigateway-rest', 'apigateway-http']`. */
  kind: OneOrMany<SourceKind>;
  /** ARN globs: `*` matches within one ARN component (the resource component may contain `:`). */
  arn?: OneOrMany<string>;
  /** 12-digit account ids. Naming an account here (or literally in `arn`) is what opens cross-account. */
  accountId?: OneOrMany<string>;
  /** Regions, e.g. `eu-west-1`. */
  region?: OneOrMany<string>;
  /** API Gateway REST/HTTP/WebSocket API id, or AppSync API id. */
  apiId?: OneOrMany<string>;
  /**
   * SNS only (`kind: 'sns'`): the rule matches a record only if its SNS signature verifies —
   * SignatureVersion 1 or 2, a signing certificate from `https://sns.<region>.amazonaws.com/….pem`
   * (or the partition's domain), a `Timestamp` within the maximum age. Otherwise the event is
   * refused as `invalid_signature`. Tuned by the middleware's `snsSignature` option.
   */
  verifySignature?: boolean;
  /** API Gateway stage names. */
  stage?: OneOrMany<string>;
  /** HTTP method, case-insensitive. */
  method?: OneOrMany<string>;
  /** Path globs: `*` matches within one `/`-separated segment. */
  path?: OneOrMany<string>;
  /** Cognito user pool ids (`us-east-1_AbC123`), for `cognito-trigger`. */
  userPoolId?: OneOrMany<string>;
  /** CloudWatch Logs log group names, for `cloudwatch-logs`. */
  logGroup?: OneOrMany<string>;
  /** CloudFront distribution ids, for `cloudfront` (Lambda@Edge). */
  distributionId?: OneOrMany<string>;
  /**
   * Kafka bootstrap servers (`host:port`, host in any case): the event's servers must all be
   * among these, so a mapping pointed at another broker is refused.
   */
  bootstrapServers?: OneOrMany<string>;
  /** Kafka topics: every record's topic must be one of these. */
  topic?: OneOrMany<string>;
  /**
   * The source's own id where it has no ARN: Lex bot, Bedrock agent, Alexa skill, Transfer Family
   * server, Client VPN endpoint, Cognito identity pool, Connect campaign, dashboard, IoT button.
   */
  resourceId?: OneOrMany<string>;
  /**
   * Tenant isolation mode: the tenant ids this rule allows (a non-empty list). An invocation
   * whose tenant id is missing, malformed or not listed does not match the rule; when the rule
   * matched otherwise, the refusal's reason is `tenant_not_allowed`.
   */
  tenants?: readonly string[];
}

export interface CompiledArn {
  readonly glob: CompiledGlob;
  /** The account segment when written literally: a literal account opens cross-account for it. */
  readonly literalAccount?: string;
}

/** A rule compiled once at construction (rule 6): Sets for lists, regexes for globs. */
export interface CompiledRule {
  readonly index: number;
  readonly kinds: ReadonlySet<string>;
  /** Matches only once the SNS record's signature is verified (sns-verify.ts does that). */
  readonly verifySignature?: boolean;
  readonly arns?: readonly CompiledArn[];
  readonly accountIds?: ReadonlySet<string>;
  readonly regions?: ReadonlySet<string>;
  readonly apiIds?: ReadonlySet<string>;
  readonly stages?: ReadonlySet<string>;
  readonly methods?: ReadonlySet<string>;
  readonly paths?: readonly CompiledGlob[];
  readonly userPoolIds?: ReadonlySet<string>;
  readonly logGroups?: ReadonlySet<string>;
  readonly distributionIds?: ReadonlySet<string>;
  /** Lower-cased `host:port`. */
  readonly bootstrapServers?: ReadonlySet<string>;
  readonly topics?: ReadonlySet<string>;
  readonly resourceIds?: ReadonlySet<string>;
  readonly tenants?: ReadonlySet<string>;
}

/** Every field a rule may name, in the order messages and suggestions list them. */
export const RULE_FIELD_NAMES = [
  'kind',
  'arn',
  'verifySignature',
  'accountId',
  'region',
  'apiId',
  'stage',
  'method',
  'path',
  'userPoolId',
  'logGroup',
  'distributionId',
  'bootstrapServers',
  'topic',
  'resourceId',
  'tenants',
] as const satisfies readonly (keyof AllowRule)[];
const RULE_FIELDS: ReadonlySet<string> = new Set(RULE_FIELD_NAMES);
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const TOKEN = /^[^\s*]{1,256}$/;
const METHOD = /^[A-Za-z]{1,16}$/;
const USER_POOL = /^[a-z]{2}(-[a-z]+)+-\d{1,2}_[A-Za-z0-9]{1,64}$/;
// CloudWatch Logs: 1-512 of a-z A-Z 0-9 _ - / . #
const LOG_GROUP = /^[\w\-/.#]{1,512}$/;
const DISTRIBUTION = /^[A-Z0-9]{1,64}$/;
const HOST_PORT = /^[A-Za-z0-9.-]{1,253}:\d{1,5}$/;
// Kafka: 1-249 of a-z A-Z 0-9 . _ -
const TOPIC = /^[\w.-]{1,249}$/;

function listOf(value: unknown, option: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new SentinelConfigError(option, 'must not be an empty list');
  items.forEach((item, i) => {
    if (typeof item !== 'string' || item === '') {
      const where = Array.isArray(value) ? `${option}[${i}]` : option;
      throw new SentinelConfigError(where, `expected a non-empty string, got ${describe(item)}`);
    }
  });
  return items as string[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  return typeof value;
}

function checked(values: string[], option: string, pattern: RegExp, expected: string): Set<string> {
  for (const value of values) {
    if (!pattern.test(value)) {
      throw new SentinelConfigError(option, `${JSON.stringify(value.slice(0, 80))} is not ${expected}`);
    }
  }
  return new Set(values);
}

function compileArn(pattern: string, option: string): CompiledArn {
  const fail = (why: string): never => {
    throw new SentinelConfigError(option, `${JSON.stringify(pattern.slice(0, 120))} ${why}`);
  };
  const problem = globProblem(pattern);
  if (problem) fail(problem);
  const parts = pattern.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    fail('is not an ARN (arn:partition:service:region:account:resource)');
  }
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!partition) fail('has an empty partition');
  if (!service) fail('has an empty service');
  if (!resource) fail('has an empty resource');
  if (region && !region.includes('*') && !REGION.test(region)) fail(`has a malformed region "${region}"`);
  if (account && !account.includes('*') && !ACCOUNT.test(account)) {
    fail(`has a malformed account "${account}" (expected 12 digits or *)`);
  }
  const literalAccount = account && !account.includes('*') ? account : undefined;
  return { glob: compileArnGlob(pattern), ...(literalAccount ? { literalAccount } : {}) };
}

function compileVerifySignature(value: unknown, kinds: string[], at: string): boolean {
  if (value === undefined || value === false) return false;
  if (value !== true)
    throw new SentinelConfigError(`${at}.verifySignature`, `expected true or false, got ${describe(value)}`);
  if (kinds.some((kind) => kind !== 'sns')) {
    throw new SentinelConfigError(
      `${at}.verifySignature`,
      'applies to kind "sns" only (only SNS signs its messages)',
    );
  }
  return true;
}

/** `tenants`: always a list (even of one), non-empty, of tenant ids the runtime could pass. */
function compileTenants(value: unknown, option: string): Set<string> {
  if (!Array.isArray(value)) {
    throw new SentinelConfigError(
      option,
      `expected a list of tenant ids like ['tenant-a'], got ${describe(value)}`,
    );
  }
  const tenants = listOf(value, option);
  tenants.forEach((tenant, i) => {
    if (validTenantId(tenant) === undefined) {
      throw new SentinelConfigError(
        `${option}[${i}]`,
        `${JSON.stringify(tenant.slice(0, 60))} is not a tenant id (1 to 256 characters, no control characters)`,
      );
    }
  });
  return new Set(tenants);
}

function compileRule(rule: unknown, index: number): CompiledRule {
  const at = `allow[${index}]`;
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    throw new SentinelConfigError(at, `expected a rule object, got ${describe(rule)}`);
  }
  const fields = rule as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!RULE_FIELDS.has(key)) {
      throw new SentinelConfigError(
        `${at}.${key}`,
        `unknown rule field; expected one of ${[...RULE_FIELDS].join(', ')}`,
      );
    }
  }
  if (fields.kind === undefined) throw new SentinelConfigError(`${at}.kind`, 'is required');
  const kinds = listOf(fields.kind, `${at}.kind`);
  for (const kind of kinds) {
    if (!isSourceKind(kind)) {
      throw new SentinelConfigError(
        `${at}.kind`,
        `${JSON.stringify(kind.slice(0, 60))} is not a source kind`,
      );
    }
  }
  const compiled: {
    -readonly [K in keyof CompiledRule]: CompiledRule[K];
  } = { index, kinds: new Set(kinds) };
  const field = (name: string): string[] | undefined =>
    fields[name] === undefined ? undefined : listOf(fields[name], `${at}.${name}`);

  if (compileVerifySignature(fields.verifySignature, kinds, at)) compiled.verifySignature = true;
  const arns = field('arn');
  if (arns) compiled.arns = arns.map((arn) => compileArn(arn, `${at}.arn`));
  const accounts = field('accountId');
  if (accounts) compiled.accountIds = checked(accounts, `${at}.accountId`, ACCOUNT, 'a 12-digit account id');
  const regions = field('region');
  if (regions) compiled.regions = checked(regions, `${at}.region`, REGION, 'a region like us-east-1');
  const apiIds = field('apiId');
  if (apiIds) compiled.apiIds = checked(apiIds, `${at}.apiId`, TOKEN, 'an API id');
  const stages = field('stage');
  if (stages) compiled.stages = checked(stages, `${at}.stage`, TOKEN, 'a stage name');
  const methods = field('method');
  if (methods) {
    checked(methods, `${at}.method`, METHOD, 'an HTTP method');
    compiled.methods = new Set(methods.map((m) => m.toUpperCase()));
  }
  const paths = field('path');
  if (paths) {
    compiled.paths = paths.map((path) => {
      const problem = globProblem(path);
      if (problem || !path.startsWith('/')) {
        throw new SentinelConfigError(
          `${at}.path`,
          `${JSON.stringify(path.slice(0, 80))} ${problem ?? 'must start with "/"'}`,
        );
      }
      return compilePathGlob(path);
    });
  }
  const userPoolIds = field('userPoolId');
  if (userPoolIds) {
    compiled.userPoolIds = checked(
      userPoolIds,
      `${at}.userPoolId`,
      USER_POOL,
      'a user pool id like us-east-1_AbC123',
    );
  }
  const logGroups = field('logGroup');
  if (logGroups) compiled.logGroups = checked(logGroups, `${at}.logGroup`, LOG_GROUP, 'a log group name');
  const distributionIds = field('distributionId');
  if (distributionIds) {
    compiled.distributionIds = checked(
      distributionIds,
      `${at}.distributionId`,
      DISTRIBUTION,
      'a CloudFront distribution id',
    );
  }
  const servers = field('bootstrapServers');
  if (servers) {
    checked(servers, `${at}.bootstrapServers`, HOST_PORT, 'a host:port bootstrap server');
    compiled.bootstrapServers = new Set(servers.map((server) => server.toLowerCase()));
  }
  const topics = field('topic');
  if (topics) compiled.topics = checked(topics, `${at}.topic`, TOPIC, 'a Kafka topic name');
  const resourceIds = field('resourceId');
  if (resourceIds) compiled.resourceIds = checked(resourceIds, `${at}.resourceId`, TOKEN, 'a resource id');
  if (fields.tenants !== undefined) compiled.tenants = compileTenants(fields.tenants, `${at}.tenants`);
  return compiled;
}

/** Validates and compiles `allow`; throws `SentinelConfigError` naming the bad option. */
export function compileRules(allow: unknown): CompiledRule[] {
  if (!Array.isArray(allow)) {
    throw new SentinelConfigError('allow', `expected a list of rules, got ${describe(allow)}`);
  }
  if (allow.length === 0) {
    throw new SentinelConfigError(
      'allow',
      'is empty, which would refuse every invocation; use mode: "observe" to learn your sources first',
    );
  }
  return allow.map(compileRule);
}
