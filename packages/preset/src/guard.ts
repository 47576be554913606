/**
 * `@lambda-sentinel/preset/guard`: `sentinel()` that also takes `guard: true`
 * or `runtimeGuard()` options and builds the guard itself. It imports
 * `@lambda-sentinel/runtime-guard`; the main entry point does not, so
 * functions without a guard do not bundle it.
 */
import {
  type RuntimeGuardMiddleware,
  type RuntimeGuardOptions,
  runtimeGuard,
} from '@lambda-sentinel/runtime-guard';
import type { MiddlewareObj } from '@middy/core';
import { buildSentinel, type SentinelOptions } from './sentinel.ts';

/** `sentinel()`'s options from `@lambda-sentinel/preset/guard`: the same, with `guard` taking `true` or `runtimeGuard()` options too. */
export interface SentinelGuardOptions extends Omit<SentinelOptions, 'guard'> {
  /**
   * The runtime guard: `true` is the strict default — every policy blocks,
   * with the default lists (writes only under `/tmp`, no reads of the task
   * root or the process environment, no child processes, connections only to
   * the endpoints of `clients` — or, without clients, the AWS service endpoints
   * of `AWS_REGION` — and the Runtime API). The guard is given `clients` unless
   * its own options name some. An object is passed
   * to `runtimeGuard()` as is (its `mode` defaults to `alert`); its config
   * errors name `guard.<option>`. A built `runtimeGuard(...)` works too.
   * The guard is built when `sentinel()` is called, last, once every other
   * option has been accepted: call it at module scope so the rest of init is watched.
   */
  guard?: RuntimeGuardOptions | RuntimeGuardMiddleware | boolean;
}

/**
 * Every Lambda Sentinel middleware, as `sentinel()` from
 * `@lambda-sentinel/preset`, with the runtime guard built from `guard`.
 *
 * ```ts
 * export const handler = middy(fn).use(sentinel({ serviceName: 'orders', allow, guard: { mode: 'block' } }));
 * ```
 */
export function sentinel(options: SentinelGuardOptions): MiddlewareObj[] {
  return buildSentinel(options, runtimeGuard);
}
