import type { PolicyName } from './policy.ts';

/**
 * Thrown (or passed to the callback, or emitted by the stream) when a
 * policy in `block` mode stops an action. Nothing was started, written,
 * read or connected. `target` is the path, host:port or executable.
 */
export class RuntimeGuardViolationError extends Error {
  /** Always `RuntimeGuardViolationError`. */
  override readonly name = 'RuntimeGuardViolationError';
  /** Always `ERR_RUNTIME_GUARD_VIOLATION`, for code that tells errors by `code`. */
  readonly code = 'ERR_RUNTIME_GUARD_VIOLATION';
  /** The policy that blocked it. */
  readonly policy: PolicyName;
  /** The API that was called, e.g. `fs.writeFileSync`, `child_process.spawn`, `net.connect`. */
  readonly operation: string;
  /** What it was called on: the path, `host:port` or executable. */
  readonly target: string;

  constructor(policy: PolicyName, operation: string, target: string) {
    super(`Runtime guard blocked ${operation} of ${target} (policy ${policy})`);
    this.policy = policy;
    this.operation = operation;
    this.target = target;
  }
}
