import {
  claimInvocationEnd,
  type FunctionIdentity,
  finishIfSuspended,
  finishWhenInvocationEnds,
  functionIdentity,
  type InvocationState,
  invocationState,
  ownOutput,
  reportExpiry,
  type SecurityEvent,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import { createRedactor } from '@lambda-sentinel/redact';
import type { MiddlewareObj, Request } from '@middy/core';
import { consoleRedaction } from './console-redaction.ts';
import { deployedInventory, inventoryHash, inventoryList } from './inventory.ts';
import { RedactingLogger } from './logger.ts';

/**
 * The `request.internal` key where Powertools middlewares that return early
 * (idempotency) look for the logger's clean-up function. Same string as
 * `LOGGER_KEY` in `@aws-lambda-powertools/commons`, not a dependency of ours.
 */
const POWERTOOLS_LOGGER_KEY = 'powertools-for-aws.logger';

/** Options of {@link redactedLogging}: `logger` is required. */
export interface RedactedLoggingOptions {
  /** A logger from `createLogger()` (a plain Powertools Logger would print secrets). */
  logger: RedactingLogger;
  /** Log the redacted event. Default: Powertools' `POWERTOOLS_LOGGER_LOG_EVENT`, else false. */
  logEvent?: boolean;
  /** Log the redacted response after a successful invocation. Default false. */
  logResponse?: boolean;
  /** JMESPath to a correlation id in the event; needs the logger's `correlationIdSearchFn`. */
  correlationIdPath?: string;
  /** Remove temporary keys (`appendKeys`) at the end of each invocation. */
  resetKeys?: boolean;
  /** @deprecated Powertools' older name for `resetKeys`. */
  clearState?: boolean;
  /** On an unhandled error, print the buffered logs before the error line (else they are dropped). */
  flushBufferOnUncaughtError?: boolean;
  /**
   * Redact what the handler writes itself during an invocation: `console.log/info/warn/error/
   * debug/trace/dir` and direct `process.stdout.write` / `process.stderr.write`, with the
   * logger's rules (no length limit). The logger's own lines are not processed twice. Default
   * false here; `sentinel()` turns it on.
   */
  redactConsole?: boolean;
  /** Service name for the `dependency_inventory` line; default `POWERTOOLS_SERVICE_NAME`, then the function name. */
  serviceName?: string;
  /**
   * Ownership tags (`owner`, `environment`, `lifecycle`, `expires`, ...); they override
   * `SENTINEL_TAGS`. `expires` becomes a field of every line, and an invocation after that date
   * records a `function_expired` security event (one WARN line), once per cold start.
   */
  tags?: Record<string, string>;
}

/** The `message` of the redacted event line (`logEvent`). */
export const EVENT_MESSAGE = 'Lambda invocation event';
/** The `message` of the redacted response line (`logResponse`). */
export const RESPONSE_MESSAGE = 'Lambda invocation response';
/** The `message` of the ERROR line for an unhandled error. */
export const ERROR_MESSAGE = 'Lambda invocation failed';
/** The `message` of the line that counts an invocation's redactions by family (never the values). */
export const REDACTION_SUMMARY_MESSAGE = 'Secrets and personal data were redacted from this invocation';
/** The `message` of the cold-start line listing the packages the function was deployed with. */
export const INVENTORY_MESSAGE = 'dependency_inventory';

/**
 * Middy middleware: Powertools' `injectLambdaContext` behaviour (context keys,
 * cold start, correlation id, sampling, buffer flush on error, key reset) on a
 * redacting logger, plus the redacted event/response, the unhandled error,
 * one WARN line per security event and a redaction summary. On a cold start
 * it writes one `dependency_inventory` line when the deployment carries an
 * inventory (`@lambda-sentinel/audit`). Place it outermost so its
 * after/onError see what every inner layer recorded.
 */
export function redactedLogging(options: RedactedLoggingOptions): MiddlewareObj {
  const {
    logger,
    logEvent,
    logResponse = false,
    correlationIdPath,
    flushBufferOnUncaughtError = false,
  } = validateOptions(options);
  const resetKeys = options.resetKeys === true || options.clearState === true;
  // Rule 5: malformed tags (SENTINEL_TAGS, an `expires` that is no date) fail here, not per call.
  const identityOptions = {
    ...(options.serviceName !== undefined ? { serviceName: options.serviceName } : {}),
    ...(options.tags !== undefined ? { tags: options.tags } : {}),
  };
  const identity = functionIdentity(undefined, process.env, identityOptions);
  if (identity.expires) logger.appendPersistentKeys({ expires: identity.expires });
  // Same rules as the logger, but console output is never cut to maxStringLength.
  const consoleHook =
    options.redactConsole === true
      ? consoleRedaction(
          createRedactor({ ...logger.redactOptions, maxStringLength: Number.POSITIVE_INFINITY }),
        )
      : undefined;
  // Keyed by invocation state, so concurrent invocations never share it; a
  // WeakSet lets finished invocations be collected.
  const reported = new WeakSet<InvocationState>();
  let failureReported = false;

  // Rule 1: the logger is instrumentation; if it throws, the handler's result
  // or error must pass through untouched. Report the first failure once.
  const safely = (step: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (failureReported) return;
      failureReported = true;
      reportFailure(step, error);
    }
  };

  const cleanUp = (): void => {
    if (resetKeys) logger.resetKeys();
  };

  const before = (request: Request): void => {
    safely('before', () => {
      invocationState(request);
      // Durable functions: an invocation that suspends runs no after/onError.
      finishIfSuspended(request, finishSuspended);
      consoleHook?.enter(request);
      // Lets Powertools middlewares that return early (idempotency, ...) reset our keys.
      if (resetKeys) request.internal = { ...request.internal, [POWERTOOLS_LOGGER_KEY]: cleanUp };
    });
    safely('sampling', () => logger.refreshSampleRateCalculation());
    safely('context', () => logger.addContext(request.context));
    safely('expiry', () => {
      reportExpiry(identity, request);
    });
    safely('inventory', () => {
      if (invocationState(request).coldStart) logInventory(logger, request, identityOptions);
    });
    if (correlationIdPath !== undefined) {
      safely('correlationId', () => logger.setCorrelationId(request.event, correlationIdPath));
    }
    safely('logEvent', () => {
      if (logger.shouldLogEvent(logEvent)) logger.info(EVENT_MESSAGE, { event: request.event });
    });
  };

  // `suspended`: a durable invocation that ended suspended; it has no response to log.
  const finish = (request: Request, error: unknown, suspended = false): void => {
    let state: InvocationState | undefined;
    safely('state', () => {
      state = invocationState(request);
    });
    if (state && reported.has(state)) return;
    if (state) reported.add(state);

    if (error === undefined) {
      if (logResponse && !suspended) {
        safely('logResponse', () =>
          logger.logUnbuffered('INFO', RESPONSE_MESSAGE, { response: request.response }),
        );
      }
    } else {
      safely('flushBuffer', () => {
        if (flushBufferOnUncaughtError) logger.flushBuffer();
        else logger.clearBuffer();
      });
      // A refusal by the allowlist (the only writer of `source_rejected`, and only when it throws)
      // is no function error: its WARN security-event line below says what happened, and an ERROR
      // line would set off error alarms for every caller it keeps out.
      const refused = state?.securityEvents.some((event) => event.type === 'source_rejected') ?? false;
      if (!refused) safely('logError', () => logger.logUnbuffered('ERROR', ERROR_MESSAGE, { error }));
    }
    if (state) {
      for (const event of state.securityEvents) {
        safely('securityEvent', () => logger.logUnbuffered('WARN', securityEventLine(event)));
      }
      // Last, so it counts what the lines above redacted too.
      const summary = redactionSummary(state);
      if (summary) safely('redactions', () => logger.logUnbuffered('INFO', summary));
    }
    safely('cleanUp', () => {
      logger.clearBuffer();
      cleanUp();
    });
    if (consoleHook) safely('redactConsole', () => consoleHook.exit(request));
  };

  // Durable functions: the end-of-invocation lines of an invocation that suspended.
  const finishSuspended = (request: unknown): void => finish(request as Request, undefined, true);

  return {
    name: 'redactedLogging',
    before,
    // Response streaming: a streamed body is still being sent; its end finishes the invocation.
    after: (request: Request): void => {
      finishWhenInvocationEnds(request, finishSuspended, (error) => finish(request, error));
    },
    // No return value: every outer onError must still run (rule 3).
    onError: (request: Request): void => {
      if (claimInvocationEnd(request, finishSuspended))
        finish(request, request.error ?? new Error('Unknown error'));
    },
  };
}

