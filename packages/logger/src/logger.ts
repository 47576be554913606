import { LogFormatter, Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogItemExtraInput,
  LogItemMessage,
} from '@aws-lambda-powertools/logger/types';
import { isReplaying, ownOutput, SentinelConfigError } from '@lambda-sentinel/core';
import { createRedactor, type Redactor, type RedactorOptions } from '@lambda-sentinel/redact';
import { RedactingLogFormatter } from './formatter.ts';

/** The redactor's options (`keys`, `allowKeys`, `paths`, `detectors`, `pii`, limits...). */
export type RedactOptions = RedactorOptions;

/** Everything Powertools' `Logger` constructor takes, plus the redactor's options. */
export type LoggerOptions = ConstructorOptions & {
  /** Options for `createRedactor()` from `@lambda-sentinel/redact`. */
  redact?: RedactOptions;
};

/** A Powertools log level name: `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `CRITICAL`, `SILENT` (any case). */
export type LogLevelName = keyof typeof LogLevelThreshold;

/**
 * A Powertools `Logger` whose formatter redacts every line. Children made
 * with `createChild()` stay redacting, even when given their own formatter.
 */
export class RedactingLogger extends Logger {
  /** The redactor every line passes through; children share it. */
  readonly redactor: Redactor;
  /** The redactor's options, so the same rules can be built for console output (no length limit). */
  readonly redactOptions: RedactOptions | undefined;

  constructor(
    options: LoggerOptions = {},
    inherited?: { redactor: Redactor; options: RedactOptions | undefined },
  ) {
    const { redact, ...powertoolsOptions } = validateLoggerOptions(options);
    const redactor = redact !== undefined || !inherited ? createRedactor(redact) : inherited.redactor;
    // The formatter is built before super() so that even the lines Powertools
    // prints while constructing (warnings, sampling notice) are redacted.
    super({
      ...powertoolsOptions,
      logFormatter: redactingFormatter(powertoolsOptions, redactor),
    } as ConstructorOptions);
    this.redactor = redactor;
    this.redactOptions = redact ?? inherited?.options;
  }

  /** Used by Powertools' `createChild()`; keeps children redacting with the same rules. */
  protected override createLogger(options?: ConstructorOptions): Logger {
    return new RedactingLogger(options, { redactor: this.redactor, options: this.redactOptions });
  }

  /**
   * Every line is already redacted by the formatter: `redactConsole` must not redact it again.
   * While a durable function replays work it already did (core's `isReplaying()`), the line was
   * printed when that work first ran, and is not printed again.
   */
  protected override printLog(...args: Parameters<Logger['printLog']>): void {
    if (isReplaying()) return;
    ownOutput(() => super.printLog(...args));
  }

  /**
   * @internal Writes one line at `level` straight to the output, bypassing the
   * log buffer, so the middleware's end-of-invocation report (response,
   * error, security events) is never dropped with a cleared buffer. Still
   * honours the current log level, and still redacted by the formatter. Printed even while a
   * durable function replays: what it reports (security events, the error) belongs to this
   * invocation, and replayed security events were never kept.
   */
  logUnbuffered(level: LogLevelName, input: LogItemMessage, ...extraInput: LogItemExtraInput): void {
    const threshold = LogLevelThreshold[level];
    if (threshold < this.level) return;
    // Not dropped while a durable function replays: this is the report of this invocation.
    const item = this.createAndPopulateLogItem(threshold, input, extraInput);
    ownOutput(() => super.printLog(threshold, item));
  }
}

/**
 * Creates a Powertools `Logger` whose every output line — message, extra
 * arguments, appended and persistent keys, errors and their causes — is
 * redacted, keeping Powertools' JSON shape. Bad options throw
 * `SentinelConfigError` naming the option.
 */
export function createLogger(options: LoggerOptions = {}): RedactingLogger {
  return new RedactingLogger(options);
}

function redactingFormatter(options: ConstructorOptions, redactor: Redactor): RedactingLogFormatter {
  const given = options.logFormatter;
  if (given instanceof RedactingLogFormatter) {
    return given.redactor === redactor ? given : new RedactingLogFormatter(given.inner, redactor);
  }
  return new RedactingLogFormatter(given ?? defaultFormatter(options.logRecordOrder), redactor);
}

type FormatterClass = new (options?: {
  logRecordOrder?: ConstructorOptions['logRecordOrder'];
}) => LogFormatter;
let powertoolsFormatterClass: FormatterClass | undefined;

/**
 * Powertools does not export its default `PowertoolsLogFormatter`; the only
 * public way to reach it is a Logger built without a formatter. Done once per
 * process (sampling forced off so that Logger prints nothing), then reused.
 */
function defaultFormatter(logRecordOrder: ConstructorOptions['logRecordOrder']): LogFormatter {
  if (!powertoolsFormatterClass) {
    const probe = new Logger({ sampleRateValue: 0 }) as unknown as { logFormatter: LogFormatter };
    powertoolsFormatterClass = probe.logFormatter.constructor as FormatterClass;
  }
  return new powertoolsFormatterClass(logRecordOrder ? { logRecordOrder } : undefined);
}

function validateLoggerOptions(options: LoggerOptions): LoggerOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SentinelConfigError('options', 'createLogger expects an options object');
  }
  const { redact, logLevel, sampleRateValue, logFormatter, logRecordOrder } = options;
  if (redact !== undefined && (redact === null || typeof redact !== 'object' || Array.isArray(redact))) {
    throw new SentinelConfigError('redact', 'must be an object of redactor options');
  }
  if (
    logLevel !== undefined &&
    !(typeof logLevel === 'string' && logLevel.toUpperCase() in LogLevelThreshold)
  ) {
    throw new SentinelConfigError(
      'logLevel',
      `must be one of ${Object.keys(LogLevelThreshold).join(', ')}; got ${JSON.stringify(logLevel)}`,
    );
  }
  if (
    sampleRateValue !== undefined &&
    !(typeof sampleRateValue === 'number' && sampleRateValue >= 0 && sampleRateValue <= 1)
  ) {
    throw new SentinelConfigError(
      'sampleRateValue',
      `must be a number from 0 to 1; got ${String(sampleRateValue)}`,
    );
  }
  if (logFormatter !== undefined && !(logFormatter instanceof LogFormatter)) {
    throw new SentinelConfigError('logFormatter', 'must be an instance of a LogFormatter subclass');
  }
  if (logFormatter !== undefined && logRecordOrder !== undefined) {
    throw new SentinelConfigError(
      'logRecordOrder',
      'cannot be combined with logFormatter (as in Powertools)',
    );
  }
  return options;
}
