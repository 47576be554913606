import {
  AUTHORIZER_SOURCE_KINDS,
  HTTP_SOURCE_KINDS,
  type InvocationSource,
  invocationSource,
  invocationState,
  ownAccountId,
  recordSecurityEvent,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import { createRedactor, type Redactor } from '@lambda-sentinel/redact';
import type { MiddlewareObj, Request } from '@middy/core';
import { InvocationSourceRejectedError, type RejectedSource } from './errors.ts';
import {
  hasUnjudgedRecords,
  judge,
  originAccount,
  originRegion,
  type RefusalReason,
  type Verdict,
} from './matcher.ts';
import {
  OBSERVED_MARKER,
  OBSERVED_MESSAGE,
  type ObservedLine,
  observedSource,
  SeenSignatures,
} from './observe.ts';
import { forbiddenResponse } from './responses.ts';
import { type AllowRule, type CompiledRule, compileRules } from './rules.ts';
import type { SnsSignatureProblem } from './sns-signature.ts';
import {
  type SignatureFailure,
  type SnsSignatureOptions,
  SnsVerifier,
  validateSnsSignatureOptions,
} from './sns-verify.ts';

/** Anything with an `info(message, extra)` method: a Powertools / Sentinel Logger, console, pino... */
export interface ObserveLogger {
  /** Writes one line: the message and the observed source. */
  info(message: string, ...extra: any[]): unknown;
}

/** What `onRefuse` is told: the classified source (never the payload) and why it was refused. */
export interface Refusal {
  /** Where the refused event came from (kind, ARN, account, region, API, stage). */
  source: RejectedSource;
  /** Why it was refused. */
  reason: RefusalReason;
  /** For a batch: the index of the first foreign record. */
  recordIndex?: number;
  /** For `invalid_signature`: what was wrong with the SNS signature. */
  signatureProblem?: SnsSignatureProblem;
}

/** Options of {@link sourceAllowlist}. */
export interface SourceAllowlistOptions {
  /** The rules; required in enforce mode, optional in observe mode (lines then say whether they would pass). */
  allow?: readonly AllowRule[];
  /** `enforce` (default) refuses; `observe` only logs each distinct source once per process. */
  mode?: 'enforce' | 'observe';
  /** Called on every refusal, e.g. to alert. Its errors are reported once and never change the refusal. */
  onRefuse?: (refusal: Refusal) => void;
  /** Where observe mode writes; defaults to a JSON line on stdout via `console.log`. */
  logger?: ObserveLogger;
  /**
   * How rules with `verifySignature: true` verify SNS signatures: the certificate fetch, the
   * maximum message age, the certificate cache size. Observe mode does not verify.
   */
  snsSignature?: SnsSignatureOptions;
}

const OPTIONS: ReadonlySet<string> = new Set(['allow', 'mode', 'onRefuse', 'logger', 'snsSignature']);
const STASH_KEY = '@lambda-sentinel/source-allowlist';
const httpKinds: ReadonlySet<string> = new Set(HTTP_SOURCE_KINDS);
const authorizerKinds: ReadonlySet<string> = new Set(AUTHORIZER_SOURCE_KINDS);

const REFUSAL_MESSAGES: Partial<Record<RefusalReason, string>> & { no_matching_rule: string } = {
  no_matching_rule: 'Invocation refused: its source is not in the allowlist',
  invalid_signature: 'Invocation refused: its SNS message signature did not verify',
  tenant_not_allowed: 'Invocation refused: its tenant is not allowed for its source',
};

interface Stash {
  error: InvocationSourceRejectedError;
  response: Record<string, unknown>;
}

function validateOptions(options: unknown): SourceAllowlistOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SentinelConfigError('options', 'expected an object like { allow: [...] }');
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new SentinelConfigError(key, `unknown option; expected one of ${[...OPTIONS].join(', ')}`);
    }
  }
  const { mode, onRefuse, logger } = options as SourceAllowlistOptions;
  if (mode !== undefined && mode !== 'enforce' && mode !== 'observe') {
    throw new SentinelConfigError('mode', `expected "enforce" or "observe", got ${JSON.stringify(mode)}`);
  }
  if (onRefuse !== undefined && typeof onRefuse !== 'function') {
    throw new SentinelConfigError('onRefuse', 'expected a function');
  }
  if (logger !== undefined && (logger === null || typeof logger.info !== 'function')) {
    throw new SentinelConfigError('logger', 'expected an object with an info(message, extra) method');
  }
  validateSnsSignatureOptions((options as SourceAllowlistOptions).snsSignature);
  return options as SourceAllowlistOptions;
}

