import type { Metrics } from '@aws-lambda-powertools/metrics';
import { SentinelConfigError } from '@lambda-sentinel/core';
import {
  createLogger,
  type RedactingLogger,
  type RedactOptions,
  redactedLogging,
} from '@lambda-sentinel/logger';
import { type Budgets, createMetrics, emfMetrics } from '@lambda-sentinel/metrics';
import { createRedactor } from '@lambda-sentinel/redact';
// Types only (erased): the guard's code reaches a bundle only through `guard: runtimeGuard(...)`
// or the `@lambda-sentinel/preset/guard` entry point, never because the preset was imported.
import type { RuntimeGuardMiddleware, RuntimeGuardOptions } from '@lambda-sentinel/runtime-guard';
import {
  captureMysql,
  type PowertoolsTracerLike,
  sdkCapture,
  type TracingChoice,
} from '@lambda-sentinel/sdk-capture';
import { type AllowRule, type SnsSignatureOptions, sourceAllowlist } from '@lambda-sentinel/source-allowlist';
import { traceAnnotations } from '@lambda-sentinel/trace-annotations';
import type { MiddlewareObj } from '@middy/core';

type MysqlTarget = object;

/** Options of {@link sentinel}: `allow` is the only one most functions need; the rest have safe defaults. */
export interface SentinelOptions {
  /** Service name for logs, metrics and annotations; default `POWERTOOLS_SERVICE_NAME`, then the function name. */
  serviceName?: string;
  /** Who may invoke the function. Required unless `mode: 'observe'`. */
  allow?: readonly AllowRule[];
  /** `enforce` (default) refuses other sources; `observe` logs each distinct source once and refuses nothing. */
  mode?: 'enforce' | 'observe';
  /**
   * How `allow` rules with `verifySignature: true` check SNS signatures (certificate fetch, maximum
   * message age, certificate cache size); passed to `sourceAllowlist` as is. Defaults apply without it.
   */
  snsSignature?: SnsSignatureOptions;
  /** Log the (redacted) event at the start of each invocation. */
  logEvent?: boolean;
  /** Log the (redacted) response. */
  logResponse?: boolean;
  /**
   * Redaction rules (keys, paths, PII) for the logger `sentinel()` creates and for what the trace
   * records. With your own `logger`, give it the same rules (`createLogger({ redact })`): a
   * logger's rules are fixed when it is created.
   */
  redact?: RedactOptions;
  /**
   * Redact what the handler writes itself (`console.*`, `process.stdout/stderr.write`) during an
   * invocation, with the same rules. Default true; `false` leaves that output as it is.
   */
  redactConsole?: boolean;
  /** Per-invocation budgets; exceeding one records a `budget_exceeded` security event. */
  budgets?: Budgets;
  /**
   * Publish `CpuTime`, `EventLoopDelayMax` and `MemoryUsed` per invocation (`emfMetrics`'
   * `resources`). Default true. They cost three system calls per invocation (two thread-CPU
   * readings and one `getrusage`, about 2–5 µs each on Lambda-like virtual machines); `false` saves
   * them, and then only a `durationMs` budget can be set.
   */
  resourceMetrics?: boolean;
  /**
   * Tenant isolation mode: also publish each invocation's metrics by `tenant_id` (a second
   * dimension set beside the usual one; `emfMetrics`' `tenantDimension`). Each tenant adds its
   * own CloudWatch metrics, billed per metric: use it for a bounded number of tenants. Default
   * false. Logs and annotations carry the tenant id either way.
   */
  tenantDimension?: boolean;
  /**
   * Ownership tags (`owner`, `environment`, `lifecycle`, `expires`...); `SENTINEL_TAGS` supplies the
   * rest. After the `expires` date (ISO 8601) each cold start records one `function_expired` event.
   */
  tags?: Record<string, string>;
  /**
   * Where traces go: `'xray'` (the X-Ray SDK, through its public API),
   * `'otel'` (OpenTelemetry, to the X-Ray daemon, a collector or X-Ray's OTLP
   * endpoint — see `SENTINEL_OTEL_EXPORTER`), your own `TraceBackend` (e.g.
   * `otelBackend({...})` from `@lambda-sentinel/sdk-capture/otel`), or
   * `false` for none. Default: `SENTINEL_TRACING`, then `'xray'`. The X-Ray
   * SDK reaches end of support on 2027-02-25: `'otel'` is the way forward.
   */
  tracing?: TracingChoice;
  /** AWS SDK v3 clients to trace. */
  clients?: readonly unknown[];
  /** mysql2 pools or connections to trace. */
  mysql?: MysqlTarget | readonly MysqlTarget[];
  /** Your own instances, so handler code logs and measures through the same ones. */
  logger?: RedactingLogger;
  /**
   * Your Powertools `Tracer` (with `tracing: 'xray'`): its current segment is
   * the handler span while an invocation runs, so `tracer.putAnnotation()`
   * in handler code lands there. Build it with `captureHTTPsRequests: false`.
   */
  tracer?: PowertoolsTracerLike;
  /** Your Powertools `Metrics` (ideally `createMetrics()`), so handler code's metrics share its documents. */
  metrics?: Metrics;
  /**
   * Opt-in runtime guard: a guard built with `runtimeGuard()` from
   * `@lambda-sentinel/runtime-guard` (watch child processes, file reads and
   * writes, and outbound connections, and block or alert on what its policy
   * does not allow), placed between the annotations and the allowlist. Each
   * violation is a `guard_violation` security event (a WARN line, a
   * `SecurityEvents` metric, a `security_event` annotation). Build it at
   * module scope — its hooks go in when it is built, so the rest of init is
   * watched too. If `sentinel()` then throws, it releases the guard it was given.
   *
   * `true` (every policy blocks, default lists) and plain `runtimeGuard()`
   * options are accepted by `sentinel` from `@lambda-sentinel/preset/guard`;
   * this entry point does not import the guard, so a function without one
   * does not bundle it. Absent or `false`: no guard, nothing installed.
   */
  guard?: RuntimeGuardMiddleware | false;
}

