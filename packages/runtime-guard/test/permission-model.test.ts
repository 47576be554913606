import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SentinelConfigError } from '@lambda-sentinel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PermissionModelEnvironment,
  permissionModelFlags,
  type RuntimeGuardOptions,
} from '../src/index.ts';

const LAMBDA: PermissionModelEnvironment = { env: {}, nodeVersion: '24.11.0' };

function configError(run: () => unknown): SentinelConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return error as SentinelConfigError;
  }
  throw new Error('expected a SentinelConfigError');
}

describe('permissionModelFlags: the flags for a policy', () => {
  it('blocks with the Lambda layout by default: reads of code, runtime, layers and /tmp; writes to /tmp', () => {
    const model = permissionModelFlags({ mode: 'block' }, LAMBDA);
    expect(model.flags).toEqual([
      '--permission',
      '--allow-fs-read=/var/task/*',
      '--allow-fs-read=/var/runtime/*',
      '--allow-fs-read=/opt/*',
      '--allow-fs-read=/tmp/*',
      '--allow-fs-read=/var/package.json',
      '--allow-fs-read=/package.json',
      '--allow-fs-write=/tmp/*',
      '--allow-addons',
    ]);
    expect(model.nodeOptions).toBe(model.flags.join(' '));
    // the function's own code cannot be denied (the loader reads it); /proc/self/environ is denied by the model
    expect(
      model.notCovered.some((n) => n.startsWith('fileRead.deny[0] "/var/task/**" is not enforced')),
    ).toBe(true);
    expect(model.notCovered.join('\n')).not.toContain('environ');
    expect(model.notCovered.some((n) => n.startsWith('outbound is not enforced'))).toBe(true);
    expect(model.notCovered.some((n) => n.startsWith('Native addons are allowed'))).toBe(true);
  });

  it('takes the task root from the options, then LAMBDA_TASK_ROOT, and the runtime from LAMBDA_RUNTIME_DIR', () => {
    const fromEnv = permissionModelFlags(
      { fileRead: 'block' },
      { env: { LAMBDA_TASK_ROOT: '/srv/fn', LAMBDA_RUNTIME_DIR: '/srv/rt' } },
    );
    expect(fromEnv.flags).toContain('--allow-fs-read=/srv/fn/*');
    expect(fromEnv.flags).toContain('--allow-fs-read=/srv/rt/*');
    expect(fromEnv.flags).toContain('--allow-fs-read=/srv/package.json');
    expect(fromEnv.notCovered.some((n) => n.includes('"/srv/fn/**" is not enforced'))).toBe(true);
    const fromOptions = permissionModelFlags(
      { fileRead: 'block', taskRoot: '/code' },
      { env: { LAMBDA_TASK_ROOT: '/srv/fn' } },
    );
    expect(fromOptions.flags).toContain('--allow-fs-read=/code/*');
    expect(fromOptions.flags).not.toContain('--allow-fs-read=/srv/fn/*');
    const overridden = permissionModelFlags({ fileRead: 'block', taskRoot: '/code' }, { taskRoot: '/app/' });
    expect(overridden.flags).toContain('--allow-fs-read=/app/*');
  });

  it('generates nothing when no file or child-process policy blocks (the model cannot alert)', () => {
    for (const options of [undefined, { mode: 'alert' }, { mode: 'allow' }, { outbound: 'block' }] as const) {
      const model = permissionModelFlags(options, LAMBDA);
      expect(model.flags).toEqual([]);
      expect(model.nodeOptions).toBe('');
      expect(model.notCovered[0]).toMatch(/nothing for Node's permission model to enforce/);
    }
    expect(permissionModelFlags({ mode: 'allow' }, LAMBDA).notCovered).toHaveLength(1);
  });

  it('leaves alert policies open and says so', () => {
    const model = permissionModelFlags({ mode: 'alert', childProcess: 'block', outbound: 'allow' }, LAMBDA);
    expect(model.flags).toEqual([
      '--permission',
      '--allow-fs-read=*',
      '--allow-fs-write=*',
      '--allow-addons',
    ]);
    expect(model.notCovered.filter((n) => n.includes("is 'alert'")).map((n) => n.split(' ')[0])).toEqual([
      'fileWrite',
      'fileRead',
    ]);
    expect(model.notCovered.join('\n')).not.toMatch(/outbound|child process other/);
  });

  it('turns write globs into directories, widening what a directory cannot say and noting it', () => {
    const model = permissionModelFlags(
      {
        mode: 'allow',
        fileWrite: {
          mode: 'block',
          allow: [
            '/tmp/**',
            '/tmp/cache/**',
            '/mnt/efs/*.log',
            '/mnt/efs/**',
            '/data/out/**/x',
            '/etc/app.conf',
          ],
        },
      },
      LAMBDA,
    );
    expect(model.flags.filter((f) => f.startsWith('--allow-fs-write'))).toEqual([
      '--allow-fs-write=/tmp/*',
      '--allow-fs-write=/mnt/efs/*',
      '--allow-fs-write=/data/out/*',
      '--allow-fs-write=/etc/app.conf',
    ]);
    expect(model.notCovered.filter((n) => n.startsWith('fileWrite.allow'))).toEqual([
      'fileWrite.allow[2] "/mnt/efs/*.log" is widened to everything under /mnt/efs: Node\'s permission model takes directories, not patterns.',
      'fileWrite.allow[4] "/data/out/**/x" is widened to everything under /data/out: Node\'s permission model takes directories, not patterns.',
    ]);
    expect(permissionModelFlags({ fileWrite: { mode: 'block', allow: ['/**'] } }, LAMBDA).flags).toContain(
      '--allow-fs-write=*',
    );
    expect(
      permissionModelFlags({ fileWrite: { mode: 'block', allow: [] } }, LAMBDA).flags,
    ).not.toContainEqual(expect.stringMatching(/^--allow-fs-write/));
  });

  it('refuses a glob that could only widen to the whole file system', () => {
    const error = configError(() =>
      permissionModelFlags({ fileWrite: { mode: 'block', allow: ['/tmp/**', '/*.log'] } }, LAMBDA),
    );
    expect(error.option).toBe('fileWrite.allow[1]');
    expect(error.message).toMatch(/whole file system/);
    expect(
      configError(() => permissionModelFlags({ fileWrite: { mode: 'block', allow: ['/'] } }, LAMBDA)).option,
    ).toBe('fileWrite.allow[0]');
    // reads: '/**' is refused too (it would make fileRead 'block' meaningless)
    expect(
      configError(() => permissionModelFlags({ fileRead: 'block' }, { ...LAMBDA, extraRead: ['/**'] }))
        .option,
    ).toBe('extraRead[0]');
    // a write glob of a policy that is not enforced is not converted
    expect(
      permissionModelFlags({ childProcess: 'block', fileWrite: { allow: ['/*.log'] } }, LAMBDA).flags,
    ).toContain('--allow-fs-write=*');
  });

  it('adds extraRead and the write directories to the reads, and reports deny entries inside them', () => {
    const model = permissionModelFlags(
      {
        mode: 'allow',
        fileRead: { mode: 'block', deny: ['/etc/pki/private/**', '/proc/*/environ', '/opt/secret.json'] },
        fileWrite: { allow: ['/mnt/data/**'] },
      },
      { ...LAMBDA, extraRead: ['/etc/pki/**', '/etc/hosts', '/srv/*.pem'] },
    );
    expect(model.flags.filter((f) => f.startsWith('--allow-fs-read'))).toEqual([
      '--allow-fs-read=/var/task/*',
      '--allow-fs-read=/var/runtime/*',
      '--allow-fs-read=/opt/*',
      '--allow-fs-read=/mnt/data/*',
      '--allow-fs-read=/etc/pki/*',
      '--allow-fs-read=/etc/hosts',
      '--allow-fs-read=/srv/*',
      '--allow-fs-read=/var/package.json',
      '--allow-fs-read=/package.json',
    ]);
    expect(model.flags).toContain('--allow-fs-write=*');
    const notes = model.notCovered.join('\n');
    expect(notes).toContain('extraRead[2] "/srv/*.pem" is widened to everything under /srv');
    expect(notes).toContain('fileRead.deny[0] "/etc/pki/private/**" is not enforced: it lies in /etc/pki');
    expect(notes).toContain('fileRead.deny[2] "/opt/secret.json" is not enforced: it lies in /opt');
    expect(notes).not.toContain('fileRead.deny[1]');
  });

  it('allows all child processes or none: an allow list widens to all, with a note', () => {
    const none = permissionModelFlags({ mode: 'allow', childProcess: 'block' }, LAMBDA);
    expect(none.flags).not.toContain('--allow-child-process');
    expect(none.notCovered.join('\n')).not.toContain('child process');
    const some = permissionModelFlags(
      { mode: 'allow', childProcess: { mode: 'block', allow: ['convert', '/usr/bin/*'] } },
      LAMBDA,
    );
    expect(some.flags).toContain('--allow-child-process');
    expect(some.notCovered).toContain(
      'childProcess.allow ["convert","/usr/bin/*"] cannot be expressed: the permission model allows all child processes or none, so all are allowed (--allow-child-process) and only the in-process guard restricts which.',
    );
    expect(some.notCovered.some((n) => n.startsWith('A child process other than Node runs outside'))).toBe(
      true,
    );
  });

  it('sets --allow-net from Node 25 (the Runtime API needs the network) and notes outbound either way', () => {
    const on25 = permissionModelFlags({ mode: 'block' }, { env: {}, nodeVersion: 'v25.2.1' });
    expect(on25.flags.at(-1)).toBe('--allow-net');
    expect(
      on25.notCovered.some((n) => n.startsWith('outbound.allowHosts is not enforced: --allow-net')),
    ).toBe(true);
    expect(permissionModelFlags({ mode: 'block' }, { env: {}, nodeVersion: '24' }).flags).not.toContain(
      '--allow-net',
    );
    expect(
      permissionModelFlags({ mode: 'block', outbound: 'allow' }, LAMBDA).notCovered.join('\n'),
    ).not.toContain('outbound');
    // without nodeVersion: what this Node accepts
    const here = permissionModelFlags({ mode: 'block' }, { env: {} });
    expect(here.flags.includes('--allow-net')).toBe(process.allowedNodeEnvironmentFlags.has('--allow-net'));
    expect(permissionModelFlags({ mode: 'block' }, { env: {}, nodeVersion: '22.13.0' }).flags[0]).toBe(
      '--permission',
    );
  });

  it('adds --allow-worker and drops --allow-addons on request', () => {
    const model = permissionModelFlags({ mode: 'block' }, { ...LAMBDA, workers: true, addons: false });
    expect(model.flags).toContain('--allow-worker');
    expect(model.flags).not.toContain('--allow-addons');
    expect(model.notCovered.join('\n')).not.toContain('addons');
  });

  it('quotes a path with spaces, quotes or backslashes for NODE_OPTIONS', () => {
    const model = permissionModelFlags(
      { mode: 'allow', fileWrite: { mode: 'block', allow: ['/tmp/my dir/**', '/tmp/we"ird\\x/**'] } },
      LAMBDA,
    );
    expect(model.flags).toContain('--allow-fs-write=/tmp/my dir/*');
    expect(model.nodeOptions).toBe(
      '--permission --allow-fs-read=* "--allow-fs-write=/tmp/my dir/*" "--allow-fs-write=/tmp/we\\"ird\\\\x/*" --allow-child-process --allow-addons',
    );
  });

  it('rejects bad options with a SentinelConfigError naming the option', () => {
    const cases: [() => unknown, string][] = [
      [() => permissionModelFlags({ mode: 'stop' } as unknown as RuntimeGuardOptions, LAMBDA), 'mode'],
      [() => permissionModelFlags({ bogus: 1 } as RuntimeGuardOptions, LAMBDA), 'bogus'],
      [() => permissionModelFlags({ fileWrite: { allow: ['tmp/**'] } }, LAMBDA), 'fileWrite.allow[0]'],
      [() => permissionModelFlags({}, { ...LAMBDA, runtimeDir: 'runtime' }), 'runtimeDir'],
      [() => permissionModelFlags({}, { ...LAMBDA, layersDir: '/opt/*' }), 'layersDir'],
      [() => permissionModelFlags({}, { ...LAMBDA, taskRoot: '/' }), 'taskRoot'],
      [() => permissionModelFlags({}, { ...LAMBDA, extraRead: '/etc' as unknown as string[] }), 'extraRead'],
      [() => permissionModelFlags({}, { ...LAMBDA, extraRead: ['etc/**'] }), 'extraRead[0]'],
      [() => permissionModelFlags({}, { ...LAMBDA, addons: 'yes' as unknown as boolean }), 'addons'],
      [() => permissionModelFlags({}, { ...LAMBDA, nodeVersion: 'latest' }), 'nodeVersion'],
      [() => permissionModelFlags({}, { ...LAMBDA, nodeVersion: '22.12.0' }), 'nodeVersion'],
      [() => permissionModelFlags({}, { ...LAMBDA, nodeVersion: '23.4' }), 'nodeVersion'],
      [() => permissionModelFlags({}, { ...LAMBDA, bogus: 1 } as PermissionModelEnvironment), 'bogus'],
      [() => permissionModelFlags({}, 'lambda' as unknown as PermissionModelEnvironment), 'environment'],
    ];
    for (const [run, option] of cases) expect(configError(run).option).toBe(option);
  });
});

// A Lambda-like layout: a runtime that finds the handler the way the Lambda runtime does (probing
// package.json up to /), imports it and runs it; the handler tries one thing per action.
const RUNTIME = `
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const root = process.env.LAMBDA_TASK_ROOT;
for (let dir = root; ; dir = path.dirname(dir)) {
  if (fs.existsSync(path.join(dir, 'package.json'))) break;
  if (dir === '/') break;
}
const { handler } = await import(pathToFileURL(path.join(root, 'handler.mjs')).href);
process.stdout.write(JSON.stringify(await handler(JSON.parse(process.argv[2]))));
`;

const HANDLER = `
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { helper } from 'helper';
const actions = {
  writeInside: (e) => { fs.writeFileSync(e.inside, 'ok'); return fs.readFileSync(e.inside, 'utf8'); },
  writeOutside: (e) => { fs.writeFileSync(e.outside, 'no'); return 'written'; },
  readOwnSource: () => fs.readFileSync(new URL(import.meta.url), 'utf8').length > 0,
  readEnviron: () => fs.readFileSync('/proc/self/environ', 'latin1').includes('PM_SECRET'),
  spawnSh: () => {
    const result = spawnSync('sh', ['-c', 'echo from-sh'], { encoding: 'utf8' });
    if (result.error) throw result.error;
    return result.stdout.trim();
  },
  worker: () => { new Worker('1', { eval: true }).terminate(); return 'started'; },
  addon: () => { process.dlopen({ exports: {} }, '/nonexistent/addon.node'); },
};
export const handler = async (event) => {
  const results = { helper: helper() };
  for (const name of event.actions) {
    try {
      results[name] = { ok: actions[name](event) };
    } catch (error) {
      results[name] = { code: error.code };
    }
  }
  return results;
};
`;

describe('permissionModelFlags: a child Node process started with the flags', () => {
  let root: string;
  let taskRoot: string;
  let runtimeDir: string;
  let layersDir: string;
  let writeDir: string;
  let outside: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'permission-model-'));
    taskRoot = path.join(root, 'task');
    runtimeDir = path.join(root, 'runtime');
    layersDir = path.join(root, 'opt');
    writeDir = path.join(root, 'tmp space'); // exercises NODE_OPTIONS quoting
    outside = path.join(root, 'outside');
    for (const dir of [
      taskRoot,
      runtimeDir,
      writeDir,
      outside,
      path.join(taskRoot, 'node_modules', 'helper'),
    ]) {
      fs.mkdirSync(dir, { recursive: true });
    }
    fs.mkdirSync(layersDir);
    fs.writeFileSync(path.join(runtimeDir, 'index.mjs'), RUNTIME);
    fs.writeFileSync(path.join(taskRoot, 'handler.mjs'), HANDLER);
    fs.writeFileSync(
      path.join(taskRoot, 'node_modules', 'helper', 'package.json'),
      '{"name":"helper","type":"module","exports":"./index.js"}',
    );
    fs.writeFileSync(
      path.join(taskRoot, 'node_modules', 'helper', 'index.js'),
      "export const helper = () => 'h';",
    );
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  function environment(extra: PermissionModelEnvironment = {}): PermissionModelEnvironment {
    return { taskRoot, runtimeDir, layersDir, env: {}, ...extra };
  }

  function policy(childProcess: RuntimeGuardOptions['childProcess']): RuntimeGuardOptions {
    return { mode: 'block', childProcess, fileWrite: { allow: [`${writeDir}/**`] } };
  }

  // Each run writes outside to its own path: what one run wrote never shows in another's check.
  let runs = 0;
  let lastOutside = '';

  /** Runs the fake runtime with the flags in NODE_OPTIONS (or on the command line) and returns the handler's results. */
  function run(
    nodeOptions: string,
    actions: string[],
    argv: readonly string[] = [],
  ): Record<string, { ok?: unknown; code?: string }> & { helper: string } {
    const event = {
      actions,
      inside: path.join(writeDir, 'inside.txt'),
      outside: path.join(outside, `x-${++runs}.txt`),
    };
    lastOutside = event.outside;
    const child = spawnSync(
      process.execPath,
      [...argv, path.join(runtimeDir, 'index.mjs'), JSON.stringify(event)],
      {
        env: {
          PATH: process.env.PATH,
          LAMBDA_TASK_ROOT: taskRoot,
          NODE_OPTIONS: nodeOptions,
          PM_SECRET: 's3cr3t',
        },
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
    if (child.status !== 0) throw new Error(`child exited ${child.status}: ${child.stderr}`);
    return JSON.parse(child.stdout);
  }

  const ALL = ['writeInside', 'writeOutside', 'readOwnSource', 'readEnviron', 'spawnSh', 'worker', 'addon'];

  it('with every policy blocking: the handler runs; only the allowed directory is writable; no sh, no environ, no worker', () => {
    const model = permissionModelFlags(policy('block'), environment());
    expect(model.nodeOptions).toContain(`"--allow-fs-write=${writeDir}/*"`);
    const results = run(model.nodeOptions, ALL);
    expect(results).toEqual({
      helper: 'h',
      writeInside: { ok: 'ok' },
      writeOutside: { code: 'ERR_ACCESS_DENIED' },
      readOwnSource: { ok: true }, // not enforceable: listed in notCovered
      readEnviron: { code: 'ERR_ACCESS_DENIED' },
      spawnSh: { code: 'ERR_ACCESS_DENIED' },
      worker: { code: 'ERR_ACCESS_DENIED' },
      addon: { code: 'ERR_DLOPEN_FAILED' }, // addons allowed: the load itself fails
    });
    expect(fs.existsSync(lastOutside)).toBe(false);
    expect(model.notCovered.some((n) => n.includes(`"${taskRoot}/**" is not enforced`))).toBe(true);
  });

  it('the same flags work on the command line', () => {
    const model = permissionModelFlags(policy('block'), environment());
    const results = run('', ['writeInside', 'writeOutside'], model.flags);
    expect(results.writeInside).toEqual({ ok: 'ok' });
    expect(results.writeOutside).toEqual({ code: 'ERR_ACCESS_DENIED' });
  });

  it('childProcess alert or allow lets sh run; workers and addons follow their options', () => {
    const alert = permissionModelFlags(policy('alert'), environment({ workers: true, addons: false }));
    expect(run(alert.nodeOptions, ['spawnSh', 'worker', 'addon', 'writeOutside'])).toEqual({
      helper: 'h',
      spawnSh: { ok: 'from-sh' },
      worker: { ok: 'started' },
      addon: { code: 'ERR_DLOPEN_DISABLED' },
      writeOutside: { code: 'ERR_ACCESS_DENIED' },
    });
    const allow = permissionModelFlags(policy('allow'), environment());
    expect(run(allow.nodeOptions, ['spawnSh']).spawnSh).toEqual({ ok: 'from-sh' });
  });

  it('without the flags (control) every action goes through', () => {
    const results = run('', ['writeOutside', 'readEnviron', 'spawnSh', 'worker']);
    expect(results).toEqual({
      helper: 'h',
      writeOutside: { ok: 'written' },
      readEnviron: { ok: true },
      spawnSh: { ok: 'from-sh' },
      worker: { ok: 'started' },
    });
  });
});
