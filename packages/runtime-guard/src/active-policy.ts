import { currentInvocationState, invocationState, type RequestLike } from '@lambda-sentinel/core';
import type { CompiledPolicy } from './policy.ts';

/**
 * Which guard governs a watched call. Inside an invocation that passed a
 * runtimeGuard middleware: that guard's policy, kept on the invocation's own
 * state so concurrent invocations of differently guarded handlers never
 * borrow each other's (rule 2). Anywhere else — init, background work, a
 * handler without a guard — the most recently constructed guard that has not
 * been released. That list is a process fact (the hooks are process-wide),
 * not per-invocation state.
 */

const SLOT = 'runtime-guard.policy';
const processPolicies: CompiledPolicy[] = [];

export function registerProcessPolicy(policy: CompiledPolicy): void {
  processPolicies.push(policy);
}

export function releaseProcessPolicy(policy: CompiledPolicy): void {
  const index = processPolicies.lastIndexOf(policy);
  if (index !== -1) processPolicies.splice(index, 1);
}

export function bindPolicy(request: RequestLike, policy: CompiledPolicy): void {
  invocationState(request).slots.set(SLOT, policy);
}

export function activePolicy(): CompiledPolicy | undefined {
  const state = currentInvocationState();
  const bound = state?.slots.get(SLOT) as CompiledPolicy | undefined;
  return bound ?? processPolicies[processPolicies.length - 1];
}
