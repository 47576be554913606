import type { MiddlewareObj } from '@middy/core';
import { bindPolicy, registerProcessPolicy, releaseProcessPolicy } from './active-policy.ts';
import { installHooks } from './hooks/install.ts';
import {
  compilePolicy,
  type NormalisedOptions,
  normaliseOptions,
  type RuntimeGuardOptions,
} from './policy.ts';

/** What {@link runtimeGuard} returns: a Middy middleware, plus the effective policy and `release()`. */
export interface RuntimeGuardMiddleware extends MiddlewareObj {
  /** The effective policy, defaults filled in. */
  readonly policy: NormalisedOptions;
  /**
   * Stops this guard from governing code that runs outside its invocations
   * (init, background work). Its invocations stay guarded; the hooks stay
   * installed and pass calls straight through when no guard applies.
   */
  release(): void;
}

/**
 * Watches child processes, file reads and writes, and outbound connections,
 * and blocks or alerts on what the policy does not allow.
 *
 * Construct it at module scope, before the code you want watched runs: the
 * hooks are installed at construction, so actions during the rest of init
 * are caught too and reported with the first invocation.
 *
 * ```ts
 * const orders = new DynamoDBClient({});
 * export const handler = middy(fn).use(
 *   runtimeGuard({ mode: 'block', clients: [orders], outbound: { allowHosts: ['db.internal:3306'] } }),
 * );
 * ```
 */
export function runtimeGuard(options?: RuntimeGuardOptions): RuntimeGuardMiddleware {
  const normalised = normaliseOptions(options);
  const policy = compilePolicy(normalised);
  installHooks(policy);
  registerProcessPolicy(policy);
  return {
    policy: normalised,
    release: () => releaseProcessPolicy(policy),
    before: async (request) => {
      // Rule 1: the guard's bookkeeping never fails the invocation.
      try {
        bindPolicy(request, policy);
      } catch {}
      // The clients' own endpoints are known before the handler runs (settled after the first time).
      await policy.outbound.ready;
    },
  };
}
