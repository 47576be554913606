import type { RuntimeGuardViolationError } from '../errors.ts';

/** Marks a guarded function and keeps the original it replaced. */
export const ORIGINAL = Symbol.for('@lambda-sentinel/runtime-guard.original');

type AnyFunction = (this: any, ...args: any[]) => any;

function isGuarded(fn: unknown): boolean {
  return typeof fn === 'function' && ORIGINAL in fn;
}

/**
 * Replaces `owner[name]` with `guarded`, which receives the original. The
 * replacement keeps the original's name, length and own properties (such as
 * `realpathSync.native`) so code inspecting them sees no difference.
 * Idempotent: a function already guarded is left alone.
 */
export function replaceMethod(
  owner: object,
  name: string,
  makeGuarded: (original: AnyFunction) => AnyFunction,
): boolean {
  const record = owner as Record<string, unknown>;
  const original = record[name];
  if (typeof original !== 'function' || isGuarded(original)) return false;
  const guarded = makeGuarded(original as AnyFunction);
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(original))) {
    if (key === 'prototype') continue;
    Object.defineProperty(guarded, key, descriptor);
  }
  Object.defineProperty(guarded, ORIGINAL, { value: original });
  const descriptor = Object.getOwnPropertyDescriptor(owner, name);
  Object.defineProperty(owner, name, {
    value: guarded,
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? true,
    configurable: true,
  });
  return true;
}

export type CallStyle = 'sync' | 'callback' | 'promise';

/**
 * Hands `error` to a call's callback (its last function argument) on the
 * next tick, as Node reports an asynchronous failure. False when the call
 * has no callback.
 */
export function failCallback(args: readonly unknown[], error: Error): boolean {
  const callback = args.findLast((arg) => typeof arg === 'function') as ((error: Error) => void) | undefined;
  if (!callback) return false;
  process.nextTick(callback, error);
  return true;
}

/** Fails a call the way its API reports failure: a throw, a callback error, or a rejection. */
export function failCall(
  style: CallStyle,
  error: RuntimeGuardViolationError,
  args: readonly unknown[],
): unknown {
  if (style === 'promise') return Promise.reject(error);
  if (style === 'callback' && failCallback(args, error)) return undefined;
  throw error;
}

let reportedInternalError = false;

/**
 * Rule 1: a fault in the guard's own checking (an argument shape nobody
 * foresaw) must not change what the call does. Reported once on stderr; the
 * call then goes ahead exactly as without the guard.
 */
export function reportGuardFault(where: string, error: unknown): void {
  if (reportedInternalError) return;
  reportedInternalError = true;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`[runtime-guard] internal error in ${where}, check skipped: ${message}\n`);
}
