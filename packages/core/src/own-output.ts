// Process-level on purpose: JavaScript runs one call stack at a time, so a
// synchronous depth counter can never mix two invocations' output.
let depth = 0;

/**
 * Runs `fn`, which prints output Sentinel has already redacted itself (a log
 * line of `createLogger`, an EMF document of `createMetrics`), so that
 * `redactConsole` lets it through untouched instead of redacting it twice.
 * Only for output that is redacted by construction; `fn` must print
 * synchronously.
 */
export function ownOutput<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/** True while an `ownOutput` callback runs. */
export function isOwnOutput(): boolean {
  return depth > 0;
}
