import { createRedactor } from '@lambda-sentinel/redact';

/** The real redactor, passed explicitly so the `redact` option is exercised too. */
export const testRedactor = createRedactor();
