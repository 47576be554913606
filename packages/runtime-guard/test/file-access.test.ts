import { execFile } from 'node:child_process';
import fs, { writeFileSync as namedWriteFileSync } from 'node:fs';
import { writeFile as namedWriteFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { invocationState, type SecurityEvent } from '@lambda-sentinel/core';
import { captureOutput, invoke } from '@lambda-sentinel/testing';
import middy, { type MiddlewareObj } from '@middy/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GuardMode,
  type RuntimeGuardOptions,
  RuntimeGuardViolationError,
  runtimeGuard,
} from '../src/index.ts';

// Real files in a temp sandbox. `allowed/` may be written, `task/` must not
// be read; `out/` is readable but outside the write allow-list. Every guard is
// released as soon as it is built, so it governs only its own invocations and
// never Vitest's work between them.

const ORIGINAL = Symbol.for('@lambda-sentinel/runtime-guard.original');
const { O_WRONLY, O_CREAT } = fs.constants;

let sandbox: string;
let serial = 0;

beforeAll(() => {
  sandbox = fs.realpathSync(fs.mkdtempSync(join(fs.realpathSync('/tmp'), 'guard-files-')));
  for (const dir of ['allowed', 'out', 'task']) fs.mkdirSync(join(sandbox, dir));
  // As a function does at module scope: the hooks exist before any test's fs call, whichever runs
  // first. (Node's fs.cp binds fs.promises' functions when first used; used before the hooks, its
  // entry-by-entry checks would be lost — see the guide's limits.)
  runtimeGuard(sandboxOptions('block')).release();
});
afterAll(() => {
  fs.rmSync(sandbox, { recursive: true, force: true });
});

/** Fresh per-test directories: `allowed/N`, `out/N`, `task/N` (holding `secret.txt`). */
interface Dirs {
  allowed: string;
  out: string;
  task: string;
  secret: string;
}
function dirs(): Dirs {
  const n = String(++serial);
  const made = {
    allowed: join(sandbox, 'allowed', n),
    out: join(sandbox, 'out', n),
    task: join(sandbox, 'task', n),
  };
  for (const dir of Object.values(made)) fs.mkdirSync(dir);
  const secret = join(made.task, 'secret.txt');
  fs.writeFileSync(secret, `secret-${n}`);
  return { ...made, secret };
}

function sandboxOptions(mode: GuardMode, extra: RuntimeGuardOptions = {}): RuntimeGuardOptions {
  return {
    childProcess: 'allow',
    outbound: 'allow',
    fileWrite: { mode, allow: [`${sandbox}/allowed/**`] },
    fileRead: { mode, deny: [`${sandbox}/task/**`] },
    ...extra,
  };
}

interface Run<T> {
  result?: T;
  error?: unknown;
  /** The invocation's own guard_violation events. */
  events: SecurityEvent[];
}

/** Runs `body` as one invocation of a Middy handler guarded by `options`, keeping its security events. */
async function guarded<T>(options: RuntimeGuardOptions, body: () => T | Promise<T>): Promise<Run<T>> {
  const guard = runtimeGuard(options);
  guard.release();
  let events: SecurityEvent[] = [];
  const keep: MiddlewareObj['after'] = (request) => {
    events = invocationState(request).securityEvents.filter(
      (event) => event.type === 'guard_violation' && !event.duringInit,
    );
  };
  const handler = middy(async () => body())
    .use({ after: keep, onError: keep })
    .use(guard);
  const { result, error } = await invoke(handler, {});
  return { result: result as T, error, events };
}

// How a call reported its outcome: through the API's own channel, or not at all.
type Via = 'throw' | 'callback' | 'rejection' | 'stream';
interface Outcome {
  via: Via | 'none';
  error?: unknown;
  value?: unknown;
}
type Done = (error: unknown, value?: unknown) => void;

async function viaSync(fn: () => unknown): Promise<Outcome> {
  try {
    return { via: 'none', value: fn() };
  } catch (error) {
    return { via: 'throw', error };
  }
}
function viaCallback(fn: (done: Done) => void): Promise<Outcome> {
  return new Promise((resolve) => {
    try {
      fn((error, value) => resolve(error ? { via: 'callback', error } : { via: 'none', value }));
    } catch (error) {
      resolve({ via: 'throw', error });
    }
  });
}
async function viaPromise(fn: () => Promise<unknown>): Promise<Outcome> {
  let promise: Promise<unknown>;
  try {
    promise = fn();
  } catch (error) {
    return { via: 'throw', error };
  }
  return promise.then(
    (value) => ({ via: 'none', value }),
    (error) => ({ via: 'rejection', error }),
  );
}
function viaWriteStream(
  path: string,
  options?: Parameters<typeof fs.createWriteStream>[1],
): Promise<Outcome> {
  return new Promise((resolve) => {
    try {
      const stream = fs.createWriteStream(path, options);
      stream.on('error', (error) => resolve({ via: 'stream', error }));
      stream.on('close', () => resolve({ via: 'none' }));
      stream.end('x');
    } catch (error) {
      resolve({ via: 'throw', error });
    }
  });
}
function viaReadStream(path: unknown): Promise<Outcome> {
  return new Promise((resolve) => {
    try {
      const stream = fs.createReadStream(path as string, 'utf8');
      let text = '';
      stream.on('data', (chunk) => {
        text += chunk;
      });
      stream.on('error', (error) => resolve({ via: 'stream', error }));
      stream.on('end', () => resolve({ via: 'none', value: text }));
    } catch (error) {
      resolve({ via: 'throw', error });
    }
  });
}

