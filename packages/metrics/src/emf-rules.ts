/**
 * What CloudWatch accepts in an EMF document, as predicates. Powertools
 * checks lengths and units but lets through values CloudWatch rejects (NaN,
 * Infinity, non-ASCII dimension values, the reserved `_aws` key); these
 * checks close that gap so a user's mistake never produces a broken document.
 */

/** The key EMF reserves for its metadata object at the document root. */
export const RESERVED_KEY = '_aws';

// ASCII without control characters, with at least one non-whitespace character.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const HAS_NON_SPACE = /\S/;

function isPrintableAscii(value: string, maxLength: number): boolean {
  return (
    value.length >= 1 && value.length <= maxLength && PRINTABLE_ASCII.test(value) && HAS_NON_SPACE.test(value)
  );
}

// Powertools keeps metrics and dimensions in plain objects: `toString` or
// `__proto__` as a key reads the prototype and fails confusingly or silently.
const isObjectBuiltin = (key: string): boolean => key in Object.prototype;

/** Why a metric name is unusable, or undefined when it is fine. */
export function metricNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name === RESERVED_KEY) return `"${RESERVED_KEY}" is reserved by the EMF format`;
  if (isObjectBuiltin(name))
    return 'must not be a JavaScript Object built-in name (Powertools stores metrics by name)';
  if (!isPrintableAscii(name, 255)) return 'must be 1-255 printable ASCII characters, not all spaces';
  return undefined;
}

/** Why a metric value is unusable (EMF values are JSON numbers: no NaN, no Infinity). */
export function metricValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  return undefined;
}

/** CloudWatch dimension names: ASCII, 1-255 characters, not starting with a colon. */
export function dimensionNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name === RESERVED_KEY) return `"${RESERVED_KEY}" is reserved by the EMF format`;
  if (!isPrintableAscii(name, 255)) return 'must be 1-255 printable ASCII characters, not all spaces';
  if (name.startsWith(':')) return 'must not start with a colon';
  if (isObjectBuiltin(name)) return 'must not be a JavaScript Object built-in name';
  return undefined;
}

/** CloudWatch dimension values: ASCII, 1-1024 characters. */
export function dimensionValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (!isPrintableAscii(value, 1024)) return 'must be 1-1024 printable ASCII characters, not all spaces';
  return undefined;
}

// CloudWatch namespaces: 1-255 of these characters, and not the AWS/ prefix.
const NAMESPACE = /^[A-Za-z0-9._\-/#: ]{1,255}$/;

export function namespaceProblem(namespace: unknown): string | undefined {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || !HAS_NON_SPACE.test(namespace)) {
    return 'must be 1-255 characters of A-Z a-z 0-9 . _ - / # : and space';
  }
  if (namespace.startsWith('AWS/')) return 'must not start with "AWS/" (reserved for AWS services)';
  return undefined;
}
