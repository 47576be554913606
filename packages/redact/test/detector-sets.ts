import type { Detector } from '../src/detector.ts';
import { compileKeyRules } from '../src/key-rules.ts';
import { resolveOptions } from '../src/options.ts';
import { type PiiFamily, type PiiMode, piiDetectors } from '../src/pii-detectors.ts';
import { secretDetectors } from '../src/secret-detectors.ts';

/** Every PII family masked. */
export const ALL_PII: Record<PiiFamily, PiiMode> = {
  email: 'mask',
  card: 'mask',
  iban: 'mask',
  ssn: 'mask',
  phone: 'mask',
  ip: 'mask',
  name: 'mask',
};

/** The detectors a redactor with these options runs, in its order (secrets first, then PII). */
export function detectorsFor(options: Parameters<typeof resolveOptions>[0]): Detector[] {
  const resolved = resolveOptions(options);
  const { pii, hashKey } = resolved;
  const keyKind = compileKeyRules({ ssn: pii.ssn !== false, names: pii.name !== false });
  return [
    ...secretDetectors(resolved.detectors, keyKind, {
      ssnFamily: pii.ssn ? 'ssn' : undefined,
      nameFamily: pii.name ? 'name' : undefined,
    }),
    ...piiDetectors(pii, hashKey),
  ];
}