/** The cold-start line: what the function runs, and which function it is (for Logs Insights). */
function logInventory(
  logger: RedactingLogger,
  request: Request,
  identityOptions: { serviceName?: string; tags?: Record<string, string> },
): void {
  const inventory = deployedInventory();
  if (!inventory) return;
  const me: FunctionIdentity = functionIdentity(request.context, process.env, identityOptions);
  const packages = inventoryList(inventory);
  logger.logUnbuffered('INFO', {
    message: INVENTORY_MESSAGE,
    dependency_inventory: {
      hash: inventoryHash(packages),
      count: packages.length,
      source: inventory.source,
      packages,
    },
    function: {
      service: me.service,
      name: me.functionName,
      version: me.functionVersion,
      region: me.region,
      account_id: me.accountId,
      owner: me.owner,
      environment: me.environment,
      lifecycle: me.lifecycle,
      expires: me.expires,
    },
  });
}

function securityEventLine(event: SecurityEvent) {
  return {
    message: event.message,
    security_event: {
      type: event.type,
      severity: event.severity,
      ...(event.recordedBy ? { recorded_by: event.recordedBy } : {}),
      ...(event.duringInit ? { during_init: true } : {}),
      time: new Date(event.time).toISOString(),
      detail: event.detail,
    },
  };
}

