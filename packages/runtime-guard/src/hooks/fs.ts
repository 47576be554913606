import { AsyncLocalStorage } from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activePolicy } from '../active-policy.ts';
import type { RuntimeGuardViolationError } from '../errors.ts';
import type { CompiledPolicy } from '../policy.ts';
import { violation } from '../violation.ts';
import { type CallStyle, failCall, failCallback, replaceMethod, reportGuardFault } from './wrap.ts';

// The CommonJS module object (the one the hooks replace functions on), not `import fs from
// 'node:fs'`: the ESM view of a built-in reads every export, and fs's lazy ones (streams,
// promises) cost ~6 ms of cold start.
const fs = process.getBuiltinModule('node:fs');

/**
 * File reads and writes. Node publishes no diagnostics_channel for the file
 * system, so both modes patch the public functions of `node:fs` and
 * `node:fs/promises` — the callback, `Sync` and promise forms and the two
 * stream constructors — and then sync the ESM named exports, so
 * `import { writeFileSync } from 'node:fs'` sees the guarded function even
 * when imported first. Calls on an already-open descriptor or FileHandle are
 * not checked again: the `open` that produced it was.
 */

/**
 * `read` and `write` follow a symlink in the last segment, like the call
 * itself; `entry` is a write on the directory entry itself (unlink, rename,
 * mkdir, symlink, ...), which does not.
 */
type Access = 'read' | 'write' | 'entry';
type Targets = (args: readonly unknown[]) => Array<readonly [unknown, Access]>;
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = fs.constants;
// Captured before any patching; the guard's own checks must never run through a hook.
const realpathNative = fs.realpathSync.native;
const readlinkNative = fs.readlinkSync;

/** What an `open` flag asks for. `r` reads, `w`/`a` write, `+` both. */
export function flagAccess(flags: unknown, fallback = 'r'): Array<'read' | 'write'> {
  if (typeof flags === 'number') {
    const accessMode = flags & (O_WRONLY | O_RDWR);
    const writes = accessMode !== 0 || (flags & (O_CREAT | O_TRUNC | O_APPEND)) !== 0;
    const reads = accessMode !== O_WRONLY;
    return [...(reads ? (['read'] as const) : []), ...(writes ? (['write'] as const) : [])];
  }
  const text = typeof flags === 'string' ? flags : fallback;
  if (text.includes('+')) return ['read', 'write'];
  return /^[sS]?r/.test(text) ? ['read'] : ['write'];
}

const first =
  (access: Access): Targets =>
  (args) => [[args[0], access]];
const second =
  (access: Access): Targets =>
  (args) => [[args[1], access]];
const both =
  (from: Access, to: Access): Targets =>
  (args) => [
    [args[0], from],
    [args[1], to],
  ];
const byOpenFlags: Targets = (args) => {
  const flags = typeof args[1] === 'function' ? undefined : args[1];
  return flagAccess(flags).map((access) => [args[0], access] as const);
};
/** `readFile(path, { flag })`: a read, unless the flag also (or only) writes — `w+` truncates, `a+` creates. */
const byReadFlag: Targets = (args) => {
  const options = args[1];
  const flag = options && typeof options === 'object' ? (options as { flag?: unknown }).flag : undefined;
  // Any other flag is Node's to reject: nothing would be opened.
  if (flag !== undefined && typeof flag !== 'string' && typeof flag !== 'number') return [];
  return flagAccess(flag).map((access) => [args[0], access] as const);
};

/** Every path-taking function that reads content or changes the file system, by base name. */
const FUNCTIONS: Record<string, Targets> = {
  open: byOpenFlags,
  readFile: byReadFlag,
  readdir: first('read'),
  opendir: first('read'),
  writeFile: first('write'),
  appendFile: first('write'),
  truncate: first('write'),
  chmod: first('write'),
  chown: first('write'),
  utimes: first('write'),
  unlink: first('entry'),
  rm: first('entry'),
  rmdir: first('entry'),
  mkdir: first('entry'),
  mkdtemp: first('entry'),
  // fs.mkdtempDisposableSync and fs.promises.mkdtempDisposable (no callback form)
  mkdtempDisposable: first('entry'),
  lchmod: first('entry'),
  lchown: first('entry'),
  lutimes: first('entry'),
  copyFile: both('read', 'write'),
  cp: both('read', 'write'),
  link: both('read', 'entry'),
  rename: both('entry', 'entry'),
  symlink: second('entry'),
};

