/** How serious a finding is, in SARIF's words: `error` fails a build by default, `note` never does. */
export type Level = 'error' | 'warning' | 'note';

/** One rule of `sentinel-audit`: what it checks and why that matters. */
export interface Rule {
  /** Stable id, used in reports, SARIF and `--ignore`. */
  id: string;
  /** The level of its findings (a finding may be raised to `error`, e.g. a malformed tag that breaks init). */
  level: Level;
  /** One line: what is wrong. */
  title: string;
  /** Why it matters, in a few sentences. */
  why: string;
  /** The GitHub code-scanning score (0-10) of its findings. */
  securitySeverity: number;
}

/** Where each rule is explained (its anchor is the rule id). */
export const RULES_DOC_URL =
  'https://github.com/lambda-sentinel/lambda-sentinel/blob/main/docs/guide/fleet-hygiene.md';

/** Every rule, in the order reports list them. */
export const RULES: readonly Rule[] = [
  {
    id: 'tracing-off',
    level: 'warning',
    title: 'Active tracing is off',
    why: 'X-Ray traces show what a function calls at run time: the baseline that makes a compromised function calling somewhere new stand out, and the record an incident review reads. Without `Tracing: Active` (SAM) or `TracingConfig: { Mode: Active }` the function only joins traces started upstream, and Sentinel’s annotations have no trace to go on.',
    securitySeverity: 4.0,
  },
  {
    id: 'ownership-tags',
    level: 'warning',
    title: 'The function is not tagged with owner, environment and lifecycle',
    why: 'A function nobody owns is never fixed and never removed. Resource tags make ownership and purpose queryable across accounts (Resource Groups, AWS Config, Cost Explorer), so every function can be traced to a team and a stage of life.',
    securitySeverity: 3.0,
  },
  {
    id: 'sentinel-tags',
    level: 'warning',
    title: 'SENTINEL_TAGS is missing, malformed, or disagrees with the resource tags',
    why: 'At run time the function knows who owns it only through SENTINEL_TAGS: it puts owner, environment, lifecycle and expires on every trace, log line and metric. Malformed, it stops the function at init (Sentinel refuses bad configuration); out of step with the resource tags, logs and inventories point at the wrong team.',
    securitySeverity: 3.0,
  },
  {
    id: 'experimental-without-expiry',
    level: 'warning',
    title: 'An experimental function has no expires date',
    why: 'Experiments outlive their purpose and keep their permissions. An `expires` tag decides the end up front: after it, each cold start records a `function_expired` security event, and the audit fails the build.',
    securitySeverity: 3.0,
  },
  {
    id: 'function-expired',
    level: 'error',
    title: 'The function is past its expires date (or the date is invalid)',
    why: 'The owner said this function would be gone by now. A function nobody meant to keep is attack surface nobody watches: remove it, or renew the date on purpose. An `expires` that is no ISO date stops the function at init.',
    securitySeverity: 5.0,
  },
  {
    id: 'confused-deputy',
    level: 'error',
    title: 'A service may invoke the function on behalf of any account',
    why: 'A resource-based permission for a service principal (s3.amazonaws.com, sns.amazonaws.com, ...) without `SourceArn` or `SourceAccount` lets any resource of that service, in any account, invoke the function: the confused-deputy problem AWS’s Lambda guide warns about. A `Principal: "*"` lets anyone. Scope every permission to the resource or account that needs it.',
    securitySeverity: 8.0,
  },
  {
    id: 'iam-wildcard-action',
    level: 'error',
    title: 'The role allows every action (of a service or of all of AWS)',
    why: 'A function’s role is what an attacker gets with code execution in it. `Action: "*"`, `s3:*`, `NotAction` with `Allow`, or a managed policy like AdministratorAccess or *FullAccess grants far more than the function calls. List the actions it uses; `sentinel({ guard })` and the traces show which.',
    securitySeverity: 7.5,
  },
  {
    id: 'iam-wildcard-resource',
    level: 'warning',
    title: 'The role allows actions on every resource',
    why: '`Resource: "*"` (or `NotResource` with `Allow`) reaches every table, bucket and secret in the account, not the few the function uses. Scope it to their ARNs. Actions that only accept `*` (X-Ray segments, CloudWatch PutMetricData, the ENI actions of VPC functions) are not reported.',
    securitySeverity: 5.0,
  },
  {
    id: 'no-reserved-concurrency',
    level: 'warning',
    title: 'No reserved concurrency',
    why: 'Without `ReservedConcurrentExecutions` a flood of invocations (a loop, a replayed queue, a denial of wallet) can take the whole account’s concurrency and starve every other function, and the bill has no ceiling. Reserve what the function needs.',
    securitySeverity: 3.0,
  },
  {
    id: 'no-timeout',
    level: 'warning',
    title: 'No explicit timeout',
    why: 'The timeout bounds how long a hijacked or stuck invocation runs and bills. Left implicit (3 seconds), it gets raised to the maximum the first time something is slow; set it, in Globals or on the function, to what the work needs.',
    securitySeverity: 2.0,
  },
  {
    id: 'no-log-retention',
    level: 'warning',
    title: 'Logs are kept forever',
    why: 'Lambda creates `/aws/lambda/<name>` with no expiry unless the template declares the log group with `RetentionInDays`. Logs kept forever are a growing store of whatever reached them (and a cost); a retention period matching your incident-response window keeps what investigations need.',
    securitySeverity: 3.0,
  },
  {
    id: 'no-sentinel-middleware',
    level: 'warning',
    title: 'The handler uses no Lambda Sentinel middleware',
    why: 'The handler (its bundle entry, followed through local imports) imports none of the Sentinel middleware packages, so its invocations are not traced, annotated, measured or checked against an allowlist, and its logs are not redacted. Checked only where the template names a source file (CodeUri + Handler, or SAM’s esbuild EntryPoints) or holds the code inline.',
    securitySeverity: 4.0,
  },
];

/** The rule with this id. */
export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
