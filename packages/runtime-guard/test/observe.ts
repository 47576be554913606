import { currentInvocationState, type SecurityEvent } from '@lambda-sentinel/core';
import { invoke } from '@lambda-sentinel/testing';

/**
 * Runs `action` inside an invocation with no guard middleware (the process
 * policy governs) and returns its outcome with the `guard_violation` events
 * it recorded. Rethrows what the invocation failed with.
 */
export async function violationsDuring<T>(
  action: () => Promise<T> | T,
): Promise<{ outcome: T; events: SecurityEvent[] }> {
  let events: SecurityEvent[] = [];
  const result = await invoke(async () => {
    const outcome = await action();
    events = (currentInvocationState()?.securityEvents ?? []).filter((e) => e.type === 'guard_violation');
    return outcome;
  }, {});
  if (result.error) throw result.error;
  return { outcome: result.result as T, events };
}
