import type { RedactedError } from './port.ts';

/** What this package needs of a `@lambda-sentinel/redact` redactor. */
export interface StringRedactor {
  /** Returns `value` with every secret and personal datum replaced. */
  redactString(value: string): string;
}

const MAX_CAUSE_DEPTH = 5;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** `ECONNREFUSED`, `ER_NO_SUCH_TABLE`: where a plain `Error` carries its kind in `code`, the code names it. */
function errorName(source: { name?: unknown; code?: unknown }): string {
  const name = typeof source.name === 'string' ? source.name : 'Error';
  return name === 'Error' && typeof source.code === 'string' && ERROR_CODE.test(source.code)
    ? source.code
    : name;
}

/**
 * A plain copy of `error` with message, stack and cause chain passed through
 * the redactor: error messages routinely quote the offending input (a token,
 * a connection string), and traces are kept for 30 days.
 */
export function redactError(error: unknown, redactor: StringRedactor, depth = 0): RedactedError {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const source = error as {
      name?: unknown;
      code?: unknown;
      message?: unknown;
      stack?: unknown;
      cause?: unknown;
    };
    const copy: RedactedError = {
      name: errorName(source),
      message: redactor.redactString(String(source.message ?? '')),
    };
    if (typeof source.stack === 'string') copy.stack = redactor.redactString(source.stack);
    if (source.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
      copy.cause = redactError(source.cause, redactor, depth + 1);
    }
    return copy;
  }
  return { name: 'Error', message: redactor.redactString(String(error)) };
}