const read = (path: string) => fs.readFileSync(path, 'utf8');
/** After a write-only open the read fails with EBADF; the open, which is what counts, did its work. */
function unlessBadDescriptor(error: unknown): string {
  if ((error as NodeJS.ErrnoException | null)?.code === 'EBADF') return '';
  throw error;
}
const exists = (path: string) => fs.existsSync(path);
const lexists = (path: string) => {
  try {
    fs.lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

interface Case {
  name: string;
  policy: 'fileWrite' | 'fileRead';
  operation: string;
  via: Via;
  setup?: (d: Dirs) => void;
  act: (d: Dirs) => Promise<Outcome>;
  target: (d: Dirs) => string;
  /** Did the action take effect (on disk, or in what the call returned)? */
  happened: (d: Dirs, outcome: Outcome) => boolean;
}

type Shared = Pick<Case, 'policy' | 'setup' | 'target' | 'happened'>;

/** One case per API form: callback, Sync, fs.promises. */
function forms(
  base: string,
  shared: Shared,
  act: {
    callback: (d: Dirs, done: Done) => void;
    sync: (d: Dirs) => unknown;
    promise: (d: Dirs) => Promise<unknown>;
  },
  label = '',
): Case[] {
  return [
    {
      ...shared,
      name: `fs.${base}${label}`,
      operation: `fs.${base}`,
      via: 'callback',
      act: (d) => viaCallback((done) => act.callback(d, done)),
    },
    {
      ...shared,
      name: `fs.${base}Sync${label}`,
      operation: `fs.${base}Sync`,
      via: 'throw',
      act: (d) => viaSync(() => act.sync(d)),
    },
    {
      ...shared,
      name: `fs.promises.${base}${label}`,
      operation: `fs.promises.${base}`,
      via: 'rejection',
      act: (d) => viaPromise(() => act.promise(d)),
    },
  ];
}

const outFile = (d: Dirs) => join(d.out, 'f.txt');
const written = (d: Dirs) => exists(outFile(d));
const succeeded = (_d: Dirs, outcome: Outcome) => outcome.via === 'none';
const gotSecret = (d: Dirs, outcome: Outcome) => String(outcome.value).includes(read(d.secret));
const withContent = (text: string) => (d: Dirs) => fs.writeFileSync(outFile(d), text);

const CASES: Case[] = [
  ...forms(
    'writeFile',
    { policy: 'fileWrite', target: outFile, happened: written },
    {
      callback: (d, done) => fs.writeFile(outFile(d), 'x', done),
      sync: (d) => fs.writeFileSync(outFile(d), Buffer.from('x')),
      promise: (d) => fs.promises.writeFile(outFile(d), 'x'),
    },
  ),
  ...forms(
    'appendFile',
    {
      policy: 'fileWrite',
      setup: withContent('a'),
      target: outFile,
      happened: (d) => read(outFile(d)) === 'ax',
    },
    {
      callback: (d, done) => fs.appendFile(outFile(d), 'x', done),
      // Buffer data: appendFileSync -> writeFileSync -> openSync inside Node, one call.
      sync: (d) => fs.appendFileSync(outFile(d), Buffer.from('x')),
      promise: (d) => fs.promises.appendFile(outFile(d), 'x'),
    },
  ),
  ...forms(
    'open',
    { policy: 'fileWrite', target: outFile, happened: written },
    {
      callback: (d, done) =>
        fs.open(outFile(d), 'w', (error, fd) => (error ? done(error) : fs.close(fd, done))),
      sync: (d) => fs.closeSync(fs.openSync(outFile(d), 'w')),
      promise: async (d) => (await fs.promises.open(outFile(d), 'w')).close(),
    },
    " 'w'",
  ),
  ...forms(
    'open',
    {
      policy: 'fileWrite',
      setup: withContent('a'),
      target: outFile,
      happened: (d) => read(outFile(d)) === 'ab',
    },
    {
      callback: (d, done) =>
        fs.open(outFile(d), 'a', (error, fd) =>
          error ? done(error) : fs.write(fd, 'b', () => fs.close(fd, done)),
        ),
      sync: (d) => {
        const fd = fs.openSync(outFile(d), 'a');
        fs.writeSync(fd, 'b');
        fs.closeSync(fd);
      },
      promise: async (d) => {
        const handle = await fs.promises.open(outFile(d), 'a');
        await handle.write('b');
        await handle.close();
      },
    },
    " 'a'",
  ),
  // r+ reads and writes; out/ may be read, so only the write is a violation: one event.
  ...forms(
    'open',
    {
      policy: 'fileWrite',
      setup: withContent('abc'),
      target: outFile,
      happened: (d) => read(outFile(d)) === 'Zbc',
    },
    {
      callback: (d, done) =>
        fs.open(outFile(d), 'r+', (error, fd) =>
          error ? done(error) : fs.write(fd, 'Z', 0, () => fs.close(fd, done)),
        ),
      sync: (d) => {
        const fd = fs.openSync(outFile(d), 'r+');
        fs.writeSync(fd, 'Z', 0);
        fs.closeSync(fd);
      },
      promise: async (d) => {
        const handle = await fs.promises.open(outFile(d), 'r+');
        await handle.write('Z', 0);
        await handle.close();
      },
    },
    " 'r+'",
  ),
  ...forms(
    'open',
    { policy: 'fileWrite', target: outFile, happened: written },
    {
      callback: (d, done) =>
        fs.open(outFile(d), O_WRONLY | O_CREAT, (error, fd) => (error ? done(error) : fs.close(fd, done))),
      sync: (d) => fs.closeSync(fs.openSync(outFile(d), O_WRONLY | O_CREAT)),
      promise: async (d) => (await fs.promises.open(outFile(d), O_WRONLY | O_CREAT)).close(),
    },
    ' O_WRONLY|O_CREAT',
  ),
  ...forms(
    'mkdir',
    { policy: 'fileWrite', target: (d) => join(d.out, 'made'), happened: (d) => exists(join(d.out, 'made')) },
    {
      callback: (d, done) => fs.mkdir(join(d.out, 'made'), done),
      sync: (d) => fs.mkdirSync(join(d.out, 'made')),
      promise: (d) => fs.promises.mkdir(join(d.out, 'made')),
    },
  ),
  ...forms(
    'mkdtemp',
    {
      policy: 'fileWrite',
      target: (d) => join(d.out, 'tmp-'),
      happened: (d) => fs.readdirSync(d.out).some((name) => name.startsWith('tmp-')),
    },
    {
      callback: (d, done) => fs.mkdtemp(join(d.out, 'tmp-'), done),
      sync: (d) => fs.mkdtempSync(join(d.out, 'tmp-')),
      promise: (d) => fs.promises.mkdtemp(join(d.out, 'tmp-')),
    },
  ),
  ...forms(
    'rm',
    { policy: 'fileWrite', setup: withContent('a'), target: outFile, happened: (d) => !exists(outFile(d)) },
    {
      callback: (d, done) => fs.rm(outFile(d), done),
      sync: (d) => fs.rmSync(outFile(d)),
      promise: (d) => fs.promises.rm(outFile(d)),
    },
  ),
  // A whole tree: Node removes it through fs.rmdir/fs.unlink, still one call.
  ...forms(
    'rm',
    {
      policy: 'fileWrite',
      setup: (d) => {
        fs.mkdirSync(join(d.out, 'tree', 'a', 'b'), { recursive: true });
        fs.writeFileSync(join(d.out, 'tree', 'a', 'b', 'leaf.txt'), 'x');
        fs.writeFileSync(join(d.out, 'tree', 'top.txt'), 'x');
      },
      target: (d) => join(d.out, 'tree'),
      happened: (d) => !exists(join(d.out, 'tree')),
    },
    {
      callback: (d, done) => fs.rm(join(d.out, 'tree'), { recursive: true }, done),
      sync: (d) => fs.rmSync(join(d.out, 'tree'), { recursive: true }),
      promise: (d) => fs.promises.rm(join(d.out, 'tree'), { recursive: true }),
    },
    ' recursive',
  ),
  ...forms(
    'unlink',
    { policy: 'fileWrite', setup: withContent('a'), target: outFile, happened: (d) => !exists(outFile(d)) },
    {
      callback: (d, done) => fs.unlink(outFile(d), done),
      sync: (d) => fs.unlinkSync(outFile(d)),
      promise: (d) => fs.promises.unlink(outFile(d)),
    },
  ),
  ...forms(
    'rename',
    {
      policy: 'fileWrite',
      setup: (d) => fs.writeFileSync(join(d.allowed, 'src.txt'), 'x'),
      target: outFile,
      happened: (d) => exists(outFile(d)) && !exists(join(d.allowed, 'src.txt')),
    },
    {
      callback: (d, done) => fs.rename(join(d.allowed, 'src.txt'), outFile(d), done),
      sync: (d) => fs.renameSync(join(d.allowed, 'src.txt'), outFile(d)),
      promise: (d) => fs.promises.rename(join(d.allowed, 'src.txt'), outFile(d)),
    },
  ),
  ...forms(
    'copyFile',
    {
      policy: 'fileWrite',
      setup: (d) => fs.writeFileSync(join(d.out, 'src.txt'), 'x'),
      target: outFile,
      happened: written,
    },
    {
      callback: (d, done) => fs.copyFile(join(d.out, 'src.txt'), outFile(d), done),
      sync: (d) => fs.copyFileSync(join(d.out, 'src.txt'), outFile(d)),
      promise: (d) => fs.promises.copyFile(join(d.out, 'src.txt'), outFile(d)),
    },
    ' (dest write)',
  ),
  ...forms(
    'copyFile',
    {
      policy: 'fileRead',
      target: (d) => d.secret,
      happened: (d) => exists(join(d.allowed, 'copy.txt')),
    },
    {
      callback: (d, done) => fs.copyFile(d.secret, join(d.allowed, 'copy.txt'), done),
      sync: (d) => fs.copyFileSync(d.secret, join(d.allowed, 'copy.txt')),
      promise: (d) => fs.promises.copyFile(d.secret, join(d.allowed, 'copy.txt')),
    },
    ' (src read)',
  ),
  ...forms(
    'cp',
    {
      policy: 'fileWrite',
      setup: (d) => fs.writeFileSync(join(d.out, 'src.txt'), 'x'),
      target: outFile,
      happened: written,
    },
    {
      callback: (d, done) => fs.cp(join(d.out, 'src.txt'), outFile(d), done),
      sync: (d) => fs.cpSync(join(d.out, 'src.txt'), outFile(d)),
      promise: (d) => fs.promises.cp(join(d.out, 'src.txt'), outFile(d)),
    },
  ),
  ...forms(
    'symlink',
    { policy: 'fileWrite', target: outFile, happened: (d) => lexists(outFile(d)) },
    {
      callback: (d, done) => fs.symlink(d.allowed, outFile(d), done),
      sync: (d) => fs.symlinkSync(d.allowed, outFile(d)),
      promise: (d) => fs.promises.symlink(d.allowed, outFile(d)),
    },
  ),
  ...forms(
    'truncate',
    {
      policy: 'fileWrite',
      setup: withContent('abc'),
      target: outFile,
      happened: (d) => read(outFile(d)) === 'a',
    },
    {
      callback: (d, done) => fs.truncate(outFile(d), 1, done),
      sync: (d) => fs.truncateSync(outFile(d), 1),
      promise: (d) => fs.promises.truncate(outFile(d), 1),
    },
  ),
  ...forms(
    'readFile',
    { policy: 'fileRead', target: (d) => d.secret, happened: gotSecret },
    {
      callback: (d, done) => fs.readFile(d.secret, 'utf8', done),
      // No encoding: readFileSync opens through fs.openSync inside Node — still one call.
      sync: (d) => fs.readFileSync(d.secret).toString(),
      promise: (d) => fs.promises.readFile(d.secret, 'utf8'),
    },
  ),
  // A read call with a writing flag is a write: `w+` truncates, `a+` and `w` create.
  ...forms(
    'readFile',
    {
      policy: 'fileWrite',
      setup: withContent('abc'),
      target: outFile,
      happened: (d) => read(outFile(d)) === '',
    },
    {
      callback: (d, done) => fs.readFile(outFile(d), { flag: 'w+' }, done),
      sync: (d) => fs.readFileSync(outFile(d), { flag: 'w+' }),
      promise: (d) => fs.promises.readFile(outFile(d), { flag: 'w+' }),
    },
    " { flag: 'w+' }",
  ),
  ...forms(
    'readFile',
    { policy: 'fileWrite', target: outFile, happened: written },
    {
      callback: (d, done) => fs.readFile(outFile(d), { flag: 'a+' }, done),
      sync: (d) => fs.readFileSync(outFile(d), { flag: 'a+' }),
      promise: (d) => fs.promises.readFile(outFile(d), { flag: 'a+' }),
    },
    " { flag: 'a+' }",
  ),
  ...forms(
    'readFile',
    { policy: 'fileWrite', target: outFile, happened: written },
    {
      // Opened write-only, the read itself then fails with EBADF: the file is created all the same.
      callback: (d, done) =>
        fs.readFile(outFile(d), { flag: 'w' }, (error) => done(error?.code === 'EBADF' ? null : error)),
      sync: (d) => {
        try {
          return fs.readFileSync(outFile(d), { flag: 'w' });
        } catch (error) {
          return unlessBadDescriptor(error);
        }
      },
      promise: (d) => fs.promises.readFile(outFile(d), { flag: 'w' }).catch(unlessBadDescriptor),
    },
    " { flag: 'w' }",
  ),
  {
    name: 'fs.mkdtempDisposableSync',
    policy: 'fileWrite',
    operation: 'fs.mkdtempDisposableSync',
    via: 'throw',
    act: (d) => viaSync(() => fs.mkdtempDisposableSync(join(d.out, 'tmp-')).path),
    target: (d) => join(d.out, 'tmp-'),
    happened: (d) => fs.readdirSync(d.out).some((name) => name.startsWith('tmp-')),
  },
  {
    name: 'fs.promises.mkdtempDisposable',
    policy: 'fileWrite',
    operation: 'fs.promises.mkdtempDisposable',
    via: 'rejection',
    act: (d) => viaPromise(async () => (await fs.promises.mkdtempDisposable(join(d.out, 'tmp-'))).path),
    target: (d) => join(d.out, 'tmp-'),
    happened: (d) => fs.readdirSync(d.out).some((name) => name.startsWith('tmp-')),
  },
  ...forms(
    'readdir',
    {
      policy: 'fileRead',
      target: (d) => d.task,
      happened: (_d, outcome) => String(outcome.value) === 'secret.txt',
    },
    {
      callback: (d, done) => fs.readdir(d.task, done),
      sync: (d) => fs.readdirSync(d.task),
      promise: (d) => fs.promises.readdir(d.task),
    },
  ),
  ...forms(
    'open',
    { policy: 'fileRead', target: (d) => d.secret, happened: succeeded },
    {
      callback: (d, done) => fs.open(d.secret, (error, fd) => (error ? done(error) : fs.close(fd, done))),
      sync: (d) => fs.closeSync(fs.openSync(d.secret, 'r')),
      promise: async (d) => (await fs.promises.open(d.secret)).close(),
    },
    ' for read',
  ),
  {
    name: 'fs.openAsBlob',
    policy: 'fileRead',
    operation: 'fs.openAsBlob',
    via: 'rejection',
    act: (d) => viaPromise(async () => (await fs.openAsBlob(d.secret)).text()),
    target: (d) => d.secret,
    happened: gotSecret,
  },
  {
    name: 'fs.createWriteStream',
    policy: 'fileWrite',
    operation: 'fs.createWriteStream',
    via: 'stream',
    act: (d) => viaWriteStream(outFile(d)),
    target: outFile,
    happened: (d) => exists(outFile(d)) && read(outFile(d)) === 'x',
  },
  {
    name: "fs.createWriteStream { flags: 'a' }",
    policy: 'fileWrite',
    operation: 'fs.createWriteStream',
    via: 'stream',
    setup: withContent('a'),
    act: (d) => viaWriteStream(outFile(d), { flags: 'a' }),
    target: outFile,
    happened: (d) => read(outFile(d)) === 'ax',
  },
  {
    name: 'fs.createReadStream',
    policy: 'fileRead',
    operation: 'fs.createReadStream',
    via: 'stream',
    act: (d) => viaReadStream(d.secret),
    target: (d) => d.secret,
    happened: gotSecret,
  },
  {
    name: 'fs.createReadStream (file: URL)',
    policy: 'fileRead',
    operation: 'fs.createReadStream',
    via: 'stream',
    act: (d) => viaReadStream(pathToFileURL(d.secret)),
    target: (d) => d.secret,
    happened: gotSecret,
  },
  {
    name: "import { writeFileSync } from 'node:fs'",
    policy: 'fileWrite',
    operation: 'fs.writeFileSync',
    via: 'throw',
    act: (d) => viaSync(() => namedWriteFileSync(outFile(d), 'x')),
    target: outFile,
    happened: written,
  },
  {
    name: "import { writeFile } from 'node:fs/promises'",
    policy: 'fileWrite',
    operation: 'fs.promises.writeFile',
    via: 'rejection',
    act: (d) => viaPromise(() => namedWriteFile(outFile(d), 'x')),
    target: outFile,
    happened: written,
  },
];

describe.each(['block', 'alert', 'allow'] as const)('fileWrite / fileRead in %s mode', (mode) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const d = dirs();
    c.setup?.(d);
    const target = c.target(d);
    const { result: outcome, error, events } = await guarded(sandboxOptions(mode), () => c.act(d));
    expect(error).toBeUndefined();
    if (!outcome) throw new Error('no outcome');

    if (mode === 'block') {
      expect(outcome.via).toBe(c.via);
      expect(outcome.error).toBeInstanceOf(RuntimeGuardViolationError);
      expect(outcome.error).toMatchObject({
        code: 'ERR_RUNTIME_GUARD_VIOLATION',
        policy: c.policy,
        operation: c.operation,
        target,
      });
      expect(c.happened(d, outcome)).toBe(false);
    } else {
      expect(outcome.error).toBeUndefined();
      expect(outcome.via).toBe('none');
      expect(c.happened(d, outcome)).toBe(true);
    }

    if (mode === 'allow') {
      expect(events).toEqual([]);
    } else {
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'guard_violation',
        severity: 'high',
        recordedBy: 'runtime-guard',
        detail: { policy: c.policy, operation: c.operation, target, mode, blocked: mode === 'block' },
      });
    }
  });
});

