import { verify } from 'node:crypto';
import type { CertificateCache, SigningCertificate } from './sns-certificates.ts';

/**
 * Why an SNS message's signature was not accepted (the detail of an
 * `invalid_signature` refusal):
 * - `unsigned`: no `Signature`, `SignatureVersion` or signing certificate URL;
 * - `unsupported_version`: a `SignatureVersion` other than `1` (SHA1withRSA) or `2` (SHA256withRSA);
 * - `malformed`: a signed field missing or not a string, a `Type` Lambda never delivers, a
 *   `Signature` that is not base64 of a plausible size, a `Timestamp` that is not ISO 8601 UTC;
 * - `stale`: `Timestamp` older than the maximum age, or in the future;
 * - `certificate_url`: the certificate URL is not `https://sns.<region>.<AWS domain>/….pem`;
 * - `certificate_unavailable`: fetching the certificate failed (network, status, timeout, size);
 * - `certificate_invalid`: not a parsable X.509 RSA certificate, or outside its validity dates;
 * - `bad_signature`: the signature does not match the message (tampered or forged);
 * - `too_many_records`: more signed records in one event than SNS ever delivers to Lambda.
 */
export type SnsSignatureProblem =
  | 'unsigned'
  | 'unsupported_version'
  | 'malformed'
  | 'stale'
  | 'certificate_url'
  | 'certificate_unavailable'
  | 'certificate_invalid'
  | 'bad_signature'
  | 'too_many_records';

/** SignatureVersion → the hash SNS signs with (RSA PKCS#1 v1.5). */
const ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['1', 'sha1'],
  ['2', 'sha256'],
]);

/** The fields each message type signs, in order (AWS: "Verifying the signatures of Amazon SNS messages"). */
const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;
const TYPES = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);

/**
 * The DNS suffixes of the AWS partitions (aws and aws-us-gov, aws-cn, the European Sovereign
 * Cloud, and the isolated partitions), after `sns.<region>.`.
 */
const CERT_HOST =
  /^sns\.[a-z]{2,}(?:-[a-z]+)+-\d{1,2}\.(?:amazonaws\.com|amazonaws\.com\.cn|amazonaws\.eu|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;
const MAX_URL_LENGTH = 1024;
/** A 4096-bit RSA signature is 684 base64 characters; SNS uses 2048-bit keys (344). */
const MAX_SIGNATURE_LENGTH = 700;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
/** How far in the future a Timestamp may be (clock skew) before it is refused as stale. */
const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * True when `raw` is a signing certificate URL SNS could have sent: exactly
 * `https://sns.<region>.<partition domain>/<path>.pem`, already in canonical
 * form (no userinfo, port, query, fragment, upper case, escapes the URL parser
 * would rewrite, or whitespace it would strip). Checked before any fetch.
 */
export function isSnsCertificateUrl(raw: string): boolean {
  if (raw.length > MAX_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.href === raw &&
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    url.search === '' &&
    url.hash === '' &&
    CERT_HOST.test(url.hostname) &&
    url.pathname.length > 5 &&
    url.pathname.endsWith('.pem') &&
    !url.pathname.includes('%')
  );
}

/** `o[key]`, or undefined when the read throws (a hostile getter or Proxy). */
function read(o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function readText(o: object, key: string): string | undefined {
  const value = read(o, key);
  return typeof value === 'string' ? value : undefined;
}

/** The parts of a message checked before any certificate is fetched. */
interface Parsed {
  readonly algorithm: string;
  readonly signature: Buffer;
  readonly certificateUrl: string;
  readonly canonical: string;
}

/**
 * The string SNS signed: `name\nvalue\n` for each signed field of the message's
 * type, in order. `Subject` is signed only when present (Lambda events spell an
 * absent subject `null`). Returns undefined when a signed field is missing.
 */
export function canonicalString(message: object): string | undefined {
  const type = readText(message, 'Type');
  if (type === undefined || !TYPES.has(type)) return undefined;
  const fields = type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  let out = '';
  for (const name of fields) {
    let value = read(message, name);
    // HTTP deliveries spell it SubscribeURL; accept the Lambda-style spelling too.
    if (value === undefined && name === 'SubscribeURL') value = read(message, 'SubscribeUrl');
    if (name === 'Subject' && (value === undefined || value === null)) continue;
    if (typeof value !== 'string') return undefined;
    out += `${name}\n${value}\n`;
  }
  return out;
}

function parse(
  message: unknown,
  types: ReadonlySet<string>,
  now: number,
  maxAgeMs: number,
): Parsed | SnsSignatureProblem {
  if (message === null || typeof message !== 'object') return 'malformed';
  const version = read(message, 'SignatureVersion');
  const signatureText = read(message, 'Signature');
  const certificateUrl = readText(message, 'SigningCertUrl') ?? readText(message, 'SigningCertURL');
  if (
    version === undefined ||
    version === null ||
    version === '' ||
    typeof signatureText !== 'string' ||
    signatureText === '' ||
    certificateUrl === undefined ||
    certificateUrl === ''
  ) {
    return 'unsigned';
  }
  const algorithm = typeof version === 'string' ? ALGORITHMS.get(version) : undefined;
  if (algorithm === undefined) return 'unsupported_version';
  if (
    signatureText.length > MAX_SIGNATURE_LENGTH ||
    signatureText.length % 4 !== 0 ||
    !BASE64.test(signatureText)
  ) {
    return 'malformed';
  }
  const type = readText(message, 'Type');
  if (type === undefined || !types.has(type)) return 'malformed';
  const canonical = canonicalString(message);
  if (canonical === undefined) return 'malformed';
  const timestamp = readText(message, 'Timestamp')!;
  if (!ISO_UTC.test(timestamp)) return 'malformed';
  const published = Date.parse(timestamp);
  if (Number.isNaN(published)) return 'malformed';
  if (now - published > maxAgeMs || published - now > FUTURE_SKEW_MS) return 'stale';
  if (!isSnsCertificateUrl(certificateUrl)) return 'certificate_url';
  return { algorithm, signature: Buffer.from(signatureText, 'base64'), certificateUrl, canonical };
}

function signatureMatches(parsed: Parsed, certificate: SigningCertificate): boolean {
  try {
    return verify(parsed.algorithm, Buffer.from(parsed.canonical, 'utf8'), certificate.key, parsed.signature);
  } catch {
    return false;
  }
}

/** How a message is judged: which types are acceptable, how old it may be, where certificates come from. */
export interface SnsCheck {
  readonly certificates: CertificateCache;
  readonly maxAgeMs: number;
  readonly types: ReadonlySet<string>;
}

/**
 * Verifies one SNS message (the `Sns` object of a Lambda record, or the JSON
 * body of an HTTP delivery). Resolves undefined when the signature is valid,
 * else the problem; never rejects. Everything that can be checked without the
 * certificate (signed fields, version, base64, age, certificate URL) is checked
 * before it is fetched.
 */
export async function checkSnsMessage(
  message: unknown,
  check: SnsCheck,
  now: number = Date.now(),
): Promise<SnsSignatureProblem | undefined> {
  const parsed = parse(message, check.types, now, check.maxAgeMs);
  if (typeof parsed === 'string') return parsed;
  const certificate = await check.certificates.get(parsed.certificateUrl);
  if (typeof certificate === 'string') return certificate;
  if (now < certificate.notBefore || now > certificate.notAfter) return 'certificate_invalid';
  return signatureMatches(parsed, certificate) ? undefined : 'bad_signature';
}
