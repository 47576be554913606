/**
 * X-Ray's annotation rules (X-Ray developer guide, "Annotation
 * requirements"): keys of up to 500 characters from [A-Za-z0-9_], values
 * of up to 1,000 Unicode characters, at most 50 annotations. Beyond them
 * X-Ray drops data silently; here we shape the data to fit instead, never
 * throwing.
 */
export const MAX_ANNOTATIONS = 50;
export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_LENGTH = 1000;

export type AnnotationValue = string | number | boolean;

/** `user.id` → `user_id`; undefined when nothing usable is left. */
export function sanitizeKey(key: string): string | undefined {
  const clean = String(key)
    .replace(/[^A-Za-z0-9_]/g, '_')
    .slice(0, MAX_KEY_LENGTH);
  return clean && /[A-Za-z0-9]/.test(clean) ? clean : undefined;
}

/** Strings cut to 1,000 characters (code points, so no half surrogate); non-finite numbers become strings. */
export function sanitizeValue(value: unknown): AnnotationValue | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'string') return undefined;
  if (value.length <= MAX_VALUE_LENGTH) return value;
  return Array.from(value).slice(0, MAX_VALUE_LENGTH).join('');
}
