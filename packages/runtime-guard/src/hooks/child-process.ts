import childProcess, { type ChildProcess } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { PassThrough, type Stream, Writable } from 'node:stream';
import { activePolicy } from '../active-policy.ts';
import type { RuntimeGuardViolationError } from '../errors.ts';
import { childSearchPath, executablePaths } from '../executables.ts';
import { violation } from '../violation.ts';
import { failCallback, replaceMethod, reportGuardFault } from './wrap.ts';

// Not `import util from 'node:util'`: the ESM view of a built-in reads every export, and util's
// lazy ones (parseArgs, diff, MIMEType...) cost ~5 ms of cold start.
const util = process.getBuiltinModule('node:util');

/**
 * Child processes, by the mechanism that can see each form:
 *
 * - `spawn`, `exec`, `execFile`, `fork` and their promisified forms all end
 *   in `ChildProcess.prototype.spawn`. In alert mode the guard only listens
 *   on Node's `child_process.spawn` tracing channel, which carries the
 *   resolved file and arguments; nothing is patched. Block mode needs to
 *   stop the call, which a channel subscriber cannot, so it patches
 *   `ChildProcess.prototype.spawn` — one method, reached even through
 *   references taken before the guard was installed.
 * - `spawnSync`, `execSync` and `execFileSync` publish nothing; both modes
 *   patch those three exports.
 * - `process.execve` replaces the process; both modes patch it.
 *
 * A blocked start fails the way a start that fails at run time (ENOENT,
 * EMFILE) does, so callers' existing error handling applies: the async
 * forms return their `ChildProcess` and emit the error as its `'error'`
 * event (so `exec`/`execFile` pass it to the callback and their promisified
 * forms reject); `spawnSync` returns it as `result.error`; `execSync`,
 * `execFileSync` and `process.execve` throw it.
 */

interface SpawnOptions {
  file?: unknown;
  args?: unknown;
  shell?: unknown;
  cwd?: unknown;
  env?: unknown;
  envPairs?: unknown;
}

/**
 * Where a start would look for its file: the child's `PATH` and working
 * directory, from Node's normalised options (`envPairs`) or the public ones (`env`).
 */
interface Lookup {
  searchPath: string;
  cwd: string;
}

function lookupOf(options: SpawnOptions | undefined): Lookup {
  const cwd = options?.cwd;
  const env = options?.env ?? process.env;
  return {
    searchPath: childSearchPath(options?.envPairs, env),
    cwd: typeof cwd === 'string' ? resolve(cwd) : cwd instanceof URL ? resolve(cwd.pathname) : process.cwd(),
  };
}

/**
 * Whether the file a start would run is allowed: found as the child would
 * find it, checked by where it was found and by its real path. A name that
 * is found nowhere runs nothing and is not allowed.
 */
function allowedExecutable(allows: (path: string) => boolean, file: string, lookup: Lookup): boolean {
  const paths = file.includes('/')
    ? [resolve(lookup.cwd, file), ...executablePaths(file, lookup.searchPath, lookup.cwd)]
    : executablePaths(file, lookup.searchPath, lookup.cwd);
  return paths.some(allows);
}

const MAX_COMMAND = 200;

function commandLine(file: string, args: unknown): string {
  const parts = Array.isArray(args) ? args.map(String) : [];
  // `args` repeats the file as argv[0] in the async form
  const rest = parts[0] === file ? parts.slice(1) : parts;
  return [file, ...rest].join(' ').slice(0, MAX_COMMAND);
}

/** The first violation for starting `file`, recorded; undefined when allowed or not blocking. */
function checkExecutable(
  operation: string,
  file: unknown,
  args: unknown,
  options: SpawnOptions | undefined,
): RuntimeGuardViolationError | undefined {
  const policy = activePolicy();
  if (!policy || policy.childProcess.mode === 'allow') return undefined;
  return checkWithPolicy(
    operation,
    file,
    args,
    options,
    policy.childProcess.mode,
    policy.childProcess.allows,
  );
}

