import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { CapturedOutput, InvokeOptions, InvokeResult } from '@lambda-sentinel/testing';

/** What one invocation gives back, wherever it ran. */
export interface RanInvocation {
  result: Omit<InvokeResult, 'context'>;
  output: CapturedOutput<unknown>;
}

/**
 * A function running in a process of its own (function-host.ts): `invoke`
 * sends it one event at a time, as Lambda sends an execution environment one
 * invocation at a time.
 */
export interface FunctionProcess {
  readonly name: string;
  invoke(event: unknown, options: InvokeOptions): Promise<RanInvocation>;
  close(): Promise<void>;
}

export interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | boolean>;
}

export interface HostRequest {
  id: number;
  event: unknown;
  options: InvokeOptions;
}

export type HostReply =
  | { ready: true }
  | { failed: string }
  | {
      id: number;
      result: Omit<InvokeResult, 'context' | 'error'> & { error?: SerialisedError };
      output: Omit<CapturedOutput<unknown>, 'result' | 'error'>;
    };

const host = resolve(import.meta.dirname, 'function-host.ts');

/** The function's error again, as an `Error` with the same name, message, stack and fields. */
function revive(serialised: SerialisedError): Error {
  const error = Object.assign(new Error(serialised.message), serialised.fields);
  error.name = serialised.name;
  if (serialised.stack) error.stack = serialised.stack;
  return error;
}

/**
 * Starts `module`'s `exportName` in its own Node process with `env` (Lambda's
 * function configuration: its variables are there when its modules load).
 * Resolves once the module has loaded; rejects with its error if it fails to.
 */
export function startFunctionProcess(
  name: string,
  module: string,
  options: { exportName?: string; env?: Record<string, string | undefined> } = {},
): Promise<FunctionProcess> {
  const child: ChildProcess = fork(host, [module, options.exportName ?? 'handler'], {
    env: { ...process.env, ...options.env },
    serialization: 'advanced',
    // The function's own output is captured per invocation; what it prints outside one
    // (warnings at load) would be its init log: kept out of the demo's terminal.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const pending = new Map<
    number,
    { resolve: (ran: RanInvocation) => void; reject: (error: Error) => void }
  >();
  let nextId = 1;
  // One invocation at a time, as Lambda gives an execution environment (concurrent calls queue).
  let queue: Promise<unknown> = Promise.resolve();
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.once('exit', (code, signal) => {
    for (const { reject } of pending.values()) {
      reject(new Error(`function ${name} exited (${signal ?? code}) during an invocation: ${stderr}`));
    }
    pending.clear();
  });

  return new Promise((resolveStart, rejectStart) => {
    child.once('exit', (code) =>
      rejectStart(new Error(`function ${name} exited (${code}) at init: ${stderr}`)),
    );
    child.on('message', (message: HostReply) => {
      if ('ready' in message) {
        resolveStart({
          name,
          invoke(event, invokeOptions) {
            const id = nextId++;
            const run = queue.then(
              () =>
                new Promise<RanInvocation>((resolveRun, rejectRun) => {
                  pending.set(id, { resolve: resolveRun, reject: rejectRun });
                  child.send({ id, event, options: invokeOptions } satisfies HostRequest);
                }),
            );
            queue = run.catch(() => undefined);
            return run;
          },
          async close() {
            if (child.exitCode === null && child.signalCode === null) child.kill();
            await exited;
          },
        });
      } else if ('failed' in message) {
        rejectStart(new Error(`function ${name} failed to load: ${message.failed}`));
      } else {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        const { error, ...result } = message.result;
        waiting?.resolve({
          result: error ? { ...result, error: revive(error) } : result,
          output: message.output,
        });
      }
    });
  });
}