/** Builds the guard for `guard: true | options` (the `/guard` entry point passes `runtimeGuard`). */
export type GuardFactory = (options: RuntimeGuardOptions) => RuntimeGuardMiddleware;

const KNOWN = new Set([
  'serviceName',
  'allow',
  'mode',
  'snsSignature',
  'logEvent',
  'logResponse',
  'redact',
  'redactConsole',
  'budgets',
  'resourceMetrics',
  'tenantDimension',
  'tags',
  'tracing',
  'clients',
  'mysql',
  'logger',
  'tracer',
  'metrics',
  'guard',
]);

/**
 * Every Lambda Sentinel middleware, outside in, in the order the design
 * needs: the logger outermost (it sees every error and every security event),
 * metrics next (published in after and onError), then the handler
 * subsegment, its annotations, the runtime guard when asked for (its events
 * reach all of the above; its policy is bound before the allowlist and the
 * handler run), and the allowlist just outside the handler.
 *
 * ```ts
 * export const handler = middy(fn).use(sentinel({ serviceName: 'orders', allow: [{ kind: 'sqs', arn: queueArn }] }));
 * ```
 */
export function sentinel(options: SentinelOptions): MiddlewareObj[] {
  return buildSentinel(options);
}

/**
 * `sentinel()` with `guard` as given: a built guard, or — when `createGuard`
 * is supplied — `true` or `runtimeGuard()` options. Shared by both entry points.
 */
export function buildSentinel(
  options: Omit<SentinelOptions, 'guard'> & { guard?: unknown },
  createGuard?: GuardFactory,
): MiddlewareObj[] {
  const given = options !== null && typeof options === 'object' ? options.guard : undefined;
  try {
    return assemble(options, createGuard);
  } catch (error) {
    // Its hooks went in when it was built: a rejected sentinel() must not leave it governing init.
    if (isGuardMiddleware(given)) given.release();
    throw error;
  }
}

