import childProcess, {
  ChildProcess,
  execSync as namedExecSync,
  spawn as namedSpawn,
} from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import util from 'node:util';
import { invocationState, type SecurityEvent } from '@lambda-sentinel/core';
import { invoke } from '@lambda-sentinel/testing';
import middy, { type MiddlewareObj } from '@middy/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RuntimeGuardMiddleware,
  type RuntimeGuardOptions,
  RuntimeGuardViolationError,
  runtimeGuard,
} from '../src/index.ts';
import { violationsDuring } from './observe.ts';

// Taken before any guard exists: a guard installed later must still see calls through them.
/** `ChildProcess.prototype.spawn`: internal, so not in the type declarations. */
const prototypeSpawn = () => (ChildProcess.prototype as unknown as { spawn: unknown }).spawn;
const earlySpawn = childProcess.spawn;

const ORIGINAL = Symbol.for('@lambda-sentinel/runtime-guard.original');
const guarded = (fn: unknown) => typeof fn === 'function' && ORIGINAL in fn;

const sandbox = fs.mkdtempSync(join(tmpdir(), 'guard-child-'));
const forkScript = join(sandbox, 'touch-marker.mjs');
fs.writeFileSync(
  forkScript,
  "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2], 'forked');\n",
);

/** An ES module using named imports, loaded by Node's own loader (not Vitest's) before any guard. */
interface EsmUser {
  runExecSync(command: string): void;
  runSpawn(command: string): ChildProcess;
}
let esmUser: EsmUser;
// require(esm): Node's loader links the module, so its named imports are real ESM bindings.
const nativeRequire = createRequire(import.meta.url);

// Every successful native start publishes on this channel; a blocked one never does.
let nativeStarts = 0;
const countStart = () => {
  nativeStarts++;
};

const guards: RuntimeGuardMiddleware[] = [];
function guard(options: RuntimeGuardOptions): RuntimeGuardMiddleware {
  // Only the policy under test: fs and outbound stay unwatched.
  const made = runtimeGuard({ mode: 'allow', ...options });
  guards.push(made);
  return made;
}

beforeAll(() => {
  const esmPath = join(sandbox, 'esm-user.mjs');
  fs.writeFileSync(
    esmPath,
    [
      "import { execSync, spawn } from 'node:child_process';",
      "export const runExecSync = (command) => execSync(command, { stdio: 'ignore' });",
      "export const runSpawn = (command) => spawn('sh', ['-c', command]);",
    ].join('\n'),
  );
  esmUser = nativeRequire(esmPath) as EsmUser;
  diagnosticsChannel.subscribe('tracing:child_process.spawn:end', countStart);
});
afterEach(() => {
  for (const made of guards.splice(0)) made.release();
});
afterAll(() => {
  diagnosticsChannel.unsubscribe('tracing:child_process.spawn:end', countStart);
  fs.rmSync(sandbox, { recursive: true, force: true });
});

// --- how each API form reports failure -------------------------------------------------------------

type Via = 'throw' | 'callback' | 'error-event' | 'rejection' | 'result.error';
interface Outcome {
  error?: unknown;
  via?: Via;
}

/** A ChildProcess: its 'error' event, or nothing once it has closed. */
function viaEvent(start: () => ChildProcess): Promise<Outcome> {
  let child: ChildProcess;
  try {
    child = start();
  } catch (error) {
    return Promise.resolve({ error, via: 'throw' });
  }
  return new Promise((resolve) => {
    let error: unknown;
    child.once('error', (e) => {
      error = e;
    });
    child.once('close', () => resolve(error ? { error, via: 'error-event' } : {}));
  });
}

/** A Node-style callback: the error it is given, unless the call threw instead. */
function viaCallback(start: (callback: (error: Error | null) => void) => unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    try {
      start((error) => resolve(error ? { error, via: 'callback' } : {}));
    } catch (error) {
      resolve({ error, via: 'throw' });
    }
  });
}

async function viaPromise(start: () => Promise<unknown>): Promise<Outcome> {
  let promise: Promise<unknown>;
  try {
    promise = start();
  } catch (error) {
    return { error, via: 'throw' };
  }
  try {
    await promise;
    return {};
  } catch (error) {
    return { error, via: 'rejection' };
  }
}

function viaThrow(start: () => unknown): Outcome {
  try {
    start();
    return {};
  } catch (error) {
    return { error, via: 'throw' };
  }
}