describe('calls on allowed paths', () => {
  it('go ahead untouched and record nothing, in every form', async () => {
    const d = dirs();
    const file = join(d.allowed, 'ok.txt');
    fs.writeFileSync(outFile(d), 'readable');
    const { result, error, events } = await guarded(sandboxOptions('block'), async () => {
      fs.writeFileSync(file, 'a');
      await promisify(fs.appendFile)(file, 'b');
      await fs.promises.appendFile(file, 'c');
      await viaWriteStream(join(d.allowed, 'stream.txt'));
      fs.mkdirSync(join(d.allowed, 'sub'));
      fs.renameSync(join(d.allowed, 'stream.txt'), join(d.allowed, 'sub', 'moved.txt'));
      await fs.promises.cp(join(d.allowed, 'sub'), join(d.allowed, 'copy'), { recursive: true });
      fs.rmSync(join(d.allowed, 'sub'), { recursive: true });
      // out/ is outside the write allow-list but may be read.
      return [
        read(file),
        read(join(d.allowed, 'copy', 'moved.txt')),
        exists(join(d.allowed, 'sub')),
        read(outFile(d)),
      ];
    });
    expect(error).toBeUndefined();
    expect(result).toEqual(['abc', 'x', false, 'readable']);
    expect(events).toEqual([]);
  });
});

