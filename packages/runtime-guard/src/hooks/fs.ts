import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activePolicy } from '../active-policy.ts';
import type { RuntimeGuardViolationError } from '../errors.ts';
import type { CompiledPolicy } from '../policy.ts';
import { violation } from '../violation.ts';
import { type CallStyle, failCall, replaceMethod, reportGuardFault } from './wrap.ts';

/**
 * File reads and writes. Node publishes no diagnostics_channel for the file
 * system, so both modes patch the public functions of `node:fs` and
 * `node:fs/promises` — the callback, `Sync` and promise forms and the two
 * stream constructors — and then sync the ESM named exports, so
 * `import { writeFileSync } from 'node:fs'` sees the guarded function even
 * when imported first. Calls on an already-open descriptor or FileHandle are
 * not checked again: the `open` that produced it was.
 */

type Access = 'read' | 'write';
type Targets = (args: readonly unknown[]) => Array<readonly [unknown, Access]>;

const { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND } = fs.constants;
// Captured before any patching; the guard's own checks must never run through a hook.
const realpathNative = fs.realpathSync.native;

/** What an `open` flag asks for. `r` reads, `w`/`a` write, `+` both. */
export function flagAccess(flags: unknown, fallback = 'r'): Access[] {
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
const readThenWrite: Targets = (args) => [
  [args[0], 'read'],
  [args[1], 'write'],
];
const writeBoth: Targets = (args) => [
  [args[0], 'write'],
  [args[1], 'write'],
];
const byOpenFlags: Targets = (args) => {
  const flags = typeof args[1] === 'function' ? undefined : args[1];
  return flagAccess(flags).map((access) => [args[0], access] as const);
};

/** Every path-taking function that reads content or changes the file system, by base name. */
const FUNCTIONS: Record<string, Targets> = {
  open: byOpenFlags,
  readFile: first('read'),
  readdir: first('read'),
  opendir: first('read'),
  writeFile: first('write'),
  appendFile: first('write'),
  truncate: first('write'),
  unlink: first('write'),
  rm: first('write'),
  rmdir: first('write'),
  mkdir: first('write'),
  mkdtemp: first('write'),
  chmod: first('write'),
  lchmod: first('write'),
  chown: first('write'),
  lchown: first('write'),
  utimes: first('write'),
  lutimes: first('write'),
  copyFile: readThenWrite,
  cp: readThenWrite,
  link: readThenWrite,
  rename: writeBoth,
  symlink: second('write'),
};

/** A path argument as an absolute path; undefined for descriptors, FileHandles and malformed values (Node rejects those itself). */
function toAbsolutePath(value: unknown): string | undefined {
  let path: string | undefined;
  if (typeof value === 'string') path = value;
  else if (value instanceof URL) path = value.protocol === 'file:' ? fileURLToPath(value) : undefined;
  else if (value instanceof Uint8Array) path = Buffer.from(value).toString();
  return path === undefined || path.includes('\0') ? undefined : resolve(path);
}

/** Where the path really leads once symlinks are followed (for a new file: its real directory). */
function realPath(path: string): string | undefined {
  try {
    return realpathNative(path);
  } catch {
    try {
      return join(realpathNative(dirname(path)), basename(path));
    } catch {
      return undefined;
    }
  }
}

/**
 * Node's CommonJS loader reads modules through `fs.readFileSync`; the
 * function loading its own code is not a read of its source. Only consulted
 * once a read is already denied, so the stack capture stays off the hot path.
 */
function calledByModuleLoader(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack.includes('node:internal/modules/');
}

function readDenied(policy: CompiledPolicy, path: string): boolean {
  if (policy.fileRead.denies(path)) return true;
  const real = realPath(path);
  return real !== undefined && real !== path && policy.fileRead.denies(real);
}

function writeDenied(policy: CompiledPolicy, path: string): boolean {
  if (!policy.fileWrite.allows(path)) return true;
  const real = realPath(path);
  return real !== undefined && real !== path && !policy.fileWrite.allows(real);
}

/** The first violation among a call's targets (recorded), or undefined. */
function check(
  policy: CompiledPolicy,
  operation: string,
  targets: ReadonlyArray<readonly [unknown, Access]>,
): RuntimeGuardViolationError | undefined {
  for (const [value, access] of targets) {
    const mode = access === 'read' ? policy.fileRead.mode : policy.fileWrite.mode;
    if (mode === 'allow') continue;
    const path = toAbsolutePath(value);
    if (path === undefined) continue;
    const denied =
      access === 'read' ? readDenied(policy, path) && !calledByModuleLoader() : writeDenied(policy, path);
    if (!denied) continue;
    // In block mode the first violation ends the call; in alert mode every target is reported.
    const error = violation(access === 'read' ? 'fileRead' : 'fileWrite', mode, operation, path);
    if (error) return error;
  }
  return undefined;
}

function guardedCheck(operation: string, targets: Targets, args: readonly unknown[]) {
  const policy = activePolicy();
  if (!policy || (policy.fileRead.mode === 'allow' && policy.fileWrite.mode === 'allow')) return undefined;
  try {
    return check(policy, operation, targets(args));
  } catch (error) {
    reportGuardFault(operation, error);
    return undefined;
  }
}

// Node's own sync functions call other public ones (`readFileSync` opens
// through `fs.openSync`): a call made while a guarded sync call is running is
// that call's implementation and was already checked. Sync code cannot
// interleave, so a plain counter is exact.
let syncDepth = 0;

function guardFunction(owner: object, name: string, operation: string, style: CallStyle, targets: Targets) {
  replaceMethod(owner, name, (original) =>
    style === 'sync'
      ? function guardedFsSync(this: unknown, ...args: unknown[]) {
          if (syncDepth > 0) return Reflect.apply(original, this, args);
          const error = guardedCheck(operation, targets, args);
          if (error) throw error;
          syncDepth++;
          try {
            return Reflect.apply(original, this, args);
          } finally {
            syncDepth--;
          }
        }
      : function guardedFs(this: unknown, ...args: unknown[]) {
          const error = guardedCheck(operation, targets, args);
          if (error) return failCall(style, error, args);
          return Reflect.apply(original, this, args);
        },
  );
}

/** A stand-in `fs` for a stream whose `open` fails, so the stream emits the error like any failed open. */
function failingStreamFs(error: Error) {
  const fail = (...args: unknown[]) => {
    const callback = args.findLast((arg) => typeof arg === 'function') as
      | ((e: Error | null) => void)
      | undefined;
    if (callback) process.nextTick(callback, error);
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
    const flags = streamOptions(args[1]).flags;
    return flagAccess(flags, fallbackFlags).map((access) => [args[0], access] as const);
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
  replaceMethod(
    fs,
    name,
    (original) =>
      function guardedStream(this: unknown, ...args: unknown[]) {
        const error = guardedCheck(operation, targets, args);
        const options = streamOptions(args[1]);
        if (error)
          return Reflect.apply(original, this, [args[0], { ...options, fs: failingStreamFs(error) }]);
        if (options.fs !== undefined || typeof args[0] !== 'string')
          return Reflect.apply(original, this, args);
        return Reflect.apply(original, this, [args[0], { ...options, fs: checkedFs }]);
      },
  );
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
  guardStream('createReadStream', 'r', openOriginal);
  guardStream('createWriteStream', 'w', openOriginal);
  syncBuiltinESMExports();
}
