export type { AnnotationValue } from './limits.ts';
export { MAX_ANNOTATIONS, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, sanitizeKey, sanitizeValue } from './limits.ts';
export { type TraceAnnotationsOptions, traceAnnotations } from './trace-annotations.ts';
