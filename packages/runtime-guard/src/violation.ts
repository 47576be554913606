import { recordSecurityEvent } from '@lambda-sentinel/core';
import { RuntimeGuardViolationError } from './errors.ts';
import type { GuardMode, PolicyName } from './policy.ts';

const MAX_TARGET = 256;

function clip(text: string): string {
  return text.length > MAX_TARGET ? `${text.slice(0, MAX_TARGET - 1)}…` : text;
}

/**
 * Records a `guard_violation` security event on the current invocation (or,
 * at init, for the first invocation) and, in `block` mode, returns the error
 * the hook must fail the call with. The logger writes the event as a WARN
 * line through the redactor; metrics count it; annotations name it.
 */
export function violation(
  policy: PolicyName,
  mode: GuardMode,
  operation: string,
  target: string,
  extra?: Record<string, string>,
): RuntimeGuardViolationError | undefined {
  const blocked = mode === 'block';
  const shownTarget = clip(target);
  recordSecurityEvent({
    type: 'guard_violation',
    severity: 'high',
    message: `${blocked ? 'Blocked' : 'Alert:'} ${operation} of ${shownTarget} (policy ${policy})`,
    detail: { policy, operation, target: shownTarget, mode, blocked, ...extra },
    recordedBy: 'runtime-guard',
    // The act happened again for real, even in code a durable function replays.
    keepWhenReplaying: true,
  });
  return blocked ? new RuntimeGuardViolationError(policy, operation, shownTarget) : undefined;
}
