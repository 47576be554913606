import { createHash } from 'node:crypto';

// A function sees the same few callers over and over: remember their pseudonyms
// rather than hash on every invocation. Bounded, so many callers cost no memory.
const pseudonyms = new Map<string, string>();
const MAX_PSEUDONYMS = 1000;

/**
 * The caller's principal as it goes on the trace: as is, or a SHA-256
 * pseudonym (first 32 hex digits) when the principal is personal data (an
 * e-mail, a user name) that should still group traces by caller.
 */
export function principalAnnotation(principal: string | undefined, hash: boolean): string | undefined {
  if (!principal) return undefined;
  if (!hash) return principal;
  let pseudonym = pseudonyms.get(principal);
  if (pseudonym === undefined) {
    pseudonym = `sha256:${createHash('sha256').update(principal).digest('hex').slice(0, 32)}`;
    if (pseudonyms.size >= MAX_PSEUDONYMS) pseudonyms.clear();
    pseudonyms.set(principal, pseudonym);
  }
  return pseudonym;
}
