import { type AnnotationValue, MAX_ANNOTATIONS, sanitizeKey, sanitizeValue } from './limits.ts';

/** The slice of an X-Ray subsegment annotations are written to. */
export interface AnnotatableSegment {
  annotations?: Record<string, AnnotationValue>;
  addAnnotation(key: string, value: AnnotationValue): void;
  addMetadata(key: string, value: unknown, namespace?: string): void;
}

/**
 * Writes annotations to one invocation's subsegment within X-Ray's limits,
 * counting what is already there (other code may annotate too). Dropping
 * past the 50th warns once per invocation.
 */
export class AnnotationWriter {
  readonly segment: AnnotatableSegment;
  #warned = false;

  constructor(segment: AnnotatableSegment) {
    this.segment = segment;
  }

  put(key: string, value: unknown): void {
    if (value === undefined || value === null) return;
    const cleanKey = sanitizeKey(key);
    const cleanValue = sanitizeValue(value);
    if (cleanKey === undefined || cleanValue === undefined) return;
    const existing = this.segment.annotations ?? {};
    if (!(cleanKey in existing) && Object.keys(existing).length >= MAX_ANNOTATIONS) {
      if (!this.#warned) {
        this.#warned = true;
        console.warn(
          `[trace-annotations] X-Ray allows ${MAX_ANNOTATIONS} annotations; dropping "${cleanKey}" and any further ones`,
        );
      }
      return;
    }
    this.segment.addAnnotation(cleanKey, cleanValue);
  }

  putAll(values: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(values)) this.put(key, value);
  }
}