function checkWithPolicy(
  operation: string,
  file: unknown,
  args: unknown,
  options: SpawnOptions | undefined,
  mode: 'block' | 'alert',
  allows: (file: string) => boolean,
): RuntimeGuardViolationError | undefined {
  try {
    if (typeof file !== 'string' || allowedExecutable(allows, file, lookupOf(options))) return undefined;
    // The command line goes into the event's detail (the logger redacts it), never into the error message.
    return violation('childProcess', mode, operation, file, { command: commandLine(file, args) });
  } catch (error) {
    reportGuardFault(operation, error);
    return undefined;
  }
}

/** The executable a sync call really starts: the shell when `shell` is set. */
function shellOf(options: unknown, fallback: string | undefined): string | undefined {
  const shell = (options as SpawnOptions | undefined)?.shell;
  if (typeof shell === 'string') return shell;
  return shell ? '/bin/sh' : fallback;
}

function optionsArgument(args: readonly unknown[], index: number): unknown {
  const value = args[index];
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** What `spawnSync` returns when the executable cannot be started (as for ENOENT). */
function failedSpawnSyncResult(error: RuntimeGuardViolationError) {
  return { error, status: null, signal: null, output: null, pid: 0, stdout: undefined, stderr: undefined };
}

function guardSync(name: 'spawnSync' | 'execFileSync' | 'execSync') {
  const operation = `child_process.${name}`;
  replaceMethod(
    childProcess,
    name,
    (original) =>
      function guardedSync(this: unknown, ...args: unknown[]) {
        // A malformed call (a command or file that is not a string) starts
        // nothing: Node rejects it with its own error (rule 1).
        if (typeof args[0] !== 'string') return Reflect.apply(original, this, args);
        let file: unknown;
        let argv: unknown;
        const options = optionsArgument(args, name !== 'execSync' && Array.isArray(args[1]) ? 2 : 1);
        if (name === 'execSync') {
          file = shellOf(options, '/bin/sh');
          argv = ['-c', args[0]];
        } else {
          const shell = shellOf(options, undefined);
          file = shell ?? args[0];
          argv = shell ? ['-c', args[0], ...(Array.isArray(args[1]) ? args[1] : [])] : args[1];
        }
        const error = checkExecutable(operation, file, argv, options as SpawnOptions | undefined);
        if (!error) return Reflect.apply(original, this, args);
        if (name === 'spawnSync') return failedSpawnSyncResult(error);
        throw error;
      },
  );
}

let syncInstalled = false;
let blockInstalled = false;
let alertInstalled = false;

/** Patches the sync forms and `process.execve`; needed in both modes. */
export function installChildProcessSyncHooks(): void {
  if (syncInstalled) return;
  syncInstalled = true;
  guardSync('spawnSync');
  guardSync('execFileSync');
  guardSync('execSync');
  syncBuiltinESMExports();
  replaceMethod(
    process,
    'execve',
    (original) =>
      function guardedExecve(this: unknown, ...args: unknown[]) {
        // execve(2) searches no PATH: a bare name is a file in the working directory.
        const file = typeof args[0] === 'string' && !args[0].includes('/') ? `./${args[0]}` : args[0];
        const error = checkExecutable('process.execve', file, args[1], { env: args[2] });
        if (error) throw error;
        return Reflect.apply(original, this, args);
      },
  );
}

/** Block mode for the async forms: the single method they all call. */
export function installChildProcessBlockHook(): void {
  if (blockInstalled) return;
  blockInstalled = true;
  replaceMethod(
    childProcess.ChildProcess.prototype,
    'spawn',
    (original) =>
      function guardedSpawn(this: unknown, ...args: unknown[]) {
        const policy = activePolicy();
        if (policy?.childProcess.mode === 'block') {
          const options = (args[0] ?? {}) as SpawnOptions;
          const error = checkWithPolicy(
            'child_process.spawn',
            options.file,
            options.args,
            options,
            'block',
            policy.childProcess.allows,
          );
          if (error) return failSpawn(this as ChildProcessInternals, original, args, error);
        }
        return Reflect.apply(original, this, args);
      },
  );
}

/** libuv's code for a system error name, as the native spawn returns it. */
function uvCode(name: string): number | undefined {
  for (const [code, [errorName]] of util.getSystemErrorMap()) if (errorName === name) return code;
  return undefined;
}

const UV_EMFILE = uvCode('EMFILE');
const UV_ESRCH = uvCode('ESRCH');

interface NativeProcessHandle {
  spawn?: unknown;
  kill?: unknown;
}

interface ChildProcessInternals extends ChildProcess {
  _handle?: NativeProcessHandle | null;
}

interface StdioEntry {
  type?: unknown;
  ipc?: unknown;
  handle?: { close?: () => void };
}

/**
 * Fails a blocked async start the way Node fails one that hits EMFILE at
 * run time: Node's own `spawn` runs (validating its options exactly as
 * without the guard) but the native call answers EMFILE, so no process is
 * started, and on the next tick the child emits `'error'` — the guard's
 * error — then `'close'`. Node stops before wiring stdio on that path, so the
 * pipes it made are closed and the child gets streams that end at once
 * where it asked for pipes: code that reads `child.stdout` right after
 * `spawn()` keeps working and sees the error. If Node's internals are not
 * as expected, the error is thrown instead: a blocked start never goes ahead.
 */
function failSpawn(
  child: ChildProcessInternals,
  original: (...args: unknown[]) => unknown,
  args: unknown[],
  error: RuntimeGuardViolationError,
): unknown {
  const handle = child._handle;
  if (UV_EMFILE === undefined || UV_ESRCH === undefined || !handle || typeof handle.spawn !== 'function')
    throw error;
  Object.defineProperty(handle, 'spawn', { value: () => UV_EMFILE, configurable: true });
  // Nothing was started, so nothing can be signalled ("already dead").
  Object.defineProperty(handle, 'kill', { value: () => UV_ESRCH, configurable: true });
  const ownEmit = Object.getOwnPropertyDescriptor(child, 'emit');
  const emit = child.emit;
  Object.defineProperty(child, 'emit', {
    configurable: true,
    writable: true,
    value: function emitGuardError(this: unknown, event: string | symbol, ...rest: unknown[]) {
      if (event !== 'error') return Reflect.apply(emit, this, [event, ...rest]);
      if (ownEmit) Object.defineProperty(child, 'emit', ownEmit);
      else Reflect.deleteProperty(child, 'emit');
      return Reflect.apply(emit, this, ['error', error]);
    },
  });
  const result = Reflect.apply(original, child, args);
  const stdio = (args[0] as { stdio?: unknown } | undefined)?.stdio;
  const streams = Array.isArray(stdio) ? stdio.map((entry, fd) => endedStream(entry, fd)) : [];
  (child as { stdio: unknown }).stdio = streams;
  child.stdin = (streams[0] ?? null) as ChildProcess['stdin'];
  child.stdout = (streams[1] ?? null) as ChildProcess['stdout'];
  child.stderr = (streams[2] ?? null) as ChildProcess['stderr'];
  if (stdio && Array.isArray(stdio) && stdio.some((entry) => (entry as StdioEntry | null)?.ipc)) {
    // A fork's IPC channel never opened: `send` reports that, as a closed channel does.
    child.send = ((...sendArgs: unknown[]) => {
      failCallback(sendArgs, error);
      return false;
    }) as ChildProcess['send'];
  }
  return result;
}

/** Closes a pipe Node made for the child and returns a stream that ends at once in its place. */
function endedStream(entry: unknown, fd: number): Stream | null {
  const { type, ipc, handle } = (entry ?? {}) as StdioEntry;
  if (type !== 'pipe' && type !== 'overlapped') return null;
  try {
    handle?.close?.();
  } catch (closeError) {
    reportGuardFault('child_process.spawn', closeError);
  }
  if (ipc) return null;
  if (fd === 0) return new Writable({ write: (_chunk, _encoding, done) => done() });
  const readable = new PassThrough();
  readable.end();
  return readable;
}

/** Alert mode for the async forms: observe Node's tracing channel, patch nothing. */
export function installChildProcessAlertChannel(): void {
  if (alertInstalled) return;
  alertInstalled = true;
  diagnosticsChannel.subscribe('tracing:child_process.spawn:start', (message) => {
    const policy = activePolicy();
    if (policy?.childProcess.mode !== 'alert') return;
    const options = ((message as { options?: SpawnOptions }).options ?? {}) as SpawnOptions;
    checkWithPolicy(
      'child_process.spawn',
      options.file,
      options.args,
      options,
      'alert',
      policy.childProcess.allows,
    );
  });
}