/** Node's own test for a URL-like path argument (`internal/url` `isURL`). */
function isUrlLike(value: unknown): value is URL {
  if (value === null || typeof value !== 'object') return false;
  const url = value as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown };
  return Boolean(url.href && url.protocol && url.auth === undefined && url.path === undefined);
}

/**
 * A path argument as an absolute path, not normalised: the kernel resolves
 * `..` after following the symlink before it (`/tmp/link/../x` is beside the
 * link's target, not `/tmp/x`), so the real path must be taken from this form.
 * Undefined for descriptors, FileHandles and malformed values (Node rejects those itself).
 */
function toAbsolutePath(value: unknown): string | undefined {
  let path: string | undefined;
  if (typeof value === 'string') path = value;
  else if (value instanceof Uint8Array) path = Buffer.from(value).toString();
  else if (isUrlLike(value)) {
    try {
      // The same conversion fs applies, so a URL-like object cannot lead elsewhere than the check.
      path = fileURLToPath(value);
    } catch {
      return undefined; // not a usable file: URL; fs throws its own error
    }
  }
  if (path === undefined || path.includes('\0')) return undefined;
  return isAbsolute(path) ? path : `${process.cwd()}/${path}`;
}

const MAX_SYMLINKS = 40;

/**
 * Where the path really leads once symlinks are followed. A path that does
 * not exist (yet) leads into its nearest existing ancestor's real directory,
 * and a dangling symlink leads where it points — where a write would create
 * the file. `followLast: false` resolves only the parent directory.
 */
function realPath(path: string, followLast: boolean, budget = { links: MAX_SYMLINKS }): string | undefined {
  if (followLast) {
    try {
      return realpathNative(path);
    } catch {}
  }
  const parent = dirname(path);
  if (parent === path) return path;
  const realParent = realPath(parent, true, budget);
  if (realParent === undefined) return undefined;
  const entry = join(realParent, basename(path));
  if (!followLast) return entry;
  let link: string;
  try {
    link = readlinkNative(entry);
  } catch {
    return entry; // missing, not a symlink: the entry itself
  }
  if (--budget.links < 0) return undefined;
  // Not normalised: the link's own `..` segments are resolved after its symlinks, as the kernel does.
  return realPath(isAbsolute(link) ? link : `${realParent}/${link}`, true, budget);
}

/**
 * Node's CommonJS loader reads modules through `fs.readFileSync`; the
 * function loading its own code is not a read of its source. Only the direct
 * caller of the guarded function counts — code running at the top level of a
 * module being loaded has the loader further down its stack and is not
 * exempt. Only consulted once a read is already denied, so the stack capture
 * stays off the hot path.
 */
const LOADER = 'node:internal/modules/';

function calledByModuleLoader(guarded: Function): boolean {
  const hadOwn = Object.hasOwn(Error, 'prepareStackTrace');
  const { prepareStackTrace, stackTraceLimit } = Error;
  // Reflect.set: where Error is frozen, fall back to reading the formatted stack.
  const asSites = Reflect.set(Error, 'prepareStackTrace', (_: Error, sites: NodeJS.CallSite[]) => sites);
  Reflect.set(Error, 'stackTraceLimit', 1);
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, guarded);
    const stack = holder.stack; // formatted here, while the settings above hold
    if (Array.isArray(stack))
      return String((stack[0] as NodeJS.CallSite | undefined)?.getFileName()).startsWith(LOADER);
    const frame =
      typeof stack === 'string' ? stack.split('\n').find((line) => /^\s+at /.test(line)) : undefined;
    return (
      frame !== undefined && (frame.includes(`(${LOADER}`) || frame.trimStart().startsWith(`at ${LOADER}`))
    );
  } finally {
    if (asSites) {
      if (hadOwn) Reflect.set(Error, 'prepareStackTrace', prepareStackTrace);
      else Reflect.deleteProperty(Error, 'prepareStackTrace');
    }
    Reflect.set(Error, 'stackTraceLimit', stackTraceLimit);
  }
}

