import type { InvocationSource } from '@lambda-sentinel/core';
import type { RefusalReason } from './matcher.ts';

/** What a refusal names about the source: where it came from, never the payload. */
export type RejectedSource = Pick<
  InvocationSource,
  'kind' | 'arn' | 'accountId' | 'region' | 'apiId' | 'stage'
>;

/**
 * Thrown when the allowlist refuses a non-HTTP, non-authorizer invocation.
 * `retryable` is false: the same event will be refused again, so retrying it
 * only delays the dead-letter queue. Carries the classified source, never
 * the event.
 */
export class InvocationSourceRejectedError extends Error {
  /** Always `InvocationSourceRejectedError`. */
  override readonly name = 'InvocationSourceRejectedError';
  /** Always false: retrying the same event is refused again. */
  readonly retryable = false;
  /** Where the refused event came from. */
  readonly source: Readonly<RejectedSource>;
  /** Why it was refused. */
  readonly reason: RefusalReason;

  constructor(source: RejectedSource, reason: RefusalReason) {
    // A generic message: the caller may be the attacker; the detail is in `source`.
    super('Invocation source not allowed');
    this.source = Object.freeze({ ...source });
    this.reason = reason;
  }
}
