import { SentinelConfigError } from './errors.ts';
import { expiryTime } from './expiry.ts';

/** The parts of a Lambda context `functionIdentity` reads. */
export interface IdentityContext {
  /** `context.functionName`; falls back to `AWS_LAMBDA_FUNCTION_NAME`. */
  functionName?: string;
  /** `context.functionVersion`; falls back to `AWS_LAMBDA_FUNCTION_VERSION`. */
  functionVersion?: string;
  /** `context.invokedFunctionArn`: where the region and the function's own account id come from. */
  invokedFunctionArn?: string;
  /** `context.memoryLimitInMB`, as the runtime gives it (a string) or a number. */
  memoryLimitInMB?: string | number;
}

/** Options of {@link functionIdentity}: what the code says, which wins over the environment. */
export interface IdentityOptions {
  /** Service name; falls back to `POWERTOOLS_SERVICE_NAME`, then the function name. */
  serviceName?: string;
  /** Ownership tags (`owner`, `environment`, `lifecycle`, `expires`, ...); they override `SENTINEL_TAGS`. */
  tags?: Record<string, string>;
}

/** What a function is and who owns it: the seed material's "every function carries owner, environment, lifecycle". */
export interface FunctionIdentity {
  /** The service name: the `serviceName` option, else `POWERTOOLS_SERVICE_NAME`, else the function name. */
  service: string;
  /** The Lambda function name. */
  functionName?: string;
  /** The version that ran (`$LATEST` or a number). */
  functionVersion?: string;
  /** The region, from the invoked ARN or `AWS_REGION`. */
  region?: string;
  /** The function's own account id, from the invoked ARN (absent without a context). */
  accountId?: string;
  /** The `owner` tag: the team to call about this function. */
  owner?: string;
  /** The `environment` tag (`prod`, `staging`, ...). */
  environment?: string;
  /** The `lifecycle` tag (`production`, `experimental`, `deprecated`, ...). */
  lifecycle?: string;
  /**
   * The `expires` tag: the date (ISO 8601, `2026-03-31`, the function may run through that UTC
   * day) or date-time with a zone after which the function should be gone.
   */
  expires?: string;
  /** Every tag, the three above included. */
  tags: Readonly<Record<string, string>>;
}

/** Environment variables, as `process.env` holds them. */
type Env = Record<string, string | undefined>;

// AWS tag rules: keys up to 128 characters, values up to 256, from this character set.
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

function checkTag(variable: string, key: string, value: unknown): string {
  if (!TAG_KEY.test(key)) {
    throw new SentinelConfigError(
      variable,
      `tag key ${JSON.stringify(key.slice(0, 40))} is not a valid AWS tag key`,
    );
  }
  if (typeof value !== 'string' || !TAG_VALUE.test(value)) {
    throw new SentinelConfigError(
      variable,
      `tag ${JSON.stringify(key)} must have a string value of at most 256 tag characters`,
    );
  }
  return value;
}

/**
 * Parses `SENTINEL_TAGS`: `key=value,key=value` or a JSON object of strings.
 * Throws a `SentinelConfigError` naming the variable when it is malformed.
 */
export function parseTags(raw: string | undefined, variable = 'SENTINEL_TAGS'): Record<string, string> {
  const tags: Record<string, string> = Object.create(null);
  const text = raw?.trim();
  if (!text) return tags;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new SentinelConfigError(
        variable,
        'looks like JSON but does not parse; expected {"owner":"team",...}',
      );
    }
    // Text that starts with `{` parses to an object or not at all.
    for (const [key, value] of Object.entries(parsed as object)) tags[key] = checkTag(variable, key, value);
    return tags;
  }
  for (const pair of text.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new SentinelConfigError(
        variable,
        `expected key=value pairs separated by commas, got ${JSON.stringify(pair.trim().slice(0, 40))}`,
      );
    }
    const key = pair.slice(0, eq).trim();
    tags[key] = checkTag(variable, key, pair.slice(eq + 1).trim());
  }
  return tags;
}

/** `arn:aws:lambda:region:account:function:name[:qualifier]` → region and account. */
function arnParts(arn: string | undefined): { region?: string; accountId?: string } {
  if (typeof arn !== 'string') return {};
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return {};
  return { region: parts[3] || undefined, accountId: parts[4] || undefined };
}

/**
 * Who this function is: service, name, version, region and account, and its
 * ownership tags (options first, then `SENTINEL_TAGS`). Call it once at
 * construction to validate `SENTINEL_TAGS`; call it with the context per
 * invocation for the ARN-derived fields.
 */
export function functionIdentity(
  context?: IdentityContext,
  env: Env = process.env,
  options: IdentityOptions = {},
): FunctionIdentity {
  const tags = { ...parseTags(env.SENTINEL_TAGS) };
  if (options.tags !== undefined) {
    if (options.tags === null || typeof options.tags !== 'object') {
      throw new SentinelConfigError('tags', 'expected an object of string values');
    }
    for (const [key, value] of Object.entries(options.tags)) tags[key] = checkTag('tags', key, value);
  }
  if (
    options.serviceName !== undefined &&
    (typeof options.serviceName !== 'string' || !options.serviceName)
  ) {
    throw new SentinelConfigError('serviceName', 'expected a non-empty string');
  }
  const functionName = context?.functionName || env.AWS_LAMBDA_FUNCTION_NAME || undefined;
  const fromArn = arnParts(context?.invokedFunctionArn);
  const identity: FunctionIdentity = {
    service: options.serviceName || env.POWERTOOLS_SERVICE_NAME || functionName || 'service_undefined',
    tags: Object.freeze({ ...tags }),
  };
  const functionVersion = context?.functionVersion || env.AWS_LAMBDA_FUNCTION_VERSION;
  const region = fromArn.region || env.AWS_REGION;
  if (functionName) identity.functionName = functionName;
  if (functionVersion) identity.functionVersion = functionVersion;
  if (region) identity.region = region;
  if (fromArn.accountId) identity.accountId = fromArn.accountId;
  if (tags.owner) identity.owner = tags.owner;
  if (tags.environment) identity.environment = tags.environment;
  if (tags.lifecycle) identity.lifecycle = tags.lifecycle;
  if (tags.expires) {
    if (expiryTime(tags.expires) === undefined) {
      throw new SentinelConfigError(
        options.tags?.expires !== undefined ? 'tags.expires' : 'SENTINEL_TAGS',
        `tag "expires" must be an ISO 8601 date (2026-03-31) or a date-time with a zone (2026-03-31T18:00:00Z); got ${JSON.stringify(tags.expires.slice(0, 40))}`,
      );
    }
    identity.expires = tags.expires;
  }
  return identity;
}

/** The account id of the function itself, from `context.invokedFunctionArn`. */
export function ownAccountId(context?: IdentityContext): string | undefined {
  return arnParts(context?.invokedFunctionArn).accountId;
}
