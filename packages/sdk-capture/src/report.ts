import { createRedactor } from '@lambda-sentinel/redact';

let redactor: ReturnType<typeof createRedactor> | undefined;

/** Reports a kind of failure at most once; see `createReporter`. */
export type Reporter = (what: string, error: unknown) => void;

/**
 * Rule 1: tracing trouble is reported once per kind, per owner (a backend, a
 * middleware), and never reaches the handler — a broken daemon or collector
 * is a fact about the process, and repeating it every invocation only adds
 * cost. Only the error's name and message are printed, redacted (rule 4): a
 * driver's message can quote the literal that failed.
 */
export function createReporter(): Reporter {
  const reported = new Set<string>();
  return (what, error) => {
    if (reported.has(what)) return;
    reported.add(what);
    redactor ??= createRedactor();
    const detail = redactor.redactString(
      error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    );
    try {
      console.warn(`[sdk-capture] ${what} failed; the invocation goes on: ${detail}`);
    } catch {
      // Nowhere left to report to.
    }
  };
}