describe('an invocation of a guarded handler', () => {
  /** A handler that writes outside its allowed directory and reads its own source under the task root. */
  function build(mode: GuardMode, taskRoot: string, allowed: string, outside: string) {
    const seen: SecurityEvent[][] = [];
    const keep: MiddlewareObj['after'] = (request) => {
      seen.push([...invocationState(request).securityEvents]);
    };
    const guard = runtimeGuard({
      mode,
      taskRoot,
      childProcess: 'allow',
      outbound: 'allow',
      fileWrite: { allow: [`${allowed}/**`] },
    });
    guard.release();
    const handler = middy(async () => {
      fs.writeFileSync(outside, 'exfiltrated');
      return fs.readFileSync(join(taskRoot, 'handler.js'), 'utf8');
    })
      .use({ after: keep, onError: keep })
      .use(guard);
    return { handler, seen };
  }

  function taskRootIn(d: Dirs): string {
    const root = join(d.out, 'var-task');
    fs.mkdirSync(root);
    fs.writeFileSync(join(root, 'handler.js'), 'exports.handler = async () => "secret logic";');
    return root;
  }

  it('is stopped at the first violation in block mode, and nothing is written', async () => {
    const d = dirs();
    const root = taskRootIn(d);
    const outside = join(d.out, 'stolen.txt');
    const { handler, seen } = build('block', root, d.allowed, outside);
    const { error } = await invoke(handler, {});
    expect(error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(error).toMatchObject({ policy: 'fileWrite', operation: 'fs.writeFileSync', target: outside });
    expect(exists(outside)).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.map((e) => e.detail)).toEqual([
      {
        policy: 'fileWrite',
        operation: 'fs.writeFileSync',
        target: outside,
        mode: 'block',
        blocked: true,
      },
    ]);
  });

  it('blocks the read of its own source under the task root', async () => {
    const d = dirs();
    const root = taskRootIn(d);
    // This time the write goes where it may.
    const { handler, seen } = build('block', root, d.allowed, join(d.allowed, 'fine.txt'));
    const { error } = await invoke(handler, {});
    expect(error).toMatchObject({
      name: 'RuntimeGuardViolationError',
      policy: 'fileRead',
      operation: 'fs.readFileSync',
      target: join(root, 'handler.js'),
    });
    expect(read(join(d.allowed, 'fine.txt'))).toBe('exfiltrated');
    expect(seen[0]?.map((e) => e.detail.policy)).toEqual(['fileRead']);
  });

  it('lets both through in alert mode, one event each, every invocation', async () => {
    const d = dirs();
    const root = taskRootIn(d);
    const outside = join(d.out, 'stolen.txt');
    const { handler, seen } = build('alert', root, d.allowed, outside);
    const first = await invoke(handler, {});
    const second = await invoke(handler, {});
    expect(first.error).toBeUndefined();
    expect(first.result).toContain('secret logic');
    expect(second.result).toContain('secret logic');
    expect(read(outside)).toBe('exfiltrated');
    for (const events of seen) {
      expect(
        events.map((e) => [e.detail.policy, e.detail.operation, e.detail.target, e.detail.blocked]),
      ).toEqual([
        ['fileWrite', 'fs.writeFileSync', outside, false],
        ['fileRead', 'fs.readFileSync', join(root, 'handler.js'), false],
      ]);
    }
  });
});

