/**
 * Path rules: `headers.Authorization`, `Records[*].body.card`, `**.ssn`.
 *
 * Each path compiles to a list of segments; matching runs as a tiny NFA while
 * the walker descends, so a node's states are derived from its parent's in
 * one step per key instead of re-matching whole paths. Paths continue into
 * JSON held in strings (an SQS `body`), because the walker parses those.
 */
import { SentinelConfigError } from '@lambda-sentinel/core';

type Segment =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'deep' };

/**
 * A set of active NFA states (`pattern * STRIDE + segment`), interned so that each
 * set caches its transitions: after warm-up, a step is one Map lookup (a lazy DFA).
 */
export interface PathStates {
  readonly nfa: readonly number[];
  readonly next: Map<string | number, PathStates>;
}

const STRIDE = 1024;
// Bounds on the lazy DFA, so hostile keys (or huge arrays) cannot grow memory without limit.
const MAX_TRANSITIONS_PER_STATE = 256;
const MAX_STATE_SETS = 1024;

export const NO_STATES: PathStates = { nfa: [], next: new Map() };
/** Returned by `step` when some path ends exactly at the child: censor it, no need to descend. */
export const MATCHED: PathStates = { nfa: [-1], next: new Map() };

export interface PathMatcher {
  readonly initial: PathStates;
  /** States after descending into `key`: MATCHED, NO_STATES, or the states still alive. */
  step(states: PathStates, key: string | number): PathStates;
}

function parsePath(path: string): Segment[] {
  const fail = (why: string): never => {
    throw new SentinelConfigError('paths', `cannot parse "${path}": ${why}`);
  };
  const segments: Segment[] = [];
  let i = 0;
  let expectName = true;
  while (i < path.length) {
    const c = path[i];
    if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) fail('unclosed [');
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') segments.push({ kind: 'any' });
      else if (/^\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) segments.push({ kind: 'name', name: inner.slice(1, -1) });
      else fail(`bad bracket "[${inner}]" (use [*], [0] or ["name"])`);
      i = close + 1;
      expectName = false;
    } else if (c === '.') {
      if (expectName) fail('empty segment');
      i++;
      expectName = true;
    } else {
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      const name = path.slice(i, end);
      if (!expectName) fail(`missing "." before "${name}"`);
      segments.push(
        name === '**' ? { kind: 'deep' } : name === '*' ? { kind: 'any' } : { kind: 'name', name },
      );
      i = end;
      expectName = false;
    }
  }
  if (segments.length === 0 || expectName) fail('empty or trailing segment');
  if (segments.length >= STRIDE) fail('too many segments');
  return segments;
}

function segmentMatches(segment: Segment, key: string | number): boolean {
  switch (segment.kind) {
    case 'any':
      return true;
    case 'index':
      return key === segment.index;
    case 'name':
      return typeof key === 'number' ? segment.name === String(key) : segment.name === key;
    // Stryker disable next-line ConditionalExpression: unreachable: every segment kind but 'deep' has its case, and 'deep' never gets here.
    default:
      // Stryker disable next-line BooleanLiteral: unreachable: every segment kind but 'deep' has its case, and 'deep' never gets here.
      return false;
  }
}

export function compilePaths(paths: readonly string[]): PathMatcher | undefined {
  if (paths.length === 0) return undefined;
  const patterns = paths.map((path) => {
    if (typeof path !== 'string' || path.trim() === '') {
      throw new SentinelConfigError('paths', 'every path must be a non-empty string');
    }
    return parsePath(path.trim());
  });

  // Add (p, s) and, because `**` may match zero segments, everything it can skip to.
  const addClosure = (out: number[], p: number, s: number): void => {
    const segments = patterns[p]!;
    for (;;) {
      const state = p * STRIDE + s;
      if (!out.includes(state)) out.push(state);
      if (segments[s]?.kind !== 'deep') return;
      s++;
    }
  };

  const interned = new Map<string, PathStates>();
  const intern = (nfa: number[]): PathStates => {
    // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: sorting only lets equal state sets share one interned object; an unsorted set becomes a separate state that behaves the same.
    nfa.sort((a, b) => a - b);
    const signature = nfa.join(',');
    let states = interned.get(signature);
    if (states === undefined) {
      states = { nfa, next: new Map() };
      // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: interning is a cache with a size bound; a state set not interned is rebuilt and behaves the same.
      if (interned.size < MAX_STATE_SETS) interned.set(signature, states);
    }
    return states;
  };

  const compute = (states: PathStates, key: string | number): PathStates => {
    let next: number[] | undefined;
    for (const state of states.nfa) {
      const p = Math.floor(state / STRIDE);
      const s = state % STRIDE;
      const segments = patterns[p]!;
      const segment = segments[s]!;
      let target: number;
      if (segment.kind === 'deep') target = s;
      else if (segmentMatches(segment, key)) target = s + 1;
      else continue;
      if (target === segments.length) return MATCHED;
      next ??= [];
      addClosure(next, p, target);
    }
    if (next === undefined) return NO_STATES;
    for (const state of next) {
      if (state % STRIDE === patterns[Math.floor(state / STRIDE)]!.length) return MATCHED;
    }
    return intern(next);
  };

  const initial: number[] = [];
  for (let p = 0; p < patterns.length; p++) addClosure(initial, p, 0);

  return {
    initial: intern(initial),
    step(states, key) {
      if (states === NO_STATES) return NO_STATES;
      let next = states.next.get(key);
      if (next === undefined) {
        next = compute(states, key);
        // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: the transition cache with its size bound; an uncached step is computed again with the same result.
        if (states.next.size < MAX_TRANSITIONS_PER_STATE) states.next.set(key, next);
      }
      return next;
    },
  };
}
