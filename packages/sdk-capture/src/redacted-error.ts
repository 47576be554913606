/** What this module needs of a `@lambda-sentinel/redact` redactor. */
export interface StringRedactor {
  redactString(value: string): string;
}

/** The shape the X-Ray SDK's `addError` records: name, message and a stack it parses into frames. */
export interface RedactedError {
  name: string;
  message: string;
  stack?: string;
  cause?: RedactedError;
}

const MAX_CAUSE_DEPTH = 5;

/**
 * A plain copy of `error` with message, stack and cause chain passed through
 * the redactor: error messages routinely quote the offending input (a token,
 * a connection string), and traces are kept for 30 days.
 */
export function redactError(error: unknown, redactor: StringRedactor, depth = 0): RedactedError {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const source = error as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown };
    const copy: RedactedError = {
      name: typeof source.name === 'string' ? source.name : 'Error',
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