/** `path` is normalised, `raw` the same path as the call gave it (absolute). */
function readDenied(policy: CompiledPolicy, path: string, raw: string): boolean {
  if (policy.fileRead.denies(path)) return true;
  const real = realPath(raw, true);
  return real !== undefined && real !== path && policy.fileRead.denies(real);
}

function writeDenied(policy: CompiledPolicy, path: string, raw: string, followLast: boolean): boolean {
  if (!policy.fileWrite.allows(path)) return true;
  const real = realPath(raw, followLast);
  return real !== undefined && real !== path && !policy.fileWrite.allows(real);
}

/**
 * A guarded call in progress: the paths it checked and those it reported.
 * Node implements some calls through other public ones (`fs.writeFile` opens
 * through `fs.open`, `fs.rm` removes a tree through `fs.unlink`/`fs.rmdir`,
 * `fs.cp` copies through `fs.promises.copyFile`); those inner calls on a path
 * the outer call checked, or below a path it already reported, are that
 * call's implementation and are neither checked nor reported again. Inner
 * calls on other paths (a symlink met inside a copied tree) are checked.
 */
interface GuardedCall {
  readonly checked: string[];
  readonly reported: string[];
  readonly outer: GuardedCall | undefined;
}

function coveredBy(call: GuardedCall | undefined, path: string): boolean {
  for (let c = call; c; c = c.outer) {
    if (c.checked.includes(path)) return true;
    for (const reported of c.reported) {
      if (path.startsWith(reported.endsWith('/') ? reported : `${reported}/`)) return true;
    }
  }
  return false;
}

// Sync code cannot interleave, so the sync call in progress is a plain
// variable; asynchronous calls carry theirs in their async context.
let syncCall: GuardedCall | undefined;
const asyncCall = new AsyncLocalStorage<GuardedCall>();

/** The first violation among a call's targets (recorded), or undefined. */
function check(
  policy: CompiledPolicy,
  operation: string,
  targets: ReadonlyArray<readonly [unknown, Access]>,
  guarded: Function,
  call: GuardedCall,
): RuntimeGuardViolationError | undefined {
  const raws = targets.map(([value]) => toAbsolutePath(value));
  const paths = raws.map((raw) => (raw === undefined ? undefined : resolve(raw)));
  // A call naming two paths fails in Node when either is malformed: nothing would happen, so nothing to report.
  if (paths.length > 1 && paths.includes(undefined)) return undefined;
  for (const [i, [, access]] of targets.entries()) {
    const mode = access === 'read' ? policy.fileRead.mode : policy.fileWrite.mode;
    if (mode === 'allow') continue;
    const path = paths[i];
    const raw = raws[i];
    if (path === undefined || raw === undefined || coveredBy(call.outer, path)) continue;
    call.checked.push(path);
    const denied =
      access === 'read'
        ? readDenied(policy, path, raw) && !calledByModuleLoader(guarded)
        : writeDenied(policy, path, raw, access === 'write');
    if (!denied) continue;
    call.reported.push(path);
    // In block mode the first violation ends the call; in alert mode every target is reported.
    const error = violation(access === 'read' ? 'fileRead' : 'fileWrite', mode, operation, path);
    if (error) return error;
  }
  return undefined;
}

function guardedCheck(
  policy: CompiledPolicy,
  operation: string,
  targets: Targets,
  args: readonly unknown[],
  guarded: Function,
  call: GuardedCall,
): RuntimeGuardViolationError | undefined {
  try {
    return check(policy, operation, targets(args), guarded, call);
  } catch (error) {
    reportGuardFault(operation, error);
    return undefined;
  }
}

function governing(): CompiledPolicy | undefined {
  const policy = activePolicy();
  return !policy || (policy.fileRead.mode === 'allow' && policy.fileWrite.mode === 'allow')
    ? undefined
    : policy;
}

/** The caller's callback, run outside the call it was given to: its own fs calls are new calls. */
function outsideCall(args: unknown[]): unknown[] {
  const index = args.findLastIndex((arg) => typeof arg === 'function');
  if (index === -1) return args;
  const callback = args[index] as AnyFunction;
  const copy = [...args];
  copy[index] = function guardedCallback(this: unknown, ...results: unknown[]) {
    return asyncCall.exit(() => Reflect.apply(callback, this, results));
  };
  return copy;
}