interface Form {
  name: string;
  /** The executable the guard sees. */
  target: string;
  operation: string;
  /** How a blocked start reaches the caller. */
  via: Via;
  run(command: string, marker: string): Promise<Outcome> | Outcome;
}

const execAsync = util.promisify(childProcess.exec);
const execFileAsync = util.promisify(childProcess.execFile);
const SPAWN = 'child_process.spawn';

const forms: Form[] = [
  {
    name: 'spawn',
    target: 'sh',
    operation: SPAWN,
    via: 'error-event',
    run: (command) => viaEvent(() => childProcess.spawn('sh', ['-c', command])),
  },
  {
    name: 'exec (callback)',
    target: '/bin/sh',
    operation: SPAWN,
    via: 'callback',
    run: (command) => viaCallback((done) => childProcess.exec(command, done)),
  },
  {
    name: 'execFile',
    target: 'sh',
    operation: SPAWN,
    via: 'callback',
    run: (command) => viaCallback((done) => childProcess.execFile('sh', ['-c', command], done)),
  },
  {
    name: 'fork',
    target: process.execPath,
    operation: SPAWN,
    via: 'error-event',
    run: (_command, marker) => viaEvent(() => childProcess.fork(forkScript, [marker], { execArgv: [] })),
  },
  {
    name: 'util.promisify(exec)',
    target: '/bin/sh',
    operation: SPAWN,
    via: 'rejection',
    run: (command) => viaPromise(() => execAsync(command)),
  },
  {
    name: 'util.promisify(execFile)',
    target: 'sh',
    operation: SPAWN,
    via: 'rejection',
    run: (command) => viaPromise(() => execFileAsync('sh', ['-c', command])),
  },
  {
    name: 'spawnSync',
    target: 'sh',
    operation: 'child_process.spawnSync',
    via: 'result.error',
    run: (command) => {
      const result = childProcess.spawnSync('sh', ['-c', command]);
      return result.error ? { error: result.error, via: 'result.error' } : {};
    },
  },
  {
    name: 'execSync',
    target: '/bin/sh',
    operation: 'child_process.execSync',
    via: 'throw',
    run: (command) => viaThrow(() => childProcess.execSync(command)),
  },
  {
    name: 'execFileSync',
    target: 'sh',
    operation: 'child_process.execFileSync',
    via: 'throw',
    run: (command) => viaThrow(() => childProcess.execFileSync('sh', ['-c', command])),
  },
  {
    name: 'spawn with shell: true',
    target: '/bin/sh',
    operation: SPAWN,
    via: 'error-event',
    run: (command) => viaEvent(() => childProcess.spawn(command, { shell: true })),
  },
  {
    name: 'ESM named import execSync (this file)',
    target: '/bin/sh',
    operation: 'child_process.execSync',
    via: 'throw',
    run: (command) => viaThrow(() => namedExecSync(command)),
  },
  {
    name: 'ESM named import spawn (this file)',
    target: 'sh',
    operation: SPAWN,
    via: 'error-event',
    run: (command) => viaEvent(() => namedSpawn('sh', ['-c', command])),
  },
  {
    name: 'ESM named import execSync (native .mjs)',
    target: '/bin/sh',
    operation: 'child_process.execSync',
    via: 'throw',
    run: (command) => viaThrow(() => esmUser.runExecSync(command)),
  },
  {
    name: 'ESM named import spawn (native .mjs)',
    target: 'sh',
    operation: SPAWN,
    via: 'error-event',
    run: (command) => viaEvent(() => esmUser.runSpawn(command)),
  },
  {
    name: 'spawn referenced before the guard existed',
    target: 'sh',
    operation: SPAWN,
    via: 'error-event',
    run: (command) => viaEvent(() => earlySpawn('sh', ['-c', command])),
  },
];

// --- running a form inside an invocation -----------------------------------------------------------

let markers = 0;
function newMarker(): { marker: string; command: string } {
  const marker = join(sandbox, `marker-${++markers}`);
  return { marker, command: `touch ${marker}` };
}

interface Observed extends Outcome {
  events: SecurityEvent[];
  nativeStarts: number;
}

/** Runs `action` inside an invocation (no guard middleware: the process policy governs). */
async function observe(action: () => Promise<Outcome> | Outcome): Promise<Observed> {
  const before = nativeStarts;
  const { outcome, events } = await violationsDuring(action);
  return { ...outcome, events, nativeStarts: nativeStarts - before };
}

// --- alert only: first, while no guard in this process has patched ChildProcess.prototype.spawn ---

