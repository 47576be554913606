export type { RedactorOptions } from './options.ts';
export { PII_FAMILIES, type PiiFamily, type PiiMode } from './pii-detectors.ts';
export { createRedactor, type RedactionResult, type Redactor } from './redactor.ts';
export { SECRET_DETECTOR_FAMILIES, type SecretDetectorFamily } from './secret-detectors.ts';
