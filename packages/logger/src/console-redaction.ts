/**
 * `redactConsole`: what the handler itself writes — `console.log/info/warn/
 * error/debug/trace/dir` and direct `process.stdout.write` / `process.stderr.write`
 * — passes through the redactor of the invocation it belongs to.
 *
 * Console and the standard streams are process-wide, so the hooks are too:
 * installed while at least one invocation with `redactConsole` is in flight,
 * removed when the last one finishes (only where they are still in place).
 * Which redactor applies is per invocation (rule 2): the invocation's state
 * (on the runtime's invocation store under concurrency) carries it, and the
 * counts go to that invocation's summary. Our own log lines are written with
 * `ownOutput()` around them, so they are never redacted twice. A failure never
 * reaches the handler (rule 1): a line that cannot be redacted is withheld.
 */

import {
  countRedactions,
  currentInvocationState,
  type InvocationState,
  invocationState,
  isOwnOutput,
  ownOutput,
  type RequestLike,
} from '@lambda-sentinel/core';
import type { Redactor } from '@lambda-sentinel/redact';

// Not `import ... from 'node:util'`: the ESM view of a built-in reads every export, and util's lazy
// ones (parseArgs, diff, MIMEType...) cost ~5 ms of cold start; the CommonJS module object reads none.
const { format, inspect } = process.getBuiltinModule('node:util');

/** Slot on the invocation state holding that invocation's console redactor. */
const SLOT = 'logger.redactConsole';
const WITHHELD = '[lambda-sentinel: output withheld, it could not be redacted]\n';
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

type Write = typeof process.stdout.write;
type Method = (...args: unknown[]) => void;

interface Patch {
  readonly target: Record<string, unknown>;
  readonly name: string;
  readonly original: unknown;
  readonly wrapper: unknown;
  /** The method was the target's own property (else inherited, e.g. a stream's prototype `write`). */
  readonly own: boolean;
}

// Process-level, not invocation state: how many invocations want the hooks and the
// patches in place. Output Sentinel redacted itself is marked with core's `ownOutput`.
let active = 0;
let patches: Patch[] = [];
/** The redactor of the invocation that installed the hooks: for output outside any invocation. */
let fallback: Redactor | undefined;

function redactorNow(): Redactor | undefined {
  let state: InvocationState | undefined;
  try {
    state = currentInvocationState();
  } catch {
    state = undefined;
  }
  return (state?.slots.get(SLOT) as Redactor | undefined) ?? fallback;
}

/**
 * An EMF document (Powertools Metrics prints `{"_aws":…}`): its metric values are numbers CloudWatch
 * reads, never secrets, and a key rule must not turn `PasswordResets: 3` into a string. Everything
 * else (dimensions, metadata) is redacted as usual.
 */
function redactEmf(
  redactor: Redactor,
  line: string,
): { value: string; counts: Record<string, number> } | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  const definitions = (doc._aws as { CloudWatchMetrics?: { Metrics?: { Name?: unknown }[] }[] } | undefined)
    ?.CloudWatchMetrics;
  if (!Array.isArray(definitions)) return undefined;
  const metrics = new Set(definitions.flatMap((d) => (d.Metrics ?? []).map((m) => m.Name)));
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (key !== '_aws' && !metrics.has(key)) rest[key] = value;
  const { value, counts } = redactor.withCounts(rest);
  if (Object.keys(counts).length === 0) return { value: line, counts };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(doc))
    out[key] = key in rest ? (value as Record<string, unknown>)[key] : doc[key];
  return { value: JSON.stringify(out), counts };
}

/** Redact one chunk of text line by line, counting into the current invocation; the same string when nothing changed. */
function redactText(redactor: Redactor, text: string): string {
  let changed = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const { value, counts } =
      (line.startsWith('{"_aws":') && redactEmf(redactor, line)) || redactor.withCounts(line);
    const out = typeof value === 'string' ? value : String(value);
    if (out !== line) {
      lines[i] = out;
      changed = true;
      countRedactions(counts);
    }
  }
  return changed ? lines.join('\n') : text;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function wrapWrite(stream: NodeJS.WriteStream, original: Write): Write {
  return function write(this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const redactor = !isOwnOutput() && active > 0 ? redactorNow() : undefined;
    if (redactor === undefined) return (original as Function).call(stream, chunk, ...rest);
    let out: unknown = chunk;
    try {
      const encoding = typeof rest[0] === 'string' ? rest[0] : undefined;
      if (typeof chunk === 'string' && (encoding === undefined || /^utf-?8$/i.test(encoding))) {
        out = redactText(redactor, chunk);
      } else if (chunk instanceof Uint8Array) {
        // Text in bytes is redacted; anything that is not UTF-8 is binary and passes as it is.
        let text: string | undefined;
        try {
          text = UTF8.decode(chunk);
        } catch {
          text = undefined;
        }
        if (text !== undefined) {
          const redacted = redactText(redactor, text);
          if (redacted !== text) out = Buffer.from(redacted, 'utf8');
        }
      }
    } catch {
      out = WITHHELD;
    }
    if (out === chunk) return (original as Function).call(stream, chunk, ...rest);
    // A string now, whatever encoding the caller named: keep only the callback.
    const callback = rest.find((arg) => typeof arg === 'function');
    return (original as Function).call(stream, out, ...(callback ? [callback] : []));
  } as Write;
}

