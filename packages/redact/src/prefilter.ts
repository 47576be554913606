/**
 * The keyword prefilter: ONE pass over a string tells which detectors could
 * possibly match it, as gitleaks does, so a string with no keyword costs no
 * regex at all. Keywords are matched case-insensitively by an Aho–Corasick
 * automaton compiled once into a flat transition table over character
 * classes (ASCII folded to lower case, look-alike letters folded to ASCII,
 * invisible characters skipped). The same pass counts digits and measures
 * runs of token characters for the few formats that have no keyword.
 */
import {
  type Detector,
  FEATURE_CARD_RUN,
  FEATURE_DIGITS_8,
  FEATURE_IBAN_START,
  FEATURE_RUN_40,
  FEATURE_RUN_DOT,
  SHORT_STRING,
} from './detector.ts';
import { foldedUnits } from './fold.ts';

// Character classes. 1–10 digits and 11–36 letters first, then the other
// token characters, so "is a digit" and "is a token character" are ranges.
const TOKEN_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz_-+/';
const DIGIT_MAX = 10;
const LETTER_MAX = 36;
const TOKEN_MAX = TOKEN_CHARS.length;
const PUNCTUATION = '.:=@%$~ #?&;,!*()[]{}<>|"\'\\`^\t\n\r';
const DOT = TOKEN_MAX + 1;
const CLASS_COUNT = TOKEN_MAX + PUNCTUATION.length + 2; // + "other" (0) + "invisible"
const INVISIBLE = CLASS_COUNT - 1;

/** UTF-16 unit → class; 0 for anything no keyword contains. Built once per process. */
const CLASS_OF = buildClassTable();

function buildClassTable(): Uint8Array {
  const table = new Uint8Array(65536);
  const assign = (ch: string, k: number) => {
    table[ch.charCodeAt(0)] = k;
    const upper = ch.toUpperCase();
    if (upper !== ch) table[upper.charCodeAt(0)] = k;
  };
  for (let i = 0; i < TOKEN_CHARS.length; i++) assign(TOKEN_CHARS[i]!, i + 1);
  for (let i = 0; i < PUNCTUATION.length; i++) assign(PUNCTUATION[i]!, TOKEN_MAX + 1 + i);
  for (const [code, folded] of foldedUnits()) {
    table[code] = folded === '' ? INVISIBLE : table[folded.charCodeAt(0)]!;
  }
  return table;
}

function classOf(ch: string): number {
  const k = CLASS_OF[ch.charCodeAt(0)]!;
  // Stryker disable next-line LogicalOperator,StringLiteral: every keyword character has a class (built-in keywords are ASCII; user key stems are split by keyWords into ASCII letters and digits), so this guard against a bad keyword table never throws.
  if (k === 0 || ch.charCodeAt(0) > 127) throw new Error(`prefilter: keyword character "${ch}" has no class`);
  return k;
}

export interface Prefilter {
  /**
   * The detectors that may match `s`, in detector order; an empty array (the
   * same one each time) when none may. Shared lists: never to be modified.
   */
  candidates(s: string): readonly Detector[];
}

const NONE: readonly Detector[] = [];

interface Automaton {
  /**
   * Transitions, states pre-multiplied by CLASS_COUNT so a step is one add and one load; negated
   * when a keyword ends at the target state, so the scan needs no second load per character to
   * know whether to look at `outputs`.
   */
  readonly delta: Int32Array;
  /**
   * Per state (not pre-multiplied: a small array, read only when a keyword ends), the detector
   * indices whose keyword ends there; undefined where none does.
   */
  readonly outputs: readonly (readonly number[] | undefined)[];
}

// Automata are immutable and depend only on the keywords, which are the same for every redactor
// with the same options: built once per process, not once per createRedactor() (cold start).
const automata = new Map<string, Automaton>();
const MAX_AUTOMATA = 16;

/**
 * Aho–Corasick over the keyword lists (one list per detector), as a complete DFA. Built straight
 * into the transition table, with no object per trie node: it runs once per process, at cold start,
 * where every allocation brings the next young-generation collection closer.
 */