/**
 * Reports a failure of a side channel (event recording, onRefuse, logging) once per process. The
 * error's text can quote what it failed on (an `onRefuse` that logged the request, a logger that
 * choked on a header), so it is redacted like any log line (rule 4).
 */
function reporter(): (what: string, error: unknown) => void {
  const reported = new Set<string>();
  let redactor: Redactor | undefined;
  return (what, error) => {
    if (reported.has(what)) return;
    reported.add(what);
    try {
      // Built on the first failure only: most functions never pay for it.
      redactor ??= createRedactor();
      console.error(
        JSON.stringify({
          level: 'ERROR',
          message: `source-allowlist: ${what} failed; the allowlist decision is unaffected`,
          error: redactor.redactString(
            error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          ),
        }),
      );
    } catch {
      // Nowhere left to report to.
    }
  };
}

function rejectedSource(
  source: InvocationSource,
  verdict: Exclude<Verdict, { allowed: true }>,
): RejectedSource {
  const rejected: RejectedSource = { kind: source.kind };
  const account = originAccount(verdict.origin);
  const region = originRegion(verdict.origin);
  if (verdict.origin.arn !== undefined) rejected.arn = verdict.origin.arn;
  if (account !== undefined) rejected.accountId = account;
  if (region !== undefined) rejected.region = region;
  if (source.apiId !== undefined) rejected.apiId = source.apiId;
  if (source.stage !== undefined) rejected.stage = source.stage;
  return rejected;
}

/**
 * Refuses invocations whose classified source matches no `allow` rule. Use
 * it innermost (last in `.use()`), just outside the handler. The handler
 * never runs for a refused invocation; HTTP kinds get a 403 response set in
 * this middleware's `onError` (no early return, so every outer `onError`
 * still logs, measures and closes the trace), authorizers throw
 * `Unauthorized`, everything else throws `InvocationSourceRejectedError`.
 * SNS records that only a `verifySignature` rule allows are verified before
 * the handler runs (the first certificate per URL is fetched once per
 * process); a failure refuses them as `invalid_signature`.
 */
