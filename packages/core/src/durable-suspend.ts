import { type InvocationState, invocationState, isDurableInvocation, type RequestLike } from './state.ts';

/**
 * Durable functions: an invocation that suspends (a wait, a callback, a retry delay not over
 * yet) never settles its handler's promise — the AWS Durable Execution SDK answers Lambda with
 * `PENDING` instead — so no `after` and no `onError` runs for it. Each Sentinel middleware
 * registers here, in `before`, the end-of-invocation work it would do in `after`; when the
 * invocation ends suspended, the durable execution mode (`sentinelDurableExecution()` of
 * `@lambda-sentinel/preset/durable`) runs it with {@link finishSuspendedInvocation}, inside out
 * as `after` runs, before the answer reaches Lambda. The same shape as
 * `deferUntilStreamEnds` for response streaming.
 */

/** A middleware's end-of-invocation work for an invocation that suspended. */
export type SuspendFinisher = (request: RequestLike) => void | Promise<void>;

interface Registration {
  finish: SuspendFinisher;
  /** Claimed by the middleware's own `after` / `onError`: the suspension skips it. */
  done: boolean;
}

const SLOT = '@lambda-sentinel/durable-suspend';

function registrations(state: InvocationState): Registration[] {
  let list = state.slots.get(SLOT) as Registration[] | undefined;
  if (!list) {
    list = [];
    state.slots.set(SLOT, list);
  }
  return list;
}

/**
 * Call from `before`: if the invocation of `request` suspends, `finish` runs (once) before the
 * durable execution mode answers Lambda. Only for a durable invocation (its context carries the
 * durable SDK's `durableExecutionMode`); for any other, nothing is registered. Use one `finish` per middleware instance (it receives
 * the request): registering the same function again for the same invocation does nothing.
 * Never throws (rule 1); a `finish` that is not a function is ignored.
 */
export function finishIfSuspended(request: RequestLike, finish: SuspendFinisher): void {
  try {
    if (typeof finish !== 'function') return;
    const state = invocationState(request);
    // Only a durable invocation can suspend: every other one costs nothing here.
    if (!isDurableInvocation(state)) return;
    const list = registrations(state);
    if (list.some((entry) => entry.finish === finish)) return;
    list.push({ finish, done: false });
  } catch {
    // A request that cannot carry state: nothing to finish later.
  }
}

/**
 * Call first in `after` and `onError`: true when the middleware should finish the invocation
 * there, false when {@link finishSuspendedInvocation} already finished it — the handler's chain
 * settling after its invocation was reported as suspended must not report it twice. Once this
 * returns true, a later suspension no longer runs that middleware's `finish`. Never throws: a
 * request without usable state answers true (finish as usual).
 */
export function claimInvocationEnd(request: RequestLike, finish: SuspendFinisher): boolean {
  try {
    const state = invocationState(request);
    if (state.durableSuspended) return false;
    const entry = (state.slots.get(SLOT) as Registration[] | undefined)?.find(
      (registered) => registered.finish === finish,
    );
    if (entry) entry.done = true;
    return true;
  } catch {
    return true;
  }
}

/**
 * True when the invocation of `request` ended suspended and was finished as such
 * ({@link InvocationState.durableSuspended}). Never throws.
 */
export function isDurableSuspended(request: RequestLike): boolean {
  try {
    return invocationState(request).durableSuspended === true;
  } catch {
    return false;
  }
}

/**
 * For a durable execution mode, when the SDK answered `PENDING`: marks the invocation
 * {@link InvocationState.durableSuspended} and runs every registered `finish` not yet run, in
 * the reverse order of registration (inside out, as `after` runs), one at a time, each isolated
 * (rule 1: one that throws or rejects never stops the next, and nothing reaches the caller).
 * At most once per invocation: returns true when it finished it, false when it had been
 * finished already (or the request carries no state).
 */
export async function finishSuspendedInvocation(request: RequestLike): Promise<boolean> {
  let state: InvocationState;
  try {
    state = invocationState(request);
  } catch {
    return false;
  }
  if (state.durableSuspended) return false;
  (state as { durableSuspended?: boolean }).durableSuspended = true;
  const list = (state.slots.get(SLOT) as Registration[] | undefined) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const entry = list[i];
    if (!entry || entry.done) continue;
    try {
      await entry.finish(request);
    } catch {
      // Rule 1: each middleware reports its own failures; one never stops the next.
    }
  }
  return true;
}