function buildAutomaton(keywordLists: readonly (readonly string[])[]): Automaton {
  // A trie has at most one state per keyword character, plus the root (state 0).
  let bound = 1;
  for (const keywords of keywordLists) for (const keyword of keywords) bound += keyword.length;
  // The trie's edges first, as target states (0 = no edge: no edge leads to the root); each row is
  // then completed into the DFA's, pre-multiplied and signed, breadth-first below.
  const delta = new Int32Array(bound * CLASS_COUNT);
  // `outputs[state]`: the detectors whose keyword ends there; most states have none.
  const outputs: (number[] | undefined)[] = [];
  const addOutput = (state: number, index: number): void => {
    const list = outputs[state];
    if (list === undefined) outputs[state] = [index];
    else if (!list.includes(index)) list.push(index);
  };
  let stateCount = 1;
  // The classes some keyword has: every other class leads each state back to the root, as the
  // zeroed table holds, so the completion below visits only these.
  const used = new Uint8Array(CLASS_COUNT);
  for (let index = 0; index < keywordLists.length; index++) {
    for (const keyword of keywordLists[index]!) {
      let state = 0;
      // Stryker disable next-line MethodExpression: upper and lower case of a letter share one class, so the case a keyword is read in builds the same automaton.
      const lower = keyword.toLowerCase();
      // Keywords come from the detector tables and from key stems, never empty: an empty one would
      // match everywhere (or, here, nowhere).
      if (lower.length === 0) throw new Error('prefilter: empty keyword');
      for (let i = 0; i < lower.length; i++) {
        const k = classOf(lower[i]!);
        used[k] = 1;
        const edge = state * CLASS_COUNT + k;
        if (delta[edge] === 0) delta[edge] = stateCount++;
        state = delta[edge]!;
      }
      addOutput(state, index);
    }
  }

  // Breadth-first, a state's row is completed when it is dequeued: its failure state is
  // shallower, so that row is complete already. A child inherits its failure state's outputs when
  // it is queued, so a target's outputs are final by the time a row points at it, and an edge
  // into a state where a keyword ends is negated there and then.
  const classes: number[] = [];
  for (let k = 1; k < CLASS_COUNT; k++) if (used[k] === 1) classes.push(k);
  const fail = new Int32Array(bound);
  const queue = new Int32Array(bound);
  let tail = 1; // the root is queued
  for (let head = 0; head < tail; head++) {
    const state = queue[head]!;
    const row = state * CLASS_COUNT;
    const failRow = fail[state]! * CLASS_COUNT;
    for (let c = 0; c < classes.length; c++) {
      const k = classes[c]!;
      const child = delta[row + k]!;
      if (child === 0) {
        delta[row + k] = delta[failRow + k]!;
        continue;
      }
      // The root's children fail to the root; any other child to where its failure state goes.
      const childFail = state === 0 ? 0 : (Math.abs(delta[failRow + k]!) / CLASS_COUNT) | 0;
      fail[child] = childFail;
      const inherited = outputs[childFail];
      if (inherited !== undefined) for (const index of inherited) addOutput(child, index);
      queue[tail++] = child;
      delta[row + k] = outputs[child] === undefined ? child * CLASS_COUNT : -child * CLASS_COUNT;
    }
    // An invisible character (no keyword has one) changes nothing.
    delta[row + INVISIBLE] = outputs[state] === undefined ? row : -row;
  }
  return { delta, outputs };
}

function automatonFor(keywordLists: readonly (readonly string[])[]): Automaton {
  const signature = JSON.stringify(keywordLists);
  let automaton = automata.get(signature);
  if (automaton === undefined) {
    automaton = buildAutomaton(keywordLists);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: the per-process cache of automata only saves rebuilding them; a rebuilt automaton is the same.
    if (automata.size >= MAX_AUTOMATA) automata.clear();
    // Stryker disable next-line CallExpression: the per-process cache of automata only saves rebuilding them; a rebuilt automaton is the same.
    automata.set(signature, automaton);
  }
  return automaton;
}

/**
 * For strings shorter than SHORT_STRING: the ASCII characters one of which any detector's match in
 * such a string contains (1 in the table), or undefined when some detector needs none (phone
 * numbers), so short strings cannot be ruled out by their characters.
 */
export function shortStringGate(detectors: readonly Detector[]): Uint8Array | undefined {
  const gate = new Uint8Array(128);
  for (const detector of detectors) {
    if (detector.short === undefined) continue;
    if (detector.short === '') return undefined;
    for (let i = 0; i < detector.short.length; i++) gate[detector.short.charCodeAt(i)] = 1;
  }
  return gate;
}

/**
 * Does `s` hold a character of `gate`, or any non-ASCII unit? A look-alike (a full-width colon)
 * may be read as its ASCII form downstream, so non-ASCII never rules a string out.
 */
export function hasAny(s: string, gate: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || gate[c] === 1) return true;
  }
  return false;
}

export interface PrefilterOptions {
  /** Rule out short strings by their characters (see SHORT_STRING). Off only to test that it changes nothing. */
  readonly shortcuts: boolean;
}

