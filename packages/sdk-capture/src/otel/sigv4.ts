import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for the one request the X-Ray OTLP exporter sends: a POST with a body
 * and no query string (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
 *
 * Hand-written on `node:crypto` rather than `@smithy/signature-v4`: that library brings
 * `@smithy/core` with it, about 130 KiB of a bundled function's 477, parsed at every cold start
 * by every function, signing or not. A property test holds this signer to the library's
 * signature, byte for byte, over generated hosts, paths, headers, bodies, regions and dates.
 */

/** What {@link signPost} needs besides the request. */
export interface SigningKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding of one path segment, as SigV4 wants it (unreserved characters stay). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical URI of a service other than S3 from a URL's (already percent-encoded) path: empty
 * and `.` segments dropped, `..` resolved, then URI-encoded once more, as SigV4 specifies.
 */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = path.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `${leading}${segments.map(encodeSegment).join('/')}${trailing}`;
}

/** `20261201T193000Z` for a date. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * The headers to send for a POST of `body` to `url`: `headers` (names lower-cased), `host`,
 * `x-amz-content-sha256`, `x-amz-date`, `x-amz-security-token` with temporary credentials, and
 * `authorization`.
 * Every header given is signed.
 */
export function signPost(
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
  keys: SigningKeys,
  date: Date = new Date(),
): Record<string, string> {
  const stamp = amzDate(date);
  const day = stamp.slice(0, 8);
  const signed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) signed[name.toLowerCase()] = value;
  const payloadHash = sha256Hex(body);
  signed.host = url.host;
  signed['x-amz-content-sha256'] = payloadHash;
  signed['x-amz-date'] = stamp;
  if (keys.sessionToken) signed['x-amz-security-token'] = keys.sessionToken;

  const names = Object.keys(signed).sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${(signed[name] as string).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    'POST',
    canonicalPath(url.pathname),
    '', // no query string
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${keys.region}/${keys.service}/aws4_request`;
  const stringToSign = [ALGORITHM, stamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), keys.region), keys.service),
    'aws4_request',
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  signed.authorization = `${ALGORITHM} Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return signed;
}
