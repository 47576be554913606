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
export { suggestAllowlist } from './suggest.ts';
