export { classifyEvent } from './classify.ts';
export {
  claimInvocationEnd,
  finishIfSuspended,
  finishSuspendedInvocation,
  isDurableSuspended,
  type SuspendFinisher,
} from './durable-suspend.ts';
export { SentinelConfigError } from './errors.ts';
export { type ExpiryFacts, expiryTime, FUNCTION_EXPIRED, reportExpiry } from './expiry.ts';
export {
  type FunctionIdentity,
  functionIdentity,
  type IdentityContext,
  type IdentityOptions,
  ownAccountId,
  parseTags,
} from './identity.ts';
export { finishWhenInvocationEnds } from './invocation-end.ts';
export { invocationSource } from './invocation-source.ts';
export { isOwnOutput, ownOutput } from './own-output.ts';
export {
  deferUntilStreamEnds,
  type StreamEndFinisher,
  type StreamingRequestLike,
} from './response-stream.ts';
export {
  AUTHORIZER_SOURCE_KINDS,
  BATCH_SOURCE_KINDS,
  HTTP_SOURCE_KINDS,
  type InvocationSource,
  isSourceKind,
  SOURCE_KINDS,
  type SourceKind,
  type SourceRecord,
} from './source-kinds.ts';
export {
  countRedactions,
  currentInvocationState,
  type InvocationState,
  type InvokeStoreLike,
  invocationState,
  invokeStore,
  isReplaying,
  MAX_TENANT_ID_LENGTH,
  type RequestLike,
  recordSecurityEvent,
  type SecurityEvent,
  type SecurityEventDetail,
  type SecurityEventInput,
  type SecurityEventType,
  type SecuritySeverity,
  validTenantId,
} from './state.ts';
