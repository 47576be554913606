export { InvocationSourceRejectedError, type RejectedSource } from './errors.ts';
export type { RefusalReason } from './matcher.ts';
export {
  type ObserveLogger,
  type Refusal,
  type SourceAllowlistOptions,
  sourceAllowlist,
} from './middleware.ts';
export { OBSERVED_MESSAGE, type ObservedLine, type ObservedSource } from './observe.ts';
export { readObservedSources } from './read-observed.ts';
export type { AllowRule } from './rules.ts';
export type { FetchCertificate } from './sns-certificates.ts';
export type { SnsSignatureProblem } from './sns-signature.ts';
export { DEFAULT_MAX_MESSAGE_AGE_SECONDS, type SnsSignatureOptions } from './sns-verify.ts';
export { suggestAllowlist } from './suggest.ts';