describe('the default lists', () => {
  const defaults = (taskRoot: string): RuntimeGuardOptions => ({
    mode: 'block',
    taskRoot,
    childProcess: 'allow',
    outbound: 'allow',
  });

  it('deny reading the process environment and the task root', async () => {
    const d = dirs();
    fs.writeFileSync(join(d.task, 'handler.js'), 'exports.handler = () => 1;');
    const targets = [
      '/proc/self/environ',
      '/proc/thread-self/environ',
      `/proc/${process.pid}/environ`,
      join(d.task, 'handler.js'),
      d.task,
    ];
    const { result, events } = await guarded(defaults(d.task), () =>
      targets.map((target) => {
        try {
          fs.statSync(target); // metadata is not content
          return target.endsWith('environ') || target.endsWith('.js')
            ? fs.readFileSync(target)
            : fs.readdirSync(target);
        } catch (error) {
          return error;
        }
      }),
    );
    expect(result).toHaveLength(targets.length);
    result?.forEach((error, i) => {
      expect(error).toBeInstanceOf(RuntimeGuardViolationError);
      expect(error).toMatchObject({ policy: 'fileRead', target: targets[i] });
    });
    expect(events).toHaveLength(targets.length);
  });

  it('deny writing outside /tmp and allow writing under it', async () => {
    const d = dirs();
    const unique = `guard-files-${process.pid}-${Date.now()}`;
    // The checkout's directory too, unless it is itself under /tmp (a CI clone may be).
    const cwd = process.cwd();
    const outsideTmp = [
      join('/var/tmp', unique),
      ...(cwd === '/tmp' || cwd.startsWith('/tmp/') ? [] : [join(cwd, unique)]),
      join('/', unique),
    ];
    const underTmp = join(d.allowed, 'default-allowed.txt');
    expect(underTmp.startsWith('/tmp/')).toBe(true);
    const { result, events } = await guarded(defaults(d.task), () => {
      const errors = outsideTmp.map((target) => {
        try {
          fs.writeFileSync(target, 'x');
          return undefined;
        } catch (error) {
          return error;
        }
      });
      fs.writeFileSync(underTmp, 'x');
      return errors;
    });
    result?.forEach((error, i) => {
      expect(error).toMatchObject({
        policy: 'fileWrite',
        operation: 'fs.writeFileSync',
        target: outsideTmp[i],
      });
    });
    const leaked = outsideTmp.filter(exists);
    for (const target of leaked) fs.rmSync(target, { force: true }); // only if the guard failed
    expect(leaked).toEqual([]);
    expect(read(underTmp)).toBe('x');
    expect(events.map((e) => e.detail.target)).toEqual(outsideTmp);
  });

  it('show in the normalised policy', () => {
    const guard = runtimeGuard(defaults('/var/task'));
    guard.release();
    expect(guard.policy.fileWrite.list).toEqual(['/tmp/**']);
    expect(guard.policy.fileRead.list).toEqual([
      '/var/task/**',
      ...['environ', 'cmdline', 'mem', 'maps', 'auxv'].flatMap((name) => [
        `/proc/*/${name}`,
        `/proc/*/task/*/${name}`,
      ]),
    ]);
  });
});

describe.each(['block', 'alert'] as const)('what /proc exposes, however spelled, in %s mode', (mode) => {
  const tids = () => fs.readdirSync(`/proc/${process.pid}/task`);

  it('environ of this process, its threads and its parent: self, thread-self, pid, tid, task/<tid>, root/', async () => {
    const d = dirs();
    const [tid = '', other = tid] = tids()
      .filter((t) => t !== String(process.pid))
      .concat(String(process.pid));
    const spellings = [
      '/proc/self/environ',
      '/proc/thread-self/environ',
      `/proc/${process.pid}/environ`,
      `/proc/self/task/${tid}/environ`,
      `/proc/${process.pid}/task/${tid}/environ`,
      `/proc/${other}/environ`, // a thread's id works as a pid
      `/proc/${process.ppid}/environ`,
      '/proc/self/root/proc/self/environ',
      '/proc/self/task/../environ',
    ];
    const { result, events } = await guarded({ ...defaultsIn(d, mode) }, () =>
      spellings.map((path) => outcomeOf(() => fs.readFileSync(path))),
    );
    // reported as resolved, `..` removed
    expectGuarded(
      mode,
      result ?? [],
      events,
      spellings.map((path) => resolve(path)),
    );
  });

  it('cmdline, maps, auxv and mem too', async () => {
    const d = dirs();
    const files = [
      '/proc/self/cmdline',
      '/proc/self/maps',
      '/proc/thread-self/auxv',
      `/proc/${process.ppid}/cmdline`,
    ];
    const { result, events } = await guarded(defaultsIn(d, mode), () => [
      ...files.map((path) => outcomeOf(() => fs.readFileSync(path))),
      // memory is read at an offset, through a descriptor: the open is what the guard sees
      outcomeOf(() => fs.closeSync(fs.openSync('/proc/self/mem', 'r'))),
    ]);
    expectGuarded(mode, result ?? [], events, [...files, '/proc/self/mem']);
  });

  it('through a symlink and .. : /tmp/link/../secret is beside the link’s target, not in /tmp', async () => {
    const d = dirs();
    fs.mkdirSync(join(d.task, 'sub'));
    fs.symlinkSync(join(d.task, 'sub'), join(d.allowed, 'link'));
    const sneaky = `${d.allowed}/link/../secret.txt`;
    const { result, events } = await guarded(sandboxOptions(mode), () => [outcomeOf(() => read(sneaky))]);
    expectGuarded(mode, result ?? [], events, [join(d.allowed, 'secret.txt')]);
    if (mode === 'alert') expect(result?.[0]).toEqual({ value: read(d.secret) });
  });
});

