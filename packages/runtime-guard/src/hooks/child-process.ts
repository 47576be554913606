import childProcess from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { syncBuiltinESMExports } from 'node:module';
import { activePolicy } from '../active-policy.ts';
import type { RuntimeGuardViolationError } from '../errors.ts';
import { violation } from '../violation.ts';
import { replaceMethod, reportGuardFault } from './wrap.ts';

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
 */

interface SpawnOptions {
  file?: unknown;
  args?: unknown;
  shell?: unknown;
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
): RuntimeGuardViolationError | undefined {
  const policy = activePolicy();
  if (!policy || policy.childProcess.mode === 'allow') return undefined;
  return checkWithPolicy(operation, file, args, policy.childProcess.mode, policy.childProcess.allows);
}

function checkWithPolicy(
  operation: string,
  file: unknown,
  args: unknown,
  mode: 'block' | 'alert',
  allows: (file: string) => boolean,
): RuntimeGuardViolationError | undefined {
  try {
    if (typeof file !== 'string' || allows(file)) return undefined;
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

function guardSync(name: 'spawnSync' | 'execFileSync' | 'execSync') {
  const operation = `child_process.${name}`;
  replaceMethod(
    childProcess,
    name,
    (original) =>
      function guardedSync(this: unknown, ...args: unknown[]) {
        let file: unknown;
        let argv: unknown;
        if (name === 'execSync') {
          file = shellOf(optionsArgument(args, 1), '/bin/sh') ?? '/bin/sh';
          argv = ['-c', args[0]];
        } else {
          const options = optionsArgument(args, Array.isArray(args[1]) ? 2 : 1);
          const shell = shellOf(options, undefined);
          file = shell ?? args[0];
          argv = shell ? ['-c', args[0], ...(Array.isArray(args[1]) ? args[1] : [])] : args[1];
        }
        const error = checkExecutable(operation, file, argv);
        if (error) throw error;
        return Reflect.apply(original, this, args);
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
        const error = checkExecutable('process.execve', args[0], args[1]);
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
            'block',
            policy.childProcess.allows,
          );
          if (error) throw error;
        }
        return Reflect.apply(original, this, args);
      },
  );
}

/** Alert mode for the async forms: observe Node's tracing channel, patch nothing. */
export function installChildProcessAlertChannel(): void {
  if (alertInstalled) return;
  alertInstalled = true;
  diagnosticsChannel.subscribe('tracing:child_process.spawn:start', (message) => {
    const policy = activePolicy();
    if (policy?.childProcess.mode !== 'alert') return;
    const options = ((message as { options?: SpawnOptions }).options ?? {}) as SpawnOptions;
    checkWithPolicy('child_process.spawn', options.file, options.args, 'alert', policy.childProcess.allows);
  });
}
