import { type KeyObject, X509Certificate } from 'node:crypto';

/**
 * Fetches the PEM text of an SNS signing certificate. Called only with URLs
 * that passed the `https://sns.<region>.<AWS domain>/….pem` check, at most once
 * per URL at a time. Reject (or throw) on any failure: the message is refused.
 */
export type FetchCertificate = (url: string) => Promise<string>;

/** A parsed signing certificate: its public key and validity window (epoch ms). */
export interface SigningCertificate {
  readonly key: KeyObject;
  readonly notBefore: number;
  readonly notAfter: number;
}

type Lookup = SigningCertificate | 'certificate_unavailable' | 'certificate_invalid';

/** The largest certificate accepted, from the default fetch or an injected one. SNS's are ~1.7 KB. */
export const MAX_CERTIFICATE_BYTES = 32 * 1024;
/** How long the default fetch waits for the whole certificate. */
export const CERTIFICATE_FETCH_TIMEOUT_MS = 3_000;

/**
 * The default {@link FetchCertificate}: global `fetch`, no redirects (a
 * redirect could leave the checked host), a timeout over the whole exchange,
 * status 200 only, and a size cap enforced while reading (a `Content-Length`
 * over the cap is refused before the body is read).
 */
export async function fetchCertificateOverHttps(
  url: string,
  timeoutMs: number = CERTIFICATE_FETCH_TIMEOUT_MS,
  maxBytes: number = MAX_CERTIFICATE_BYTES,
): Promise<string> {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  const body = response.body;
  if (response.status !== 200 || body === null) {
    await body?.cancel().catch(() => {});
    throw new Error(`certificate fetch answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await body.cancel().catch(() => {});
    throw new Error(`certificate is ${declared} bytes, over the ${maxBytes}-byte cap`);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new Error(`certificate is over the ${maxBytes}-byte cap`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseCertificate(pem: unknown): SigningCertificate | 'certificate_invalid' {
  if (typeof pem !== 'string' || pem.length > MAX_CERTIFICATE_BYTES) return 'certificate_invalid';
  try {
    const certificate = new X509Certificate(pem);
    const key = certificate.publicKey;
    if (key.asymmetricKeyType !== 'rsa') return 'certificate_invalid';
    const notBefore = certificate.validFromDate.getTime();
    const notAfter = certificate.validToDate.getTime();
    if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) return 'certificate_invalid';
    return { key, notBefore, notAfter };
  } catch {
    return 'certificate_invalid';
  }
}

/**
 * Signing certificates by URL, bounded: at most `capacity` entries, least
 * recently used evicted first, so a flood of distinct (valid-looking) URLs
 * cannot grow memory. Concurrent lookups of one URL share one fetch. Failed
 * lookups are not kept, so the next invocation tries again. Lives as long as
 * the middleware instance: one per process in practice.
 */
export class CertificateCache {
  readonly #entries = new Map<string, Promise<Lookup>>();
  readonly #fetch: FetchCertificate;
  readonly #capacity: number;
  readonly #onError: (error: unknown) => void;

  constructor(fetchCertificate: FetchCertificate, capacity: number, onError: (error: unknown) => void) {
    this.#fetch = fetchCertificate;
    this.#capacity = capacity;
    this.#onError = onError;
  }

  /** How many certificates (or fetches in flight) are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The certificate at `url`; never rejects. */
  get(url: string): Promise<Lookup> {
    const cached = this.#entries.get(url);
    if (cached !== undefined) {
      // Most recently used goes last; Map keeps insertion order.
      this.#entries.delete(url);
      this.#entries.set(url, cached);
      return cached;
    }
    const lookup = this.#load(url);
    while (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(url, lookup);
    void lookup.then((result) => {
      if (typeof result === 'string' && this.#entries.get(url) === lookup) this.#entries.delete(url);
    });
    return lookup;
  }

  async #load(url: string): Promise<Lookup> {
    let pem: unknown;
    try {
      pem = await this.#fetch(url);
    } catch (error) {
      this.#onError(error);
      return 'certificate_unavailable';
    }
    return parseCertificate(pem);
  }
}
