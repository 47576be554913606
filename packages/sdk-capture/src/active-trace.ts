import { AsyncLocalStorage } from 'node:async_hooks';
import { invokeStore } from '@lambda-sentinel/core';
import type { InvocationTrace, TraceSpan } from './port.ts';
import type { StringRedactor } from './redacted-error.ts';

/**
 * Where capture code finds the trace of the invocation it runs in (rule 2).
 * Under Lambda Managed Instances several invocations share the process, so
 * the trace lives in the runtime's invoke store (an AsyncLocalStorage per
 * invocation). Without a store — an older runtime, a plain test — Lambda runs
 * one invocation at a time and a single slot is exact.
 */

// Symbol.for: two copies of this package in one bundle still meet here.
const ACTIVE_TRACE_KEY = Symbol.for('@lambda-sentinel/sdk-capture.activeTrace');

/** A traced invocation as capture sees it: its trace, and what its middleware was given. */
export interface ActiveInvocation {
  trace: InvocationTrace;
  redactor: StringRedactor;
  /** HTTP capture is process-wide once on; this invocation's middleware may still have it off. */
  captureHttp: boolean;
}

let activeWithoutStore: ActiveInvocation | undefined;

/** The running invocation, if it is traced. */
export function activeInvocation(): ActiveInvocation | undefined {
  const store = invokeStore();
  return store ? store.get<ActiveInvocation>(ACTIVE_TRACE_KEY) : activeWithoutStore;
}

/**
 * The trace of the invocation running in this async context, for handler
 * code that records its own spans or annotations; undefined when the
 * invocation is not traced.
 */
export function activeTrace(): InvocationTrace | undefined {
  return activeInvocation()?.trace;
}

/** Marks the running invocation as traced. */
export function enterInvocation(active: ActiveInvocation): void {
  const store = invokeStore();
  if (store) store.set(ACTIVE_TRACE_KEY, active);
  else activeWithoutStore = active;
}

/** Clears what `enterInvocation` set, unless another invocation has replaced it since. */
export function leaveInvocation(active: ActiveInvocation): void {
  const store = invokeStore();
  if (store) {
    if (store.get(ACTIVE_TRACE_KEY) === active) store.set(ACTIVE_TRACE_KEY, undefined);
  } else if (activeWithoutStore === active) {
    activeWithoutStore = undefined;
  }
}

/**
 * Narrower than an invocation: what the code running right now is part of.
 * An AWS SDK call marks its own HTTP request (so it is not traced twice, as
 * an `aws` and a `remote` span) and an exporter marks its upload (so
 * shipping spans is not itself traced).
 */
interface CaptureScope {
  /** HTTP capture skips requests made in this scope. */
  suppressHttp: boolean;
  /** The span a downstream call made in this scope belongs to. */
  span?: TraceSpan;
}

const scope = new AsyncLocalStorage<CaptureScope>();

export function currentScope(): CaptureScope | undefined {
  return scope.getStore();
}

/** Runs `fn` with HTTP capture off; the span given carries any trace header. */
export function withoutHttpCapture<T>(fn: () => T, span?: TraceSpan): T {
  return scope.run(span ? { suppressHttp: true, span } : { suppressHttp: true }, fn);
}
