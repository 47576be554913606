/**
 * Promises that settle once a condition over what a receiver has collected
 * holds: the receiver calls `notify()` whenever something arrives, and
 * `waitFor` re-checks then, rejecting after `timeoutMs` with the receiver's
 * name and `describe()` of what did arrive (or at once if the predicate
 * throws).
 */
export class Waiters<T> {
  readonly #name: string;
  readonly #items: readonly T[];
  readonly #describe: () => string;
  readonly #checks = new Set<() => void>();

  constructor(name: string, items: readonly T[], describe: () => string) {
    this.#name = name;
    this.#items = items;
    this.#describe = describe;
  }

  notify(): void {
    for (const check of [...this.#checks]) check();
  }

  waitFor(predicate: (items: readonly T[]) => boolean, timeoutMs = 5000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#checks.delete(check);
      };
      const check = (): void => {
        let met: boolean;
        try {
          met = predicate(this.#items);
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        if (!met) return;
        finish();
        resolve([...this.#items]);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.#name}: condition not met within ${timeoutMs} ms; ${this.#describe()}`));
      }, timeoutMs);
      this.#checks.add(check);
      check();
    });
  }
}