export function sourceAllowlist(options: SourceAllowlistOptions): MiddlewareObj {
  const { allow, mode = 'enforce', onRefuse, logger, snsSignature = {} } = validateOptions(options);
  const rules: CompiledRule[] | undefined =
    mode === 'observe' && allow === undefined ? undefined : compileRules(allow);
  const report = reporter();

  const classify = (request: Request): InvocationSource => {
    try {
      return invocationSource(request);
    } catch (error) {
      // Classification never throws by contract; if it does, the source is unknown (refused unless allowed).
      report('classification', error);
      return { kind: 'unknown' };
    }
  };

  if (mode === 'observe') {
    const seen = new SeenSignatures();
    const before = (request: Request): void => {
      try {
        const source = classify(request);
        const observed = observedSource(source);
        if (!seen.firstTime(JSON.stringify(observed))) return;
        const line: Omit<ObservedLine, 'message'> = { sentinel: OBSERVED_MARKER, invocationSource: observed };
        if (rules) {
          line.allowed =
            !hasUnjudgedRecords(request.event, source) &&
            judge(rules, source, ownAccountId(request.context), invocationState(request).tenantId).allowed;
        }
        if (logger) logger.info(OBSERVED_MESSAGE, line);
        else console.log(JSON.stringify({ level: 'INFO', message: OBSERVED_MESSAGE, ...line }));
      } catch (error) {
        report('observe-mode logging', error);
      }
    };
    return { name: 'sourceAllowlist', before };
  }

  const verifier = SnsVerifier.create(rules!, snsSignature, (error) =>
    report('fetching an SNS signing certificate', error),
  );

  /** Verifies the SNS records only `verifySignature` rules allow; refuses (rejects) if one fails. */
  const verifySignatures = async (
    request: Request,
    source: InvocationSource,
    pending: readonly number[],
  ): Promise<void> => {
    let failure: SignatureFailure | undefined;
    try {
      failure = await verifier!.verify(request.event, source, pending);
    } catch (error) {
      // Never expected (verify does not reject); fail closed all the same.
      report('signature verification', error);
      failure = { recordIndex: pending[0] ?? 0, origin: {}, problem: 'bad_signature' };
    }
    if (failure === undefined) return;
    refuse(
      request,
      source,
      {
        allowed: false,
        reason: 'invalid_signature',
        origin: failure.origin,
        recordIndex: failure.recordIndex,
      },
      failure.problem,
    );
  };

  const before = (request: Request): void | Promise<void> => {
    const source = classify(request);
    let verdict: Verdict;
    let pending: number[] = [];
    try {
      const tenantId = invocationState(request).tenantId;
      verdict = hasUnjudgedRecords(request.event, source)
        ? {
            allowed: false,
            reason: 'oversized_batch',
            origin: { arn: source.arn, accountId: source.accountId, region: source.region },
          }
        : judge(rules!, source, ownAccountId(request.context), tenantId);
      if (verdict.allowed && verifier)
        pending = verifier.pending(source, ownAccountId(request.context), tenantId);
    } catch (error) {
      // Fail closed: an allowlist that cannot decide refuses.
      report('matching', error);
      verdict = { allowed: false, reason: 'no_matching_rule', origin: {} };
    }
    if (verdict.allowed) {
      // Only SNS records that a verifySignature rule alone allows make the invocation wait.
      return pending.length > 0 ? verifySignatures(request, source, pending) : undefined;
    }
    refuse(request, source, verdict);
  };

  const refuse = (
    request: Request,
    source: InvocationSource,
    verdict: Exclude<Verdict, { allowed: true }>,
    signatureProblem?: SnsSignatureProblem,
  ): never => {
    const rejected = rejectedSource(source, verdict);
    // Validated by core (1-256 characters, no control characters): safe to name in the event.
    const tenantId = verdict.reason === 'tenant_not_allowed' ? invocationState(request).tenantId : undefined;
    try {
      recordSecurityEvent(
        {
          type: 'source_rejected',
          severity: 'high',
          message: REFUSAL_MESSAGES[verdict.reason] ?? REFUSAL_MESSAGES.no_matching_rule,
          detail: {
            ...rejected,
            reason: verdict.reason,
            ...(tenantId !== undefined ? { tenantId } : {}),
            recordIndex: verdict.recordIndex,
            ...(signatureProblem !== undefined ? { signatureProblem } : {}),
          },
          recordedBy: 'source-allowlist',
        },
        request,
      );
    } catch (error) {
      report('recording the security event', error);
    }
    if (onRefuse) {
      try {
        onRefuse({
          source: { ...rejected },
          reason: verdict.reason,
          ...(verdict.recordIndex !== undefined ? { recordIndex: verdict.recordIndex } : {}),
          ...(signatureProblem !== undefined ? { signatureProblem } : {}),
        });
      } catch (error) {
        report('onRefuse', error);
      }
    }

    // API Gateway turns exactly this message into a 401.
    if (authorizerKinds.has(source.kind)) throw new Error('Unauthorized');
    const error = new InvocationSourceRejectedError(rejected, verdict.reason);
    if (httpKinds.has(source.kind)) {
      const stash: Stash = { error, response: forbiddenResponse(source.kind, request.event) };
      (request.internal as Record<string, unknown>)[STASH_KEY] = stash;
    }
    // Throwing (not returning) skips the handler yet keeps every outer onError in the chain.
    throw error;
  };

  const onError = (request: Request): void => {
    const stash = (request.internal as Record<string, unknown> | undefined)?.[STASH_KEY] as Stash | undefined;
    // Only our own refusal becomes a 403; a handler error passes through untouched.
    if (stash && request.error === stash.error) request.response = stash.response;
  };

  return { name: 'sourceAllowlist', before, onError };
}