/** The defaults (task root and /proc denied), in one mode, for the sandbox's task directory. */
function defaultsIn(d: Dirs, mode: GuardMode): RuntimeGuardOptions {
  return { mode, taskRoot: d.task, childProcess: 'allow', outbound: 'allow' };
}

function outcomeOf(fn: () => unknown): { value?: unknown; error?: unknown } {
  try {
    const value = fn();
    return { value: Buffer.isBuffer(value) ? value.toString() : value };
  } catch (error) {
    return { error };
  }
}

/** Block: each read failed with the guard's error naming its path. Alert: none did; one event per read. */
function expectGuarded(
  mode: 'block' | 'alert',
  outcomes: { error?: unknown }[],
  events: SecurityEvent[],
  targets: string[],
): void {
  expect(outcomes).toHaveLength(targets.length);
  outcomes.forEach((outcome, i) => {
    if (mode === 'block') expect(outcome.error).toMatchObject({ policy: 'fileRead', target: targets[i] });
    else expect(outcome.error).not.toBeInstanceOf(RuntimeGuardViolationError);
  });
  expect(events.map((e) => [e.detail.policy, e.detail.target, e.detail.blocked])).toEqual(
    targets.map((target) => ['fileRead', target, mode === 'block']),
  );
}

/** Runs `fn`, returning what it threw (or undefined). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('path tricks', () => {
  it('resolves relative paths against the working directory', async () => {
    const d = dirs();
    const denied = relative(process.cwd(), outFile(d));
    const allowed = relative(process.cwd(), join(d.allowed, 'rel.txt'));
    expect(denied.startsWith('/')).toBe(false);
    const { result, events } = await guarded(sandboxOptions('block'), () => {
      fs.writeFileSync(allowed, 'x');
      return thrown(() => fs.writeFileSync(denied, 'x'));
    });
    expect(result).toMatchObject({ policy: 'fileWrite', target: outFile(d) });
    expect(written(d)).toBe(false);
    expect(read(join(d.allowed, 'rel.txt'))).toBe('x');
    expect(events).toHaveLength(1);
  });

  it('sees through .. out of the allowed directory, and . segments and doubled slashes', async () => {
    const d = dirs();
    const n = String(serial);
    const escapes = [
      `${sandbox}/allowed/${n}/../../out/${n}/f.txt`,
      `${sandbox}/allowed/./${n}/../../out//${n}/./f.txt`,
    ];
    const stays = `${sandbox}/out/${n}/../../allowed/${n}/in.txt`;
    const { result } = await guarded(sandboxOptions('block'), () => {
      fs.writeFileSync(stays, 'x');
      return escapes.map((path) => thrown(() => fs.writeFileSync(path, 'x')));
    });
    for (const error of result ?? []) expect(error).toMatchObject({ target: outFile(d) });
    expect(result).toHaveLength(2);
    expect(written(d)).toBe(false);
    expect(read(join(d.allowed, 'in.txt'))).toBe('x');
  });

  it('reads file: URLs, URL-like objects, Buffers and Uint8Arrays as the paths fs opens', async () => {
    const d = dirs();
    const target = outFile(d);
    const urlLike = { href: pathToFileURL(target).href, protocol: 'file:', hostname: '', pathname: target };
    // fs itself takes such an object for the file it names:
    const ownCopy = join(d.allowed, 'url-like.txt');
    fs.writeFileSync({ ...urlLike, pathname: ownCopy } as unknown as URL, 'fs accepts it');
    expect(read(ownCopy)).toBe('fs accepts it');

    const forms: unknown[] = [
      pathToFileURL(target),
      urlLike,
      Buffer.from(target),
      new TextEncoder().encode(target),
    ];
    const { result, events } = await guarded(sandboxOptions('block'), () => {
      fs.writeFileSync(pathToFileURL(join(d.allowed, 'url.txt')), 'x');
      fs.writeFileSync(Buffer.from(join(d.allowed, 'buffer.txt')), 'x');
      return forms.map((path) => thrown(() => fs.writeFileSync(path as string, 'x')));
    });
    result?.forEach((error) => {
      expect(error).toBeInstanceOf(RuntimeGuardViolationError);
      expect(error).toMatchObject({ target });
    });
    expect(result).toHaveLength(forms.length);
    expect(events).toHaveLength(forms.length);
    expect(written(d)).toBe(false);
    expect(exists(join(d.allowed, 'url.txt')) && exists(join(d.allowed, 'buffer.txt'))).toBe(true);

    const reads = await guarded(sandboxOptions('block'), () =>
      [pathToFileURL(d.secret), Buffer.from(d.secret)].map((path) => thrown(() => fs.readFileSync(path))),
    );
    for (const error of reads.result ?? [])
      expect(error).toMatchObject({ policy: 'fileRead', target: d.secret });
  });

  it('follows a symlink inside the allowed directory to where it leads', async () => {
    const d = dirs();
    const outsideFile = join(d.out, 'victim.txt');
    fs.writeFileSync(outsideFile, 'original');
    fs.symlinkSync(outsideFile, join(d.allowed, 'link'));
    // A dangling link: writing through it would create the file it names.
    fs.symlinkSync(join(d.out, 'created.txt'), join(d.allowed, 'dangling'));
    // A linked directory: new files and directories under it land outside.
    fs.symlinkSync(d.out, join(d.allowed, 'dir'));
    // A chain: allowed/chain -> allowed/dangling -> out/created.txt
    fs.symlinkSync(join(d.allowed, 'dangling'), join(d.allowed, 'chain'));

    const { result, events } = await guarded(sandboxOptions('block'), () => [
      thrown(() => fs.writeFileSync(join(d.allowed, 'link'), 'overwritten')),
      thrown(() => fs.appendFileSync(join(d.allowed, 'link'), 'appended')),
      thrown(() => fs.truncateSync(join(d.allowed, 'link'))),
      thrown(() => fs.writeFileSync(join(d.allowed, 'dangling'), 'created')),
      thrown(() => fs.writeFileSync(join(d.allowed, 'chain'), 'created')),
      thrown(() => fs.writeFileSync(join(d.allowed, 'dir', 'new.txt'), 'created')),
      thrown(() => fs.mkdirSync(join(d.allowed, 'dir', 'a', 'b'), { recursive: true })),
      thrown(() => fs.copyFileSync(d.secret.replace('secret.txt', '..'), join(d.allowed, 'dir', 'x'))),
    ]);
    const [link, append, truncate, dangling, chain, newFile, mkdir] = result ?? [];
    for (const [error, target] of [
      [link, join(d.allowed, 'link')],
      [append, join(d.allowed, 'link')],
      [truncate, join(d.allowed, 'link')],
      [dangling, join(d.allowed, 'dangling')],
      [chain, join(d.allowed, 'chain')],
      [newFile, join(d.allowed, 'dir', 'new.txt')],
      [mkdir, join(d.allowed, 'dir', 'a', 'b')],
    ] as const) {
      expect(error).toBeInstanceOf(RuntimeGuardViolationError);
      expect(error).toMatchObject({ policy: 'fileWrite', target });
    }
    expect(read(outsideFile)).toBe('original');
    expect(exists(join(d.out, 'created.txt'))).toBe(false);
    expect(exists(join(d.out, 'new.txt'))).toBe(false);
    expect(exists(join(d.out, 'a'))).toBe(false);
    expect(events.length).toBeGreaterThanOrEqual(7);
  });

  it('treats removing or renaming the link itself as a change to the allowed directory', async () => {
    const d = dirs();
    const outsideFile = join(d.out, 'victim.txt');
    fs.writeFileSync(outsideFile, 'original');
    for (const name of ['a', 'b', 'c']) fs.symlinkSync(outsideFile, join(d.allowed, name));
    fs.mkdirSync(join(d.allowed, 'tree'));
    fs.symlinkSync(d.out, join(d.allowed, 'tree', 'to-out'));
    const { error, events } = await guarded(sandboxOptions('block'), async () => {
      fs.unlinkSync(join(d.allowed, 'a'));
      await fs.promises.rm(join(d.allowed, 'b'));
      fs.renameSync(join(d.allowed, 'c'), join(d.allowed, 'c2'));
      fs.rmSync(join(d.allowed, 'tree'), { recursive: true });
    });
    expect(error).toBeUndefined();
    expect(events).toEqual([]);
    expect(read(outsideFile)).toBe('original');
    expect(exists(d.out)).toBe(true);
    expect(fs.readdirSync(d.allowed).sort()).toEqual(['c2']);
  });

  it('follows a symlink in a readable place to a denied file', async () => {
    const d = dirs();
    fs.symlinkSync(d.secret, join(d.out, 'innocent.txt'));
    fs.symlinkSync(d.task, join(d.allowed, 'innocent-dir'));
    const { result, events } = await guarded(sandboxOptions('block'), async () => [
      thrown(() => fs.readFileSync(join(d.out, 'innocent.txt'), 'utf8')),
      thrown(() => fs.readFileSync(join(d.allowed, 'innocent-dir', 'secret.txt'), 'utf8')),
      thrown(() => fs.readdirSync(join(d.allowed, 'innocent-dir'))),
      (await viaReadStream(join(d.out, 'innocent.txt'))).error,
    ]);
    const targets = [
      join(d.out, 'innocent.txt'),
      join(d.allowed, 'innocent-dir', 'secret.txt'),
      join(d.allowed, 'innocent-dir'),
      join(d.out, 'innocent.txt'),
    ];
    result?.forEach((error, i) => {
      expect(error).toBeInstanceOf(RuntimeGuardViolationError);
      expect(error).toMatchObject({ policy: 'fileRead', target: targets[i] });
    });
    expect(events).toHaveLength(4);
  });

  it('does not check calls on an already-open descriptor again', async () => {
    const d = dirs();
    // Opened before the guard governs anything: the open is where a check belongs.
    const outFd = fs.openSync(outFile(d), 'w');
    const secretFd = fs.openSync(d.secret, 'r');
    try {
      const { result, error, events } = await guarded(sandboxOptions('block'), async () => {
        fs.writeSync(outFd, 'a');
        fs.writeFileSync(outFd, 'b');
        await promisify(fs.write)(outFd, 'c');
        return [fs.readFileSync(secretFd, 'utf8'), fs.fstatSync(secretFd).size];
      });
      expect(error).toBeUndefined();
      expect(result?.[0]).toBe(read(d.secret));
      expect(events).toEqual([]);
    } finally {
      fs.closeSync(outFd);
      fs.closeSync(secretFd);
    }
    expect(read(outFile(d))).toBe('abc');
  });
});

describe('calls Node makes on behalf of another call', () => {
  it('are not reported twice, but a new call from a callback or after an await is', async () => {
    const d = dirs();
    const { events } = await guarded(sandboxOptions('alert'), async () => {
      await new Promise((resolve) =>
        fs.writeFile(outFile(d), 'a', () => {
          // The caller's own callback: a new call, even on the same path.
          fs.appendFile(outFile(d), 'b', resolve);
        }),
      );
      await fs.promises.appendFile(outFile(d), 'c');
      fs.appendFileSync(outFile(d), 'd');
    });
    expect(read(outFile(d))).toBe('abcd');
    expect(events.map((e) => e.detail.operation)).toEqual([
      'fs.writeFile',
      'fs.appendFile',
      'fs.promises.appendFile',
      'fs.appendFileSync',
    ]);
  });

  it('still checks paths the outer call did not: a symlink met while copying a tree', async () => {
    const d = dirs();
    const tree = join(d.allowed, 'tree');
    fs.mkdirSync(tree);
    fs.writeFileSync(join(tree, 'plain.txt'), 'x');
    fs.symlinkSync(d.secret, join(tree, 'secret-link'));
    const { result, events } = await guarded(sandboxOptions('block'), () =>
      viaPromise(() => fs.promises.cp(tree, join(d.allowed, 'copy'), { recursive: true, dereference: true })),
    );
    expect(result?.via).toBe('rejection');
    expect(result?.error).toBeInstanceOf(RuntimeGuardViolationError);
    expect(result?.error).toMatchObject({ policy: 'fileRead', target: join(tree, 'secret-link') });
    expect(exists(join(d.allowed, 'copy', 'secret-link'))).toBe(false);
    expect(events.map((e) => e.detail.target)).toEqual([join(tree, 'secret-link')]);
  });
});

describe('module loading', () => {
  it('is not a read of source: require() of .js and .json under the denied task root works', async () => {
    const d = dirs();
    const root = d.task;
    fs.writeFileSync(join(root, 'handler.js'), 'exports.answer = () => 42;');
    fs.writeFileSync(join(root, 'config.json'), '{"stage":"prod"}');
    fs.writeFileSync(join(root, 'lib.cjs'), 'module.exports = require("./config.json").stage;');
    const requireHere = createRequire(join(root, 'index.js'));
    const { result, events } = await guarded(
      { mode: 'block', taskRoot: root, childProcess: 'allow', outbound: 'allow' },
      () => ({
        answer: requireHere('./handler.js').answer(),
        stage: requireHere('./lib.cjs'),
        direct: thrown(() => fs.readFileSync(join(root, 'handler.js'), 'utf8')),
        json: thrown(() => fs.readFileSync(join(root, 'config.json'), 'utf8')),
      }),
    );
    expect(result?.answer).toBe(42);
    expect(result?.stage).toBe('prod');
    expect(result?.direct).toMatchObject({ policy: 'fileRead', target: join(root, 'handler.js') });
    expect(result?.json).toMatchObject({ policy: 'fileRead', target: join(root, 'config.json') });
    expect(events.map((e) => e.detail.target)).toEqual([join(root, 'handler.js'), join(root, 'config.json')]);
  });

  it('does not excuse a read made by code running while its module loads', async () => {
    const d = dirs();
    const peek = join(d.allowed, 'peek.cjs');
    fs.writeFileSync(
      peek,
      `module.exports = require('node:fs').readFileSync(${JSON.stringify(d.secret)}, 'utf8');`,
    );
    const { result, events } = await guarded(sandboxOptions('block'), () =>
      thrown(() => createRequire(peek)(peek)),
    );
    expect(result).toBeInstanceOf(RuntimeGuardViolationError);
    expect(result).toMatchObject({ policy: 'fileRead', operation: 'fs.readFileSync', target: d.secret });
    expect(events).toHaveLength(1);
  });
});

describe('malformed arguments (rules 1 and 5)', () => {
  /** The function the guard replaced: Node's own, as if no guard were there. */
  const original = (fn: unknown): ((...args: unknown[]) => unknown) => {
    const found = (fn as Record<symbol, ((...args: unknown[]) => unknown) | undefined>)[ORIGINAL];
    if (!found) throw new Error('not a guarded function');
    return found;
  };

  type Call = [name: string, owner: object, method: string, args: unknown[]];
  const calls = (d: Dirs): Call[] => [
    ['writeFileSync(number)', fs, 'writeFileSync', [2 ** 30, 'x']],
    ['readFileSync(number)', fs, 'readFileSync', [2 ** 30]],
    ['mkdirSync(number)', fs, 'mkdirSync', [42]],
    ['writeFileSync(object)', fs, 'writeFileSync', [{ path: outFile(d) }, 'x']],
    ['readFileSync(object)', fs, 'readFileSync', [{ toString: () => d.secret }]],
    ['writeFileSync(undefined)', fs, 'writeFileSync', [undefined, 'x']],
    ['readFileSync(undefined)', fs, 'readFileSync', [undefined]],
    ['rmSync(null)', fs, 'rmSync', [null]],
    ['renameSync(denied path, undefined)', fs, 'renameSync', [outFile(d), undefined]],
    ['copyFileSync(denied secret, 7)', fs, 'copyFileSync', [d.secret, 7]],
    ['writeFileSync(NUL byte)', fs, 'writeFileSync', [`${outFile(d)}\0.txt`, 'x']],
    ['readFileSync(http: URL)', fs, 'readFileSync', [new URL('http://example.com/secret')]],
    ['readFileSync(file: URL with a host)', fs, 'readFileSync', [new URL(`file://remote${d.secret}`)]],
    ['readFileSync(file: URL with %2F)', fs, 'readFileSync', [new URL(`file://${d.task}%2Fsecret.txt`)]],
    ['writeFile(undefined, cb)', fs, 'writeFile', [undefined, 'x', () => {}]],
    ['writeFile(path, data, not a function)', fs, 'writeFile', [join(d.allowed, 'x'), 'x', 'nope']],
    ['readFile(number, cb)', fs, 'readFile', [{}, () => {}]],
    ['createWriteStream(number)', fs, 'createWriteStream', [{}]],
    ['createReadStream(object)', fs, 'createReadStream', [{ path: d.secret }]],
  ];

  const describeError = (error: unknown) =>
    error instanceof Error
      ? {
          class: error.constructor.name,
          name: error.name,
          code: (error as { code?: unknown }).code,
          message: error.message,
        }
      : { value: error };

  it('give exactly the error Node gives without the guard', async () => {
    const d = dirs();
    const expected = calls(d).map(([, owner, method, args]) =>
      describeError(thrown(() => Reflect.apply(original(Reflect.get(owner, method)), owner, args))),
    );
    const output = await captureOutput(() =>
      guarded(sandboxOptions('block'), () =>
        calls(d).map(([, owner, method, args]) =>
          describeError(thrown(() => Reflect.apply(Reflect.get(owner, method), owner, args))),
        ),
      ),
    );
    const run = output.result;
    const names = calls(d).map(([name]) => name);
    expect(Object.fromEntries(names.map((name, i) => [name, run?.result?.[i]]))).toEqual(
      Object.fromEntries(names.map((name, i) => [name, expected[i]])),
    );
    for (const error of expected) expect(error).not.toHaveProperty('value', undefined);
    expect(run?.events).toEqual([]);
    expect(output.lines.filter((line) => line.includes('runtime-guard'))).toEqual([]);
  });

  it('reject promise forms with the same error too', async () => {
    const d = dirs();
    const forms: Array<[string, unknown[]]> = [
      ['writeFile', [undefined, 'x']],
      ['readFile', [{ path: d.secret }]],
      ['readFile', [new URL(`file://remote${d.secret}`)]],
      ['mkdir', [42]],
    ];
    const settle = async (fn: () => unknown) => {
      try {
        await fn();
        return { resolved: true };
      } catch (error) {
        return describeError(error);
      }
    };
    const expected = await Promise.all(
      forms.map(([method, args]) =>
        settle(() => Reflect.apply(original(Reflect.get(fs.promises, method)), fs.promises, args)),
      ),
    );
    const run = await guarded(sandboxOptions('block'), () =>
      Promise.all(
        forms.map(([method, args]) =>
          settle(() => Reflect.apply(Reflect.get(fs.promises, method), fs.promises, args)),
        ),
      ),
    );
    expect(run.result).toEqual(expected);
    expect(run.events).toEqual([]);
  });
});