/** An Error as console would show it (stack, then `cause`), from the redactor's copy of it. */
function errorText(copy: Record<string, unknown>): string {
  const head = typeof copy.stack === 'string' ? copy.stack : `${String(copy.name)}: ${String(copy.message)}`;
  const cause = copy.cause;
  if (cause === undefined) return head;
  const causeText =
    typeof cause === 'object' && cause !== null ? errorText(cause as Record<string, unknown>) : String(cause);
  return `${head} {\n  [cause]: ${causeText.replaceAll('\n', '\n  ')}\n}`;
}

function consoleLine(redactor: Redactor, args: readonly unknown[]): string {
  // Objects through key and path rules first, then formatted as console would, then the whole
  // line through the detectors: `console.log('password:', secret)` only leaks once joined.
  const safe = args.map((arg, i) => {
    if (typeof arg === 'string' && !(i === 0 && arg.includes('%'))) return arg;
    if (arg instanceof Error) return errorText(redactor(arg) as Record<string, unknown>);
    return typeof arg === 'object' && arg !== null ? redactor(arg) : arg;
  });
  return redactText(redactor, format(...safe));
}

function wrapMethod(name: string, original: Method): Method {
  return function sentinelConsole(this: unknown, ...args: unknown[]): void {
    const redactor = !isOwnOutput() && active > 0 ? redactorNow() : undefined;
    if (redactor === undefined) {
      original.apply(this, args);
      return;
    }
    let line: string;
    try {
      line = name === 'dir' ? inspect(redactor(args[0]), args[1] as object) : consoleLine(redactor, args);
    } catch {
      line = WITHHELD.trimEnd();
    }
    // The original writes to the (hooked) streams: this line is already redacted.
    ownOutput(() => original.call(this, line));
  };
}

// The wrapper made for each target, name and original function, kept across invocations: hooks go
// in and out around every invocation, and making new closures each time cost about 3 KB of garbage
// per invocation. Keyed by target too: stdout and stderr share one prototype `write`, and each
// wrapper writes to its own stream. A console or stream replaced since gets wrappers of its own.
const wrappers = new WeakMap<object, Map<string, { original: unknown; wrapper: unknown }>>();

function patch(target: Record<string, unknown>, name: string, wrap: (original: never) => unknown): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  for (const p of patches) if (p.target === target && p.name === name && p.wrapper === original) return;
  let made = wrappers.get(target);
  if (made === undefined) {
    made = new Map();
    wrappers.set(target, made);
  }
  let wrapper = made.get(name)?.original === original ? made.get(name)?.wrapper : undefined;
  if (wrapper === undefined) {
    wrapper = wrap(original as never);
    made.set(name, { original, wrapper });
  }
  const own = Object.hasOwn(target, name);
  target[name] = wrapper;
  patches.push({ target, name, original, wrapper, own });
}

const wrapStdout = (original: Write) => wrapWrite(process.stdout, original);
const wrapStderr = (original: Write) => wrapWrite(process.stderr, original);
const HOOKED_METHODS = [...CONSOLE_METHODS, 'dir'] as const;
const methodWrappers = HOOKED_METHODS.map((name) => (original: Method) => wrapMethod(name, original));

/** Install (or re-install, where something replaced them) the hooks on the current console and streams. */
function install(): void {
  patch(process.stdout as unknown as Record<string, unknown>, 'write', wrapStdout);
  patch(process.stderr as unknown as Record<string, unknown>, 'write', wrapStderr);
  const target = globalThis.console as unknown as Record<string, unknown>;
  for (let i = 0; i < HOOKED_METHODS.length; i++) {
    patch(target, HOOKED_METHODS[i] as string, methodWrappers[i] as (original: never) => unknown);
  }
}

function uninstall(): void {
  // Newest first; a hook someone else replaced since stays where it is (theirs wraps ours, inert now).
  for (const { target, name, original, wrapper, own } of patches.reverse()) {
    if (target[name] !== wrapper) continue;
    if (own) target[name] = original;
    else delete target[name];
  }
  patches = [];
  fallback = undefined;
}

/**
 * The per-middleware handle: `enter` when an invocation starts (its state
 * remembers this redactor, the hooks are installed), `exit` when it ends.
 */
export function consoleRedaction(redactor: Redactor) {
  const entered = new WeakSet<InvocationState>();
  return {
    enter(request: RequestLike): void {
      const state = invocationState(request);
      if (entered.has(state)) return;
      entered.add(state);
      state.slots.set(SLOT, redactor);
      active++;
      fallback ??= redactor;
      install();
    },
    exit(request: RequestLike): void {
      const state = invocationState(request);
      if (!entered.has(state)) return;
      entered.delete(state);
      active = Math.max(0, active - 1);
      if (active === 0) uninstall();
    },
  };
}
