import { type InvocationSource, SentinelConfigError, type SourceRecord } from '@lambda-sentinel/core';
import { judge } from './matcher.ts';
import type { CompiledRule } from './rules.ts';
import { CertificateCache, type FetchCertificate, fetchCertificateOverHttps } from './sns-certificates.ts';
import { checkSnsMessage, type SnsCheck, type SnsSignatureProblem } from './sns-signature.ts';

/** Options of SNS signature verification, for rules with `verifySignature: true`. */
export interface SnsSignatureOptions {
  /**
   * Fetches a signing certificate's PEM text. Defaults to global `fetch` with
   * no redirects, a 3 s timeout and a 32 KiB cap. Only ever called with URLs of
   * the form `https://sns.<region>.<AWS domain>/….pem`.
   */
  fetchCertificate?: FetchCertificate;
  /**
   * How old a message's `Timestamp` may be, in seconds (default 21,600: six
   * hours, Lambda's default maximum event age for asynchronous invocations).
   * Older messages are refused as stale, which bounds how long a captured
   * message can be replayed.
   */
  maxMessageAgeSeconds?: number;
  /** How many signing certificates are kept per process (default 32, least recently used evicted). */
  certificateCacheSize?: number;
}

/** The default of `maxMessageAgeSeconds`: six hours. */
export const DEFAULT_MAX_MESSAGE_AGE_SECONDS = 6 * 60 * 60;
const DEFAULT_CACHE_SIZE = 32;
/** SNS delivers one message per Lambda invocation; a few more is already forged. */
export const MAX_SIGNED_RECORDS = 10;
const OPTION_KEYS: ReadonlySet<string> = new Set([
  'fetchCertificate',
  'maxMessageAgeSeconds',
  'certificateCacheSize',
]);
/** Lambda only ever delivers notifications. */
const LAMBDA_TYPES: ReadonlySet<string> = new Set(['Notification']);

/** Validates `snsSignature` at construction (rule 5). */
export function validateSnsSignatureOptions(value: unknown): SnsSignatureOptions {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SentinelConfigError('snsSignature', 'expected an object like { maxMessageAgeSeconds: 3600 }');
  }
  for (const key of Object.keys(value)) {
    if (!OPTION_KEYS.has(key)) {
      throw new SentinelConfigError(
        `snsSignature.${key}`,
        `unknown option; expected one of ${[...OPTION_KEYS].join(', ')}`,
      );
    }
  }
  const { fetchCertificate, maxMessageAgeSeconds, certificateCacheSize } = value as SnsSignatureOptions;
  if (fetchCertificate !== undefined && typeof fetchCertificate !== 'function') {
    throw new SentinelConfigError(
      'snsSignature.fetchCertificate',
      'expected a function (url) => Promise<string>',
    );
  }
  if (
    maxMessageAgeSeconds !== undefined &&
    (typeof maxMessageAgeSeconds !== 'number' ||
      !Number.isFinite(maxMessageAgeSeconds) ||
      maxMessageAgeSeconds <= 0 ||
      maxMessageAgeSeconds > 30 * 24 * 60 * 60)
  ) {
    throw new SentinelConfigError(
      'snsSignature.maxMessageAgeSeconds',
      'expected a number of seconds above 0 and at most 30 days',
    );
  }
  if (
    certificateCacheSize !== undefined &&
    (!Number.isInteger(certificateCacheSize) || certificateCacheSize < 1 || certificateCacheSize > 1000)
  ) {
    throw new SentinelConfigError('snsSignature.certificateCacheSize', 'expected an integer from 1 to 1000');
  }
  return value as SnsSignatureOptions;
}

/** A record whose signature did not verify. */
export interface SignatureFailure {
  readonly recordIndex: number;
  readonly origin: SourceRecord;
  readonly problem: SnsSignatureProblem;
}

function read(o: unknown, key: string | number): unknown {
  if (o === null || typeof o !== 'object') return undefined;
  try {
    return (o as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

function originOf(source: InvocationSource, index: number): SourceRecord {
  const record = source.records?.[index];
  return {
    arn: record?.arn ?? source.arn,
    accountId: record?.accountId ?? source.accountId,
    region: record?.region ?? source.region,
  };
}

/**
 * Verifies the SNS records that only `verifySignature` rules allow. One per
 * middleware instance; its certificate cache is the only state it keeps, and
 * it is per process by design (certificates are public and shared by every
 * invocation). Everything about one invocation stays in the call.
 */
export class SnsVerifier {
  readonly #plain: readonly CompiledRule[];
  readonly #check: SnsCheck;

  /** Undefined when no rule asks for verification: the allowlist then never pays for it. */
  static create(
    rules: readonly CompiledRule[],
    options: SnsSignatureOptions,
    onFetchError: (error: unknown) => void,
  ): SnsVerifier | undefined {
    if (!rules.some((rule) => rule.verifySignature)) return undefined;
    return new SnsVerifier(rules, options, onFetchError);
  }

  private constructor(
    rules: readonly CompiledRule[],
    options: SnsSignatureOptions,
    onFetchError: (error: unknown) => void,
  ) {
    this.#plain = rules.filter((rule) => !rule.verifySignature);
    const fetchCertificate = options.fetchCertificate ?? ((url: string) => fetchCertificateOverHttps(url));
    this.#check = {
      certificates: new CertificateCache(
        fetchCertificate,
        options.certificateCacheSize ?? DEFAULT_CACHE_SIZE,
        onFetchError,
      ),
      maxAgeMs: (options.maxMessageAgeSeconds ?? DEFAULT_MAX_MESSAGE_AGE_SECONDS) * 1000,
      types: LAMBDA_TYPES,
    };
  }

  /** The certificate cache (for tests and diagnostics). */
  get certificates(): CertificateCache {
    return this.#check.certificates;
  }

  /**
   * Indices of the records of an allowed SNS source that no rule without
   * `verifySignature` allows: those must prove their signature.
   */
  pending(source: InvocationSource, ownAccount: string | undefined, tenantId?: string): number[] {
    if (source.kind !== 'sns') return [];
    if (this.#plain.length > 0 && judge(this.#plain, source, ownAccount, tenantId).allowed) return [];
    const records = source.records ?? [];
    const pending: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const one: InvocationSource = { ...source, records: [records[i]!] };
      if (this.#plain.length === 0 || !judge(this.#plain, one, ownAccount, tenantId).allowed) pending.push(i);
    }
    return pending;
  }

  /** Resolves the first failing record, or undefined when all verify. Never rejects. */
  async verify(
    event: unknown,
    source: InvocationSource,
    pending: readonly number[],
  ): Promise<SignatureFailure | undefined> {
    if (pending.length > MAX_SIGNED_RECORDS) {
      return { recordIndex: pending[0]!, origin: originOf(source, pending[0]!), problem: 'too_many_records' };
    }
    const raw = read(event, 'Records');
    for (const index of pending) {
      const message = read(read(raw, index), 'Sns');
      const origin = originOf(source, index);
      let problem = await checkSnsMessage(message, this.#check);
      // The topic the rules judged must be the topic that was signed.
      if (problem === undefined && origin.arn !== undefined && read(message, 'TopicArn') !== origin.arn) {
        problem = 'malformed';
      }
      if (problem !== undefined) return { recordIndex: index, origin, problem };
    }
    return undefined;
  }
}
