import { createHash } from 'node:crypto';

/**
 * The caller's principal as it goes on the trace: as is, or a SHA-256
 * pseudonym (first 32 hex digits) when the principal is personal data (an
 * e-mail, a user name) that should still group traces by caller.
 */
export function principalAnnotation(principal: string | undefined, hash: boolean): string | undefined {
  if (!principal) return undefined;
  if (!hash) return principal;
  return `sha256:${createHash('sha256').update(principal).digest('hex').slice(0, 32)}`;
}
