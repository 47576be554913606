export { RuntimeGuardViolationError } from './errors.ts';
export { type RuntimeGuardMiddleware, runtimeGuard } from './middleware.ts';
export {
  type PermissionModel,
  type PermissionModelEnvironment,
  permissionModelFlags,
} from './permission-model.ts';
export type {
  ChildProcessPolicy,
  FileReadPolicy,
  FileWritePolicy,
  GuardMode,
  NormalisedOptions,
  NormalisedPolicy,
  OutboundPolicy,
  PolicyName,
  RuntimeGuardOptions,
} from './policy.ts';