describe('ESM named imports bound before the guard is installed', () => {
  it('are guarded too (a real Node process)', async () => {
    const d = dirs();
    const script = join(d.allowed, 'esm-check.mjs');
    fs.writeFileSync(
      script,
      `import { writeFileSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
const [guardUrl, out, secret, allowed] = process.argv.slice(2);
const { runtimeGuard } = await import(guardUrl);
runtimeGuard({
  childProcess: 'allow',
  outbound: 'allow',
  fileWrite: { mode: 'block', allow: [allowed + '/**'] },
  fileRead: { mode: 'block', deny: [secret] },
});
const outcome = async (fn) => {
  try { await fn(); return 'done'; } catch (error) { return error.code + ' ' + error.operation; }
};
console.log(JSON.stringify([
  await outcome(() => writeFileSync(out + '/sync.txt', 'x')),
  await outcome(() => writeFile(out + '/promise.txt', 'x')),
  await outcome(() => readFileSync(secret)),
  await outcome(() => writeFileSync(allowed + '/ok.txt', 'x')),
]));
`,
    );
    const guardUrl = new URL('../src/index.ts', import.meta.url).href;
    const { stdout } = await promisify(execFile)(process.execPath, [
      script,
      guardUrl,
      d.out,
      d.secret,
      d.allowed,
    ]);
    expect(JSON.parse(stdout)).toEqual([
      'ERR_RUNTIME_GUARD_VIOLATION fs.writeFileSync',
      'ERR_RUNTIME_GUARD_VIOLATION fs.promises.writeFile',
      'ERR_RUNTIME_GUARD_VIOLATION fs.readFileSync',
      'done',
    ]);
    expect(fs.readdirSync(d.out)).toEqual([]);
    expect(exists(join(d.allowed, 'ok.txt'))).toBe(true);
  });
});