function guardFunction(owner: object, name: string, operation: string, style: CallStyle, targets: Targets) {
  replaceMethod(owner, name, (original) => {
    if (style === 'sync') {
      const guardedFsSync = function (this: unknown, ...args: unknown[]) {
        const policy = governing();
        if (!policy) return Reflect.apply(original, this, args);
        const outer = syncCall;
        const call: GuardedCall = { checked: [], reported: [], outer };
        const error = guardedCheck(policy, operation, targets, args, guardedFsSync, call);
        if (error) throw error;
        syncCall = call;
        try {
          return Reflect.apply(original, this, args);
        } finally {
          syncCall = outer;
        }
      };
      return guardedFsSync;
    }
    const guardedFs = function (this: unknown, ...args: unknown[]) {
      const policy = governing();
      if (!policy) return Reflect.apply(original, this, args);
      const outer = syncCall ?? asyncCall.getStore();
      const call: GuardedCall = { checked: [], reported: [], outer };
      const error = guardedCheck(policy, operation, targets, args, guardedFs, call);
      if (error) return failCall(style, error, args);
      // Only the caller's own callback leaves the call; Node's inner callbacks stay inside it.
      const callArgs = style === 'callback' && outer === undefined ? outsideCall(args) : args;
      return asyncCall.run(call, () => Reflect.apply(original, this, callArgs));
    };
    return guardedFs;
  });
}

/** A stand-in `fs` for a stream whose `open` fails, so the stream emits the error like any failed open. */
function failingStreamFs(error: Error) {
  const fail = (...args: unknown[]) => {
    failCallback(args, error);
  };
  return { open: fail, read: fail, write: fail, writev: fail, close: fail };
}

function streamOptions(options: unknown): Record<string, unknown> {
  if (typeof options === 'string') return { encoding: options };
  return options && typeof options === 'object' ? { ...(options as Record<string, unknown>) } : {};
}

function guardStream(
  name: 'createReadStream' | 'createWriteStream',
  fallbackFlags: string,
  openOriginal: unknown,
) {
  const operation = `fs.${name}`;
  const targets: Targets = (args) => {
    const options = streamOptions(args[1]);
    // A stream on a descriptor opens nothing: the `open` that produced the descriptor was checked.
    if (options.fd !== undefined && options.fd !== null) return [];
    return flagAccess(options.flags, fallbackFlags).map((access) => [args[0], access] as const);
  };
  // Streams open through `fs.open`; once the stream's path is checked, its
  // own open must not be checked (and reported) a second time.
  const checkedFs = {
    open: openOriginal,
    read: fs.read,
    write: fs.write,
    writev: fs.writev,
    close: fs.close,
  };
  replaceMethod(fs, name, (original) => {
    const guardedStream = function (this: unknown, ...args: unknown[]) {
      const policy = governing();
      if (!policy) return Reflect.apply(original, this, args);
      const call: GuardedCall = { checked: [], reported: [], outer: syncCall ?? asyncCall.getStore() };
      const error = guardedCheck(policy, operation, targets, args, guardedStream, call);
      const options = streamOptions(args[1]);
      if (error) return Reflect.apply(original, this, [args[0], { ...options, fs: failingStreamFs(error) }]);
      if (options.fs !== undefined || call.checked.length === 0) return Reflect.apply(original, this, args);
      return Reflect.apply(original, this, [args[0], { ...options, fs: checkedFs }]);
    };
    return guardedStream;
  });
}

let installed = false;

export function installFsHooks(): void {
  if (installed) return;
  installed = true;
  const openOriginal = fs.open;
  for (const [name, targets] of Object.entries(FUNCTIONS)) {
    guardFunction(fs, name, `fs.${name}`, 'callback', targets);
    guardFunction(fs, `${name}Sync`, `fs.${name}Sync`, 'sync', targets);
    guardFunction(fs.promises, name, `fs.promises.${name}`, 'promise', targets);
  }
  // A Blob over the file's content: a read, answered with a promise.
  guardFunction(fs, 'openAsBlob', 'fs.openAsBlob', 'promise', first('read'));
  guardStream('createReadStream', 'r', openOriginal);
  guardStream('createWriteStream', 'w', openOriginal);
  syncBuiltinESMExports();
}
