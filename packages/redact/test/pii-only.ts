import { createRedactor, type PiiFamily, type PiiMode } from '../src/index.ts';

/** The hash key of {@link only}'s redactors, for tests that compute the expected hash. */
export const KEY = 'a-test-hash-key-of-32-characters';

/** A redactor with only `family` on (and no secret detectors), in `mode`. Build it inside a test. */
export function only(family: PiiFamily, mode: PiiMode = 'mask') {
  return createRedactor({
    detectors: false,
    hashKey: KEY,
    pii: {
      email: false,
      card: false,
      iban: false,
      ssn: false,
      phone: false,
      ip: false,
      name: false,
      [family]: mode,
    },
  });
}