function assemble(options: Omit<SentinelOptions, 'guard'> & { guard?: unknown }, createGuard?: GuardFactory) {
  if (options === null || typeof options !== 'object') {
    throw new SentinelConfigError('options', 'expected an object like { serviceName, allow: [...] }');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new SentinelConfigError(key, 'unknown option of sentinel()');
  }
  const mode = options.mode ?? 'enforce';
  if (mode === 'enforce' && options.allow === undefined) {
    throw new SentinelConfigError(
      'allow',
      "is required: list the sources that may invoke this function, or start with mode: 'observe' to learn them",
    );
  }
  const { serviceName, tags } = options;
  const logger =
    options.logger ??
    createLogger({
      ...(serviceName ? { serviceName } : {}),
      ...(options.redact ? { redact: options.redact } : {}),
    });
  const metrics =
    options.metrics ??
    createMetrics({
      ...(serviceName ? { serviceName } : {}),
      ...(tags ? { tags } : {}),
      ...(options.redact ? { redact: options.redact } : {}),
    });
  const redactor = createRedactor(options.redact);

  const middlewares: MiddlewareObj[] = [
    redactedLogging({
      logger,
      ...(options.logEvent !== undefined ? { logEvent: options.logEvent } : {}),
      ...(options.logResponse !== undefined ? { logResponse: options.logResponse } : {}),
      redactConsole: options.redactConsole ?? true,
      ...(serviceName ? { serviceName } : {}),
      ...(tags ? { tags } : {}),
    }),
    renamingOption('resources', 'resourceMetrics', () =>
      emfMetrics({
        metrics,
        ...(options.budgets ? { budgets: options.budgets } : {}),
        ...(options.resourceMetrics !== undefined ? { resources: options.resourceMetrics } : {}),
        ...(options.tenantDimension !== undefined ? { tenantDimension: options.tenantDimension } : {}),
      }),
    ),
    renamingOption('backend', 'tracing', () =>
      sdkCapture({
        ...(options.tracing !== undefined ? { backend: options.tracing } : {}),
        ...(options.tracer ? { tracer: options.tracer } : {}),
        ...(options.clients ? { clients: options.clients } : {}),
        redact: redactor,
      }),
    ),
    traceAnnotations({
      ...(serviceName ? { serviceName } : {}),
      ...(tags ? { tags } : {}),
      redact: redactor,
    }),
  ];
  if (options.mysql) {
    const targets = (Array.isArray(options.mysql) ? options.mysql : [options.mysql]) as MysqlTarget[];
    for (const target of targets) captureMysql(target);
  }
  const allowlist = sourceAllowlist({
    mode,
    ...(options.allow ? { allow: options.allow } : {}),
    ...(options.snsSignature ? { snsSignature: options.snsSignature } : {}),
    logger,
  });
  // Last, once every other option has been accepted: a sentinel() call that
  // throws must not leave process-wide hooks and a registered policy behind.
  const guard = guardFor(options.guard, createGuard, options.clients);
  if (guard) middlewares.push(guard);
  middlewares.push(allowlist);
  return middlewares;
}

/** Runs `create`, reporting a config error about its option `from` as one about sentinel()'s `to`. */
function renamingOption<T>(from: string, to: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (!(error instanceof SentinelConfigError) || error.option !== from) throw error;
    throw new SentinelConfigError(to, error.message.replace(`${from}: `, ''));
  }
}

function isGuardMiddleware(value: unknown): value is RuntimeGuardMiddleware {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RuntimeGuardMiddleware).release === 'function' &&
    typeof (value as RuntimeGuardMiddleware).before === 'function'
  );
}

/**
 * The guard for the `guard` option, or undefined; its config errors name `guard.<option>`. A guard
 * built here allows the endpoints of the function's `clients` unless its options name their own.
 */
function guardFor(
  option: unknown,
  createGuard: GuardFactory | undefined,
  clients: readonly unknown[] | undefined,
): MiddlewareObj | undefined {
  if (option === undefined || option === false) return undefined;
  if (isGuardMiddleware(option)) return option;
  if (option !== true && (option === null || typeof option !== 'object' || Array.isArray(option))) {
    throw new SentinelConfigError(
      'guard',
      `expected runtimeGuard({...}) from @lambda-sentinel/runtime-guard, or (from @lambda-sentinel/preset/guard) true or runtimeGuard() options like { mode: 'block', outbound: { allowHosts: [...] } }; got ${JSON.stringify(option)}`,
    );
  }
  if (!createGuard) {
    throw new SentinelConfigError(
      'guard',
      `${option === true ? 'true needs' : 'runtimeGuard() options need'} the guard entry point: import { sentinel } from '@lambda-sentinel/preset/guard', or pass guard: runtimeGuard(${option === true ? "{ mode: 'block' }" : '{...}'}) from '@lambda-sentinel/runtime-guard'`,
    );
  }
  try {
    const guardOptions: RuntimeGuardOptions =
      option === true ? { mode: 'block' } : (option as RuntimeGuardOptions);
    return createGuard(
      clients && guardOptions.clients === undefined ? { ...guardOptions, clients } : guardOptions,
    );
  } catch (error) {
    if (!(error instanceof SentinelConfigError)) throw error;
    const message = error.message.startsWith(`${error.option}: `)
      ? error.message.slice(error.option.length + 2)
      : error.message;
    throw new SentinelConfigError(`guard.${error.option}`, message);
  }
}