describe('alert mode', () => {
  for (const form of forms) {
    it(`${form.name}: the child runs and one guard_violation event carries the command`, async () => {
      guard({ childProcess: 'alert' });
      const { marker, command } = newMarker();
      const observed = await observe(() => form.run(command, marker));

      expect(observed.error).toBeUndefined();
      expect(fs.existsSync(marker)).toBe(true);
      expect(observed.events).toHaveLength(1);
      expect(observed.events[0]).toMatchObject({
        type: 'guard_violation',
        severity: 'high',
        recordedBy: 'runtime-guard',
        detail: {
          policy: 'childProcess',
          operation: form.operation,
          target: form.target,
          mode: 'alert',
          blocked: false,
        },
      });
      expect(observed.events[0]?.duringInit).toBeUndefined();
      // fork's command line is node, the script and the marker path
      expect(observed.events[0]?.detail.command).toContain(form.name === 'fork' ? marker : command);
    });
  }

  it('records nothing for an executable on the allow list', async () => {
    guard({ childProcess: { mode: 'alert', allow: ['sh'] } });
    const { marker, command } = newMarker();
    const observed = await observe(() => viaEvent(() => childProcess.spawn('sh', ['-c', command])));
    expect(observed.events).toEqual([]);
    expect(fs.existsSync(marker)).toBe(true);
  });
});

// --- block -----------------------------------------------------------------------------------------

