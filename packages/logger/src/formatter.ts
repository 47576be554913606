import type { LogItem } from '@aws-lambda-powertools/logger';
import { LogFormatter } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { countRedactions, validTenantId } from '@lambda-sentinel/core';
import type { Redactor } from '@lambda-sentinel/redact';

type FormatterInput = Parameters<LogFormatter['formatAttributes']>;

const WITHHELD_MESSAGE = 'Log line withheld: it could not be redacted';

/**
 * A log formatter that wraps another one (Powertools' default or the user's)
 * and redacts what the logger hands it. Every Powertools line — printed,
 * buffered, or emitted while the logger is being constructed — passes
 * through `formatAttributes`, with the message and the already-merged
 * attributes of the line (extra arguments, temporary and persistent keys,
 * errors). Those are redacted as one object, so key and path rules apply to
 * the keys as they appear in the printed line; the wrapped formatter then
 * adds only what Powertools itself knows (level, timestamp, service, Lambda
 * context, trace id), which never holds user data. Redacting before the
 * formatter rather than after it means a user key that happens to share a
 * name with a Powertools field is still redacted, and the fixed envelope is
 * not scanned on every line (half the cost of a small line).
 */
export class RedactingLogFormatter extends LogFormatter {
  /** The formatter that shapes each line before it is redacted (Powertools' default, or yours). */
  readonly inner: LogFormatter;
  /** The redactor every line passes through. */
  readonly redactor: Redactor;

  /** The last tenant id seen and what is printed for it: one invocation's lines share it. */
  #tenant: { raw: unknown; safe: string | undefined } = { raw: undefined, safe: undefined };

  constructor(inner: LogFormatter, redactor: Redactor) {
    super();
    this.inner = inner;
    this.redactor = redactor;
  }

  /**
   * The tenant id as the line may print it (`tenant_id`): Powertools copies `context.tenantId`
   * as it is, so it is validated like the invocation state's (a string of 1-256 characters, no
   * control characters; else dropped) and redacted (an e-mail address as tenant id is personal
   * data). Remembered per distinct value, so a line costs one comparison.
   */
  #safeTenant(raw: unknown): string | undefined {
    if (this.#tenant.raw === raw) return this.#tenant.safe;
    let safe: string | undefined;
    try {
      const valid = validTenantId(raw);
      safe = valid === undefined ? undefined : this.redactor.redactString(valid);
    } catch {
      safe = undefined;
    }
    this.#tenant = { raw, safe };
    return safe;
  }

  override formatAttributes(...[attributes, additional]: FormatterInput): LogItem {
    let message = WITHHELD_MESSAGE;
    let rest: LogAttributes = {};
    try {
      const { value, counts } = this.redactor.withCounts({
        ...this.#formatErrors(additional),
        message: attributes.message,
      });
      ({ message, ...rest } = value as LogAttributes & { message: string });
      countIfAny(counts);
    } catch {
      // Printing the line unredacted would leak; throwing would break the
      // caller's code (rule 1). Keep Powertools' envelope, drop the content.
    }
    const context = attributes.lambdaContext;
    const lambdaContext =
      context?.tenantId === undefined
        ? context
        : { ...context, tenantId: this.#safeTenant(context.tenantId) };
    return this.inner.formatAttributes({ ...attributes, message, lambdaContext }, rest);
  }

  /**
   * Powertools' JSON replacer formats any Error that is still in the tree at
   * print time. After redaction none should be left, but a user's
   * `jsonReplacerFn` can produce one: redact that too.
   */
  override formatError(error: Error): LogAttributes {
    try {
      const { value, counts } = this.redactor.withCounts(this.#formatError(error));
      countIfAny(counts);
      return value as LogAttributes;
    } catch {
      return { name: 'Error', message: WITHHELD_MESSAGE };
    }
  }

  override formatTimestamp(now: Date): string {
    return this.inner.formatTimestamp(now);
  }

  /**
   * Errors are turned into Powertools' error shape (name, location, message,
   * stack, cause...) BEFORE redaction so the output keeps the JSON shape Logs
   * Insights queries expect; the redactor then censors inside that shape.
   * Top level and one level down covers `logger.error(msg, err)` and
   * `{ error }` / `{ details: { error } }` objects; deeper errors get the
   * redactor's own error shape.
   */
  #formatErrors(attributes: LogAttributes): LogAttributes {
    // Copy only when there is an error to replace: most lines have none.
    let out: LogAttributes | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      const formatted =
        value instanceof Error
          ? this.#formatError(value)
          : isPlainObject(value)
            ? this.#formatNestedErrors(value)
            : value;
      if (formatted !== value) {
        out ??= { ...attributes };
        out[key] = formatted;
      }
    }
    return out ?? attributes;
  }

  #formatError(error: Error): LogAttributes {
    return scrubStacks(this.inner.formatError(error), this.redactor);
  }

  #formatNestedErrors(attributes: Record<string, unknown>): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      if (value instanceof Error) {
        out ??= { ...attributes };
        out[key] = this.#formatError(value);
      }
    }
    return out ?? attributes;
  }
}

/**
 * V8 stacks repeat the message in their first line ("Error: <message>"). A
 * message that is itself JSON is redacted structurally as `message`, but
 * inside the longer stack string it would only get the string detectors: so
 * the stack's copy of the message is replaced by the redacted message first.
 */
function scrubStacks(formatted: LogAttributes, redactor: Redactor): LogAttributes {
  let level: Record<string, unknown> | undefined = formatted;
  for (let depth = 0; level && depth < 16; depth++) {
    const { message, stack } = level;
    if (typeof message === 'string' && message !== '') {
      const safe = String(redactor(message));
      if (typeof stack === 'string') level.stack = stack.split(message).join(safe);
      else if (Array.isArray(stack))
        level.stack = stack.map((line) => String(line).split(message).join(safe));
    }
    level = isPlainObject(level.cause) ? level.cause : undefined;
  }
  return formatted;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function countIfAny(counts: Readonly<Record<string, number>>): void {
  for (const family in counts) {
    if ((counts[family] ?? 0) > 0) {
      countRedactions(counts);
      return;
    }
  }
}