/** Compile the prefilter for these detectors (order kept in the answers). */
export function compilePrefilter(
  detectors: readonly Detector[],
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: every caller passes the options; without the shortcut the prefilter only admits more candidates (the same output, more work).
  options: PrefilterOptions = { shortcuts: true },
): Prefilter {
  const { delta, outputs } = automatonFor(detectors.map((d) => d.keywords));
  const featureDetectors = detectors.flatMap((d, index) => (d.features !== 0 ? [index] : []));
  const anyFeature = detectors.reduce((all, d) => all | d.features, 0);
  // Reused between calls (the redactor is synchronous): detectors hit so far, and their indices.
  // Counted, not pushed and truncated: shrinking an array's length is a runtime call in V8.
  const seen = new Uint8Array(detectors.length);
  const hits = new Int32Array(detectors.length);
  let hitCount = 0;
  // The most frequent answer, one detector (an address, a pair), as a shared one-element list.
  const singles: readonly (readonly Detector[])[] = detectors.map((detector) => [detector]);

  const record = (state: number): void => {
    const list = outputs[state]!;
    for (let j = 0; j < list.length; j++) {
      const index = list[j]!;
      if (seen[index] === 0) {
        seen[index] = 1;
        hits[hitCount++] = index;
      }
    }
  };

  // Strings shorter than SHORT_STRING (ids, enums, words: most values) skip the scan unless they
  // hold a character some short-capable detector needs; a detector with no such character (phone
  // numbers) turns the shortcut off.
  const shortGate = options.shortcuts ? shortStringGate(detectors) : undefined;

  return {
    candidates(s) {
      if (s.length < SHORT_STRING && shortGate !== undefined && !hasAny(s, shortGate)) return NONE;
      let state = 0;
      let digits = 0;
      let run = 0; // token characters in a row
      let cardRun = 0; // digits in a row, single spaces or dashes allowed between groups
      // Stryker disable next-line BooleanLiteral: gap only matters once a digit has been seen, and a digit sets it to false.
      let gap = false;
      let caps = 0; // upper-case letters in a row; -1: one digit after two or more (IBAN: CC + 2 digits)
      let features = 0;
      const n = s.length;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        const k = CLASS_OF[c]!;
        state = delta[state + k]!;
        if (state < 0) {
          state = -state;
          record(state / CLASS_COUNT);
        }
        // Letters first: most characters are, and a letter only extends the token run, ends a
        // digit run (cards) and counts capitals (IBAN country codes; ASCII capitals are 65–90).
        if (k > DIGIT_MAX && k <= LETTER_MAX) {
          run++;
          cardRun = 0;
          caps = c <= 90 ? (caps > 0 ? caps + 1 : 1) : 0;
          continue;
        }
        if (k !== 0 && k <= DIGIT_MAX) {
          run++;
          digits++;
          gap = false;
          // Stryker disable next-line EqualityOperator: `!== 13` sets the card feature at every run length but 13, always before a run reaches 13 as well: more candidates, never fewer.
          if (++cardRun === 13) features |= FEATURE_CARD_RUN;
          if (caps >= 2) caps = -1;
          else if (caps === -1) {
            features |= FEATURE_IBAN_START;
            caps = 0;
          } else caps = 0;
          continue;
        }
        // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,ArithmeticOperator: ASCII capitals are letters and never reach this line, so it always sets 0; counting other characters as capitals only sets the IBAN feature more often (more candidates, never fewer).
        caps = c >= 65 && c <= 90 ? (caps > 0 ? caps + 1 : 1) : 0;
        // Stryker disable next-line LogicalOperator,BooleanLiteral: these mutants let a separator end a digit run less often (more card candidates, never fewer).
        if ((c === 32 || c === 45) && !gap && cardRun !== 0) gap = true;
        else cardRun = 0;
        if (k !== 0 && k <= TOKEN_MAX) {
          run++;
        } else if (run !== 0) {
          if (run >= 40) features |= FEATURE_RUN_40;
          // Stryker disable next-line LogicalOperator: `||` sets the Discord feature in more cases than `&&` (more candidates, never fewer).
          else if (run >= 23 && k === DOT) features |= FEATURE_RUN_DOT;
          run = 0;
        }
      }
      if (run >= 40) features |= FEATURE_RUN_40;
      if (digits >= 8) features |= FEATURE_DIGITS_8;
      // Stryker disable next-line AssignmentOperator: a feature no detector has selects no detector (the loop tests each detector's own features); it can only skip the early return.
      features &= anyFeature;
      if (hitCount === 0 && features === 0) return NONE;
      if (features !== 0) {
        for (const index of featureDetectors) {
          if (seen[index] === 0 && (detectors[index]!.features & features) !== 0) {
            seen[index] = 1;
            hits[hitCount++] = index;
          }
        }
      }
      if (hitCount === 1) {
        const index = hits[0]!;
        seen[index] = 0;
        hitCount = 0;
        return singles[index]!;
      }
      // Detector order matters (structures before pairs): a few indices, insertion-sorted.
      for (let i = 1; i < hitCount; i++) {
        const index = hits[i]!;
        let j = i - 1;
        for (; j >= 0 && hits[j]! > index; j--) hits[j + 1] = hits[j]!;
        hits[j + 1] = index;
      }
      const found = new Array<Detector>(hitCount);
      for (let i = 0; i < hitCount; i++) {
        const index = hits[i]!;
        seen[index] = 0;
        found[i] = detectors[index]!;
      }
      hitCount = 0;
      return found;
    },
  };
}