describe('block mode', () => {
  it('patches ChildProcess.prototype.spawn', () => {
    guard({ childProcess: 'block' });
    expect(guarded(prototypeSpawn())).toBe(true);
  });

  for (const form of forms) {
    it(`${form.name}: fails through the API's own channel (${form.via}) and starts no process`, async () => {
      guard({ childProcess: 'block' });
      const { marker, command } = newMarker();
      const observed = await observe(() => form.run(command, marker));

      expect(observed.via).toBe(form.via);
      expect(observed.error).toBeInstanceOf(RuntimeGuardViolationError);
      expect(observed.error).toMatchObject({
        code: 'ERR_RUNTIME_GUARD_VIOLATION',
        policy: 'childProcess',
        operation: form.operation,
        target: form.target,
      });
      // No wait needed: a native start publishes on the channel synchronously inside spawn(), and
      // a sync form that ran has finished its child before returning.
      expect(observed.nativeStarts).toBe(0);
      expect(fs.existsSync(marker)).toBe(false);
      expect(observed.events).toHaveLength(1);
      expect(observed.events[0]?.detail).toMatchObject({
        policy: 'childProcess',
        target: form.target,
        mode: 'block',
        blocked: true,
      });
    });
  }

  it('a blocked spawn still gives the child ending stdio streams, then error and close', async () => {
    guard({ childProcess: 'block' });
    const { marker, command } = newMarker();
    const observed = await observe(async () => {
      const child = childProcess.spawn('sh', ['-c', `${command}; echo out`]);
      const order: string[] = [];
      let output = '';
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      const stdoutEnded = new Promise((resolve) => child.stdout?.on('end', resolve));
      let error: unknown;
      child.on('error', (e) => {
        order.push('error');
        error = e;
      });
      child.on('exit', () => order.push('exit'));
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.stdin?.write('ignored');
      expect(child.kill()).toBe(false);
      await closed;
      order.push('close');
      await stdoutEnded;
      expect(order).toEqual(['error', 'close']);
      expect(output).toBe('');
      expect(child.pid).toBeUndefined();
      return { error };
    });
    expect(observed.error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('a blocked fork reports send() as a closed channel', async () => {
    guard({ childProcess: 'block' });
    const { marker } = newMarker();
    const observed = await observe(async () => {
      const child = childProcess.fork(forkScript, [marker], { execArgv: [] });
      const errored = new Promise((resolve) => child.once('error', resolve));
      let returned: boolean | undefined;
      const sent = await new Promise((resolve) => {
        returned = child.send('hello', (error) => resolve(error));
      });
      expect(returned).toBe(false);
      const error = await errored;
      expect(sent).toBe(error);
      return { error };
    });
    expect(observed.error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('process.execve is blocked and the process is not replaced', async () => {
    // alert mode is not tested: it would replace this Vitest worker
    guard({ childProcess: 'block' });
    const { marker, command } = newMarker();
    expect(process.execve).toBeTypeOf('function');
    const observed = await observe(() => viaThrow(() => process.execve?.('/bin/sh', ['sh', '-c', command])));
    expect(observed.via).toBe('throw');
    expect(observed.error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(observed.error).toMatchObject({
      policy: 'childProcess',
      operation: 'process.execve',
      target: '/bin/sh',
    });
    expect(observed.events).toHaveLength(1);
    expect(observed.events[0]?.detail.command).toContain(command);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('a malformed call fails with Node’s own error and records nothing', async () => {
    guard({ childProcess: 'block' });
    const observed = await observe(() => viaThrow(() => childProcess.execSync(42 as unknown as string)));
    expect(observed.error).not.toBeInstanceOf(RuntimeGuardViolationError);
    expect(observed.error).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(observed.events).toEqual([]);
  });
});

// --- allow -----------------------------------------------------------------------------------------

describe('allow mode (hooks installed by the guards above, this policy allows)', () => {
  for (const form of forms) {
    it(`${form.name}: runs and records nothing`, async () => {
      guard({ childProcess: 'allow' });
      const { marker, command } = newMarker();
      const observed = await observe(() => form.run(command, marker));
      expect(observed.error).toBeUndefined();
      expect(fs.existsSync(marker)).toBe(true);
      expect(observed.events).toEqual([]);
    });
  }
});

// --- the allow list --------------------------------------------------------------------------------

describe('childProcess.allow', () => {
  it('a name pattern allows that executable by name or path, and nothing else', async () => {
    guard({ childProcess: { mode: 'block', allow: ['true', process.execPath] } });
    const { marker } = newMarker();
    const observed = await observe(async () => {
      expect(childProcess.spawnSync('true').status).toBe(0);
      expect(() => childProcess.execFileSync('/usr/bin/true')).not.toThrow();
      // node, by its absolute path
      const script = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
      expect(await viaEvent(() => childProcess.spawn(process.execPath, ['-e', script]))).toEqual({});
      // exec() always starts /bin/sh, which is not on the list
      const viaShell = viaThrow(() => childProcess.execSync('true'));
      const other = await viaCallback((done) => childProcess.execFile('sh', ['-c', 'true'], done));
      return { error: [viaShell.error, other.error] };
    });
    expect(fs.existsSync(marker)).toBe(true);
    const [viaShell, other] = observed.error as unknown[];
    expect(viaShell).toMatchObject({ policy: 'childProcess', target: '/bin/sh' });
    expect(other).toMatchObject({ policy: 'childProcess', target: 'sh' });
    expect(observed.events.map((e) => e.detail.target)).toEqual(['/bin/sh', 'sh']);
  });

  it('an absolute path glob allows the executables it matches, by path or by name, and nothing else', async () => {
    guard({ childProcess: { mode: 'block', allow: ['/usr/bin/to*'] } });
    const allowed = join(sandbox, 'by-path');
    const byName = join(sandbox, 'by-name');
    const asyncAllowed = join(sandbox, 'by-path-async');
    const observed = await observe(async () => {
      childProcess.execFileSync('/usr/bin/touch', [allowed]);
      expect(await viaEvent(() => childProcess.spawn('/usr/bin/touch', [asyncAllowed]))).toEqual({});
      // by name: the file PATH finds is /usr/bin/touch (or a link to it)
      childProcess.execFileSync('touch', [byName]);
      // another file in the directory is not on the list
      const errors = [
        viaThrow(() => childProcess.execFileSync('/usr/bin/true')).error,
        (await viaEvent(() => childProcess.spawn('/bin/sh', ['-c', 'true']))).error,
      ];
      return { error: errors };
    });
    expect(fs.existsSync(allowed)).toBe(true);
    expect(fs.existsSync(asyncAllowed)).toBe(true);
    expect(fs.existsSync(byName)).toBe(true);
    expect((observed.error as unknown[]).map((e) => (e as RuntimeGuardViolationError).target)).toEqual([
      '/usr/bin/true',
      '/bin/sh',
    ]);
    expect(observed.events.map((e) => e.detail.target)).toEqual(['/usr/bin/true', '/bin/sh']);
  });
});

describe.each(['block', 'alert'] as const)('an executable allowed by name, in %s mode', (mode) => {
  /** `dir/true`: a script that leaves a marker, standing in for an attacker's executable. */
  function impostor(dir: string, marker: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const path = join(dir, 'true');
    fs.writeFileSync(path, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    return path;
  }

  it('is the file PATH found at construction: not an impostor of that name in /tmp or earlier on a later PATH', async () => {
    const { marker } = newMarker();
    const dir = join(sandbox, `impostor-${mode}`);
    const fake = impostor(dir, marker);
    const link = join(sandbox, `link-to-true-${mode}`);
    const real = (process.env.PATH ?? '')
      .split(':')
      .map((entry) => join(entry, 'true'))
      .find((path) => fs.existsSync(path));
    fs.symlinkSync(real ?? '/usr/bin/true', link);
    guard({ childProcess: { mode, allow: ['true'] } });
    const savedPath = process.env.PATH;
    const observed = await observe(async () => {
      const outcomes = [
        // the real one, by name and through a link to it: allowed
        childProcess.spawnSync('true').error,
        childProcess.spawnSync(link).error,
        // the impostor, by path, by a PATH given to the child, and by this process's PATH changed later
        childProcess.spawnSync(fake).error,
        childProcess.spawnSync('true', { env: { PATH: `${dir}:${savedPath}` } }).error,
      ];
      process.env.PATH = `${dir}:${savedPath}`;
      try {
        outcomes.push((await viaEvent(() => childProcess.spawn('true'))).error as Error | undefined);
      } finally {
        process.env.PATH = savedPath;
      }
      return { error: outcomes };
    });
    const [byName, byLink, ...impostors] = observed.error as unknown[];
    expect(byName).toBeUndefined();
    expect(byLink).toBeUndefined();
    for (const error of impostors) {
      if (mode === 'block') expect(error).toBeInstanceOf(RuntimeGuardViolationError);
      else expect(error).toBeUndefined();
    }
    expect(observed.events.map((e) => [e.detail.target, e.detail.blocked])).toEqual([
      [fake, mode === 'block'],
      ['true', mode === 'block'],
      ['true', mode === 'block'],
    ]);
    // the impostor ran only where the guard let it
    expect(fs.existsSync(marker)).toBe(mode === 'alert');
  });
});

describe('childProcess.allow names', () => {
  it('that PATH does not find are refused at construction, naming the entry', () => {
    expect(() =>
      runtimeGuard({ childProcess: { mode: 'block', allow: ['true', 'no-such-program-here'] } }),
    ).toThrow(
      /^childProcess\.allow\[1\]: "no-such-program-here" is not an executable on PATH .*; give its absolute path$/,
    );
    // an absolute path need not exist (a layer may bring it); allow mode resolves nothing
    guard({ childProcess: { mode: 'block', allow: ['/opt/bin/convert'] } });
    guard({ childProcess: { mode: 'allow', allow: ['no-such-program-here'] } });
  });
});

// --- one invocation through Middy ------------------------------------------------------------------

describe('inside a Middy invocation', () => {
  function handlerWith(guardMiddleware: RuntimeGuardMiddleware, seen: SecurityEvent[][], marker: string) {
    const capture: MiddlewareObj['after'] = (request) => {
      seen.push([...invocationState(request).securityEvents]);
    };
    return middy(async () => {
      await execFileAsync('sh', ['-c', `touch ${marker}`]);
      return 'done';
    })
      .use({ after: capture, onError: capture })
      .use(guardMiddleware);
  }

  it('block: the handler fails with the violation, which lands on that invocation', async () => {
    const seen: SecurityEvent[][] = [];
    const { marker } = newMarker();
    const result = await invoke(handlerWith(guard({ childProcess: 'block' }), seen, marker), {});
    expect(result.error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(fs.existsSync(marker)).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toHaveLength(1);
    expect(seen[0]?.[0]).toMatchObject({
      type: 'guard_violation',
      detail: { policy: 'childProcess', target: 'sh', mode: 'block', blocked: true },
    });
    expect(seen[0]?.[0]?.duringInit).toBeUndefined();
  });

  it('alert: the handler succeeds and the event lands on that invocation', async () => {
    const seen: SecurityEvent[][] = [];
    const { marker } = newMarker();
    const alerting = guard({ childProcess: 'alert' });
    // a later guard in block mode is the process policy; the invocation keeps its own guard's policy
    guard({ childProcess: 'block' });
    const result = await invoke(handlerWith(alerting, seen, marker), {});
    expect(result.error).toBeUndefined();
    expect(result.result).toBe('done');
    expect(fs.existsSync(marker)).toBe(true);
    expect(seen[0]).toHaveLength(1);
    expect(seen[0]?.[0]?.detail).toMatchObject({
      policy: 'childProcess',
      target: 'sh',
      mode: 'alert',
      blocked: false,
    });
    expect(seen[0]?.[0]?.detail.command).toContain(`touch ${marker}`);
  });
});
