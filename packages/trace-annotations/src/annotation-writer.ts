import type { InvocationTrace } from '@lambda-sentinel/sdk-capture';
import { MAX_ANNOTATIONS, sanitizeKey, sanitizeValue } from './limits.ts';

// The same keys come back every invocation: sanitise each once. Bounded.
const cleanKeys = new Map<string, string | undefined>();
const MAX_CLEAN_KEYS = 1000;

function cleanKey(key: string): string | undefined {
  if (cleanKeys.has(key)) return cleanKeys.get(key);
  const clean = sanitizeKey(key);
  if (cleanKeys.size >= MAX_CLEAN_KEYS) cleanKeys.clear();
  cleanKeys.set(key, clean);
  return clean;
}

/**
 * Writes one invocation's annotations within X-Ray's limits — the same
 * limits whichever backend carries them, since the `otel` adapter's end up
 * as X-Ray annotations too. Counts what it wrote; dropping past the 50th
 * warns once per invocation.
 */
export class AnnotationWriter {
  readonly trace: InvocationTrace;
  readonly #written = new Set<string>();
  #warned = false;

  constructor(trace: InvocationTrace) {
    this.trace = trace;
  }

  put(key: string, value: unknown): void {
    if (value === undefined || value === null) return;
    const safeKey = cleanKey(String(key));
    const safeValue = sanitizeValue(value);
    if (safeKey === undefined || safeValue === undefined) return;
    if (!this.#written.has(safeKey) && this.#written.size >= MAX_ANNOTATIONS) {
      if (!this.#warned) {
        this.#warned = true;
        console.warn(
          `[trace-annotations] X-Ray allows ${MAX_ANNOTATIONS} annotations; dropping "${safeKey}" and any further ones`,
        );
      }
      return;
    }
    this.#written.add(safeKey);
    this.trace.annotate(safeKey, safeValue);
  }

  putAll(values: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value);
  }
}