function redactionSummary(state: InvocationState) {
  let total = 0;
  const families: string[] = [];
  for (const [family, count] of Object.entries(state.redactions)) {
    if (count > 0) {
      total += count;
      families.push(family);
    }
  }
  if (total === 0) return undefined;
  // Family names as a list, not as keys: a key such as `private-key` would
  // itself match the redactor's key rules and censor its own count.
  return {
    message: REDACTION_SUMMARY_MESSAGE,
    sentinel: { redactions: total, redaction_families: families },
  };
}

function reportFailure(step: string, error: unknown): void {
  // Never the error's message: it may hold the very data we failed to redact.
  const name = error instanceof Error ? error.name : typeof error;
  try {
    ownOutput(() =>
      process.stderr.write(
        `${JSON.stringify({
          level: 'WARN',
          message: 'lambda-sentinel redactedLogging failed; the handler is unaffected',
          step,
          error_name: name,
        })}\n`,
      ),
    );
  } catch {
    // Nothing left to report to.
  }
}

function validateOptions(options: RedactedLoggingOptions): RedactedLoggingOptions {
  if (options === null || typeof options !== 'object') {
    throw new SentinelConfigError('options', 'redactedLogging expects an options object with a logger');
  }
  if (!(options.logger instanceof RedactingLogger)) {
    throw new SentinelConfigError(
      'logger',
      'must be a logger from createLogger() (a plain Powertools Logger does not redact)',
    );
  }
  for (const flag of [
    'logEvent',
    'logResponse',
    'resetKeys',
    'clearState',
    'flushBufferOnUncaughtError',
    'redactConsole',
  ] as const) {
    const value = options[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new SentinelConfigError(flag, `must be a boolean; got ${typeof value}`);
    }
  }
  const { correlationIdPath } = options;
  if (
    correlationIdPath !== undefined &&
    (typeof correlationIdPath !== 'string' || correlationIdPath === '')
  ) {
    throw new SentinelConfigError('correlationIdPath', 'must be a non-empty JMESPath string');
  }
  return options;
}
