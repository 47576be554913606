/**
 * X-Ray's annotation rules (X-Ray developer guide, "Annotation
 * requirements"): keys of up to 500 characters from [A-Za-z0-9_], values
 * of up to 1,000 Unicode characters, at most 50 annotations. Beyond them
 * X-Ray drops data silently; here we shape the data to fit instead, never
 * throwing.
 */
export const MAX_ANNOTATIONS = 50;
/** The longest annotation key X-Ray keeps: longer keys are cut to it. */
export const MAX_KEY_LENGTH = 500;
/** The longest annotation string value X-Ray keeps, in characters: longer values are cut to it. */
export const MAX_VALUE_LENGTH = 1000;

/** What X-Ray accepts as an annotation value. */
export type AnnotationValue = string | number | boolean;

/**
 * An annotation key as X-Ray accepts it: characters outside `[A-Za-z0-9_]` become `_`, cut to
 * {@link MAX_KEY_LENGTH} (`user.id` → `user_id`); undefined when nothing usable is left.
 */
export function sanitizeKey(key: string): string | undefined {
  const clean = String(key)
    .replace(/[^A-Za-z0-9_]/g, '_')
    .slice(0, MAX_KEY_LENGTH);
  return clean && /[A-Za-z0-9]/.test(clean) ? clean : undefined;
}

/**
 * An annotation value as X-Ray accepts it: strings cut to {@link MAX_VALUE_LENGTH} characters (code
 * points, so no half surrogate), non-finite numbers as strings, booleans as they are; undefined for
 * anything else (objects, null).
 */
export function sanitizeValue(value: unknown): AnnotationValue | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'string') return undefined;
  if (value.length <= MAX_VALUE_LENGTH) return value;
  return Array.from(value).slice(0, MAX_VALUE_LENGTH).join('');
}
