import { performance } from 'node:perf_hooks';

/**
 * Runs a callback when its deadline passes, for any number of pending deadlines, on ONE timer.
 *
 * `emfMetrics` publishes an invocation still running shortly before the Lambda timeout; a timer
 * per invocation (set in `before`, cleared in `after`) cost a timer list insert and removal every
 * time, for a deadline that almost never arrives. Here the timer is armed for the earliest
 * pending deadline and left in place when an invocation ends: a function serving invocations back
 * to back, each with the same timeout, re-arms it about once per timeout period instead of once
 * per invocation. When it fires it runs what is due, then re-arms for the earliest deadline still
 * pending, if any. It keeps the process alive only while a deadline is pending, as a timer per
 * invocation did: a handler awaiting a promise that never settles is still published before the
 * timeout, and an idle process is never held open by it.
 */
export class Deadlines {
  readonly #pending = new Map<() => void, number>();
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** Runs `onDue` once, `inMs` from now, unless {@link cancel}led first. `onDue` must not throw. */
  add(onDue: () => void, inMs: number): void {
    const dueAt = performance.now() + inMs;
    this.#pending.set(onDue, dueAt);
    if (dueAt < this.#armedFor) this.#arm(dueAt);
    else this.#timer?.ref();
  }

  /** Forgets `onDue`: it will not run. The timer stays armed (unref'd once nothing is pending). */
  cancel(onDue: () => void): void {
    this.#pending.delete(onDue);
    if (this.#pending.size === 0) this.#timer?.unref();
  }

  /** How many callbacks are waiting for their deadline. */
  get size(): number {
    return this.#pending.size;
  }

  #arm(dueAt: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = dueAt;
    this.#timer = setTimeout(this.#fire, Math.max(0, dueAt - performance.now()));
    if (this.#pending.size === 0) this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    // Timers run on whole milliseconds of the loop's clock: one can fire a fraction of one early.
    const now = performance.now() + 1;
    let next = Number.POSITIVE_INFINITY;
    for (const [onDue, dueAt] of this.#pending) {
      if (dueAt > now) {
        next = Math.min(next, dueAt);
        continue;
      }
      this.#pending.delete(onDue);
      onDue();
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  };
}
