import type { InvocationTrace } from '@lambda-sentinel/sdk-capture';
import { MAX_ANNOTATIONS, sanitizeKey, sanitizeValue } from './limits.ts';

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
    const cleanKey = sanitizeKey(key);
    const cleanValue = sanitizeValue(value);
    if (cleanKey === undefined || cleanValue === undefined) return;
    if (!this.#written.has(cleanKey) && this.#written.size >= MAX_ANNOTATIONS) {
      if (!this.#warned) {
        this.#warned = true;
        console.warn(
          `[trace-annotations] X-Ray allows ${MAX_ANNOTATIONS} annotations; dropping "${cleanKey}" and any further ones`,
        );
      }
      return;
    }
    this.#written.add(cleanKey);
    this.trace.annotate(cleanKey, cleanValue);
  }

  putAll(values: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value);
  }
}
