import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { runtimeGuard } from '../src/index.ts';

const ORIGINAL = Symbol.for('@lambda-sentinel/runtime-guard.original');
const asyncSpawn = () => (childProcess.ChildProcess.prototype as unknown as { spawn: unknown }).spawn;
const guarded = (fn: unknown) => typeof fn === 'function' && ORIGINAL in fn;

// Its own file: hooks are process-wide, and this needs a process where no guard installed any yet.
describe('policies in allow mode cost nothing', () => {
  it('installs no hook for allow, and only the hooks a non-allow policy needs', () => {
    // A configuration refused at construction installs nothing either.
    expect(() => runtimeGuard({ mode: 'block', fileWrite: { allow: ['tmp/**'] } })).toThrow(
      /^fileWrite\.allow\[0\]/,
    );
    expect(() => runtimeGuard({ mode: 'block', childProcess: { allow: ['no-such-program-here'] } })).toThrow(
      /^childProcess\.allow\[0\]/,
    );
    expect(guarded(fs.writeFileSync)).toBe(false);
    expect(guarded(childProcess.execSync)).toBe(false);
    expect(guarded(net.Socket.prototype.connect)).toBe(false);

    const relaxed = runtimeGuard({ mode: 'allow' });
    expect(guarded(fs.writeFileSync)).toBe(false);
    expect(guarded(fs.promises.readFile)).toBe(false);
    expect(guarded(childProcess.execSync)).toBe(false);
    expect(guarded(asyncSpawn())).toBe(false);
    expect(guarded(net.Socket.prototype.connect)).toBe(false);

    const outboundOnly = runtimeGuard({ mode: 'allow', outbound: 'block' });
    expect(guarded(net.Socket.prototype.connect)).toBe(true);
    expect(guarded(fs.writeFileSync)).toBe(false);
    expect(guarded(childProcess.execSync)).toBe(false);

    // Alert on child processes rides the tracing channel for the async forms: no prototype patch.
    // The sync forms and process.execve publish nothing, so they are patched in both modes.
    const pristineSpawn = asyncSpawn();
    const alerting = runtimeGuard({ mode: 'allow', childProcess: 'alert' });
    for (const fn of [
      childProcess.execSync,
      childProcess.execFileSync,
      childProcess.spawnSync,
      process.execve,
    ])
      expect(guarded(fn)).toBe(true);
    expect(asyncSpawn()).toBe(pristineSpawn);
    expect(guarded(asyncSpawn())).toBe(false);

    const reads = runtimeGuard({ mode: 'allow', fileRead: 'alert' });
    expect(guarded(fs.readFileSync)).toBe(true);
    expect(fs.realpathSync.native).toBeTypeOf('function');
    const blocking = runtimeGuard({ mode: 'allow', childProcess: 'block' });
    expect(guarded(asyncSpawn())).toBe(true);
    for (const made of [relaxed, outboundOnly, alerting, reads, blocking]) made.release();
  });
});
