import { performance } from 'node:perf_hooks';

/** One invocation's view of the event loop. */
export interface LoopWindow {
  readonly openedAt: number;
  /** Longest stretch (ms) the loop was blocked while this window was open. */
  maxBlockedMs: number;
}

/**
 * Measures how long the event loop stays blocked, per invocation.
 *
 * A repeating timer ticks every `intervalMs` while any window is open. A
 * tick that runs late proves the loop was busy from its due time until it
 * ran; that lateness (clipped to the window's opening, so a freeze between
 * invocations or another's earlier block is not charged) is credited to
 * every open window. Closing a window also counts the tick that is overdue
 * *right now*: a synchronous busy loop at the end of a handler is followed
 * by `after` in the same macrotask, before any timer can fire, and
 * `perf_hooks.monitorEventLoopDelay` misses it for the same reason.
 *
 * Accuracy: a block of B ms reads between B - intervalMs and B; an idle loop
 * reads 0-2 ms. Cost: one timer wake-up per interval while invocations run,
 * none when idle. The loop is shared, so concurrent invocations all see a
 * block any one of them causes — which is what they experienced.
 */
export class EventLoopMonitor {
  readonly #intervalMs: number;
  readonly #open = new Set<LoopWindow>();
  #timer: NodeJS.Timeout | undefined;
  #lastTick = 0;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  open(): LoopWindow {
    const now = performance.now();
    const window: LoopWindow = { openedAt: now, maxBlockedMs: 0 };
    this.#open.add(window);
    if (!this.#timer) {
      this.#lastTick = now;
      this.#timer = setInterval(this.#tick, this.#intervalMs);
      // Never keep a process alive just to watch it.
      this.#timer.unref();
    }
    return window;
  }

  /** Closes `window` and returns its longest blocked stretch in ms. */
  close(window: LoopWindow): number {
    if (this.#open.delete(window)) this.#credit(window, performance.now());
    return window.maxBlockedMs;
  }

  #credit(window: LoopWindow, now: number): void {
    const blockedSince = Math.max(this.#lastTick + this.#intervalMs, window.openedAt);
    const blocked = now - blockedSince;
    if (blocked > window.maxBlockedMs) window.maxBlockedMs = blocked;
  }

  readonly #tick = (): void => {
    const now = performance.now();
    for (const window of this.#open) this.#credit(window, now);
    this.#lastTick = now;
    // Stop lazily, one interval after the last window closed, so back-to-back
    // invocations do not pay for creating a timer each.
    if (this.#open.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  };
}
