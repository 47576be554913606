import type { StringRedactor } from './redacted-error.ts';

const TOKEN_CHARS = /^[A-Za-z0-9_\-.~+=]+$/;
const MIN_TOKEN_LENGTH = 20;

/**
 * A path segment that reads like a credential rather than a name: long, one
 * run of token characters, mixing upper case, lower case and digits
 * (`/services/T0/B0/<webhook token>`, `/api/webhooks/<id>/<token>`). UUIDs,
 * hex digests, dates and words do not mix all three.
 */
function looksLikeToken(segment: string): boolean {
  if (segment.length < MIN_TOKEN_LENGTH || !TOKEN_CHARS.test(segment)) return false;
  return /[a-z]/.test(segment) && /[A-Z]/.test(segment) && /[0-9]/.test(segment);
}

/**
 * The URL as a trace may record it: scheme, host, port and path only — no
 * `user:password@`, no query, no fragment (where tokens and signatures
 * travel) — with path segments that look like credentials replaced by
 * `[REDACTED]`, then the whole passed through the redactor (webhook URLs,
 * e-mail addresses in paths...). Undefined for what is not a URL.
 */
export function sanitizeUrl(url: string | URL, redactor: StringRedactor): string | undefined {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return undefined;
  }
  const path = parsed.pathname
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // Malformed escapes: judge the segment as written.
      }
      return looksLikeToken(decoded) ? '[REDACTED]' : segment;
    })
    .join('/');
  return redactor.redactString(`${parsed.protocol}//${parsed.host}${path}`);
}
