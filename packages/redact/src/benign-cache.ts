/**
 * Strings the redactor left exactly as they were, remembered so a value that
 * repeats — a header, a user agent, an ARN, a JSON body logged twice — is
 * not scanned again. Logs repeat most of their values, across lines and
 * across invocations; scanning is the engine's main cost.
 *
 * Only unchanged strings are kept, so nothing secret is retained (they are
 * printed as they are anyway). Bounded: cleared when full, so hostile input
 * costs at most an insertion per string and a fixed amount of memory.
 */
import { SHORT_STRING } from './detector.ts';

const MAX_ENTRIES = 4096;
/**
 * Shorter strings are settled by the walk's short-string gate (SHORT_STRING) or scanned when they
 * hold a gate character; from this length on a lookup is cheaper than the scan. Very long strings
 * are not worth keeping.
 */
const MIN_LENGTH = SHORT_STRING;
const MAX_LENGTH = 2048;

export class BenignCache {
  /** String → the deepest nesting depth at which it came out unchanged (a JSON string can hit the depth limit deeper down). */
  readonly #entries = new Map<string, number>();

  /** Was `s` unchanged at this depth or deeper? */
  // Stryker disable next-line BlockStatement: a cache that answers nothing only costs a rescan (speed only)
  has(s: string, depth: number): boolean {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: add() keeps the same bounds, so a lookup outside them finds nothing anyway
    if (s.length < MIN_LENGTH || s.length > MAX_LENGTH) return false;
    const deepest = this.#entries.get(s);
    return deepest !== undefined && depth <= deepest;
  }

  /** Remember that `s` came out unchanged at `depth`. */
  // Stryker disable next-line BlockStatement: remembering nothing only costs a rescan (speed only)
  add(s: string, depth: number): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: the length bounds are a speed choice; an unchanged string of any length is safe to remember
    if (s.length < MIN_LENGTH || s.length > MAX_LENGTH) return;
    const deepest = this.#entries.get(s);
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: skipping or forcing the update only keeps a shallower depth than it could (fewer hits, a rescan), never a deeper one
    if (deepest !== undefined && deepest >= depth) return;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: when the cache is emptied only bounds memory and costs rescans
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    // Stryker disable next-line CallExpression: not remembering only costs a rescan (speed only)
    this.#entries.set(s, depth);
  }
}
