// Lambda Managed Instances as the Node.js runtime runs them: worker threads in
// one execution environment, each importing the bundled handler itself (init
// once per worker), many invocations at once in each. runtimeGuard alone (a
// probe outside it reports what each invocation's state recorded), with a
// different policy per worker — writes blocked outside w0/, writes alerted
// outside w1/, no guard at all — and every invocation writing into both: each
// worker's hooks enforce its own policy only, each violation is its own
// invocation's, and the call returns (the workers are stopped) well within its
// deadline although the guards leave hooks installed.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type Bundle,
  bundleHandler,
  invokeManagedInstance,
  managedPlan,
  recordsByInvocation,
} from '@lambda-sentinel/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const GUARD = resolve(import.meta.dirname, '../src/index.ts');
const PER_WORKER = 8;
const DEADLINE_MS = 30_000;

const handlerSource = `
import { threadId } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import middy from '@middy/core';
import { invocationState } from '@lambda-sentinel/core';
import { runtimeGuard } from ${JSON.stringify(GUARD)};

const out = process.env.OUT_DIR;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// This worker's policy, built at its init: writes outside one folder blocked, or alerted, or no guard.
const policy = process.env.POLICY;
const guard =
  policy === 'none'
    ? undefined
    : runtimeGuard({ mode: 'allow', fileWrite: { mode: policy, allow: [join(out, policy === 'block' ? 'w0' : 'w1', '**')] } });
const write = (folder, n) => {
  try {
    writeFileSync(join(out, folder, 'file-' + n), String(n));
    return 'written';
  } catch (error) {
    return error.name;
  }
};
// Outside the guard: one line per invocation with what its state recorded.
const report = (request) => {
  const events = invocationState(request).securityEvents.map(({ type, detail }) => ({ type, ...detail }));
  process.stdout.write(JSON.stringify({ level: 'INFO', request_id: request.context.awsRequestId, worker: threadId, events }) + '\\n');
};

const base = middy(async (event) => {
  const n = event.n;
  await pause((n * 7) % 11);
  const w0 = write('w0', n);
  await pause((n * 3) % 7);
  const w1 = write('w1', n);
  return { n, worker: threadId, w0, w1 };
}).use({ after: report, onError: report });
export const handler = guard ? base.use(guard) : base;
`;

let bundle: Bundle;
beforeAll(async () => {
  bundle = await bundleHandler({ source: handlerSource, resolveDir: import.meta.dirname, format: 'esm' });
}, 60_000);

describe('runtimeGuard on Lambda Managed Instances', () => {
  it("each worker's guard governs that worker only; violations stay with their invocation; nothing hangs", async () => {
    const out = mkdtempSync(join(tmpdir(), 'sentinel-lmi-guard-'));
    mkdirSync(join(out, 'w0'));
    mkdirSync(join(out, 'w1'));
    const POLICIES = ['block', 'alert', 'none'] as const;
    const plan = managedPlan(POLICIES.length, PER_WORKER, (n) => ({ event: { n } }));
    const started = Date.now();
    const workers = await invokeManagedInstance(bundle.file, plan, {
      functionName: 'lmi-guard',
      env: { OUT_DIR: out },
      workerEnv: (w) => ({ POLICY: POLICIES[w] }),
      deadlineMs: DEADLINE_MS,
    });
    // Returned well within its deadline, every worker gone though its hooks stay installed: it
    // exited by itself (0) or was stopped by the harness (1), whichever came first.
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS / 2);
    for (const worker of workers) expect([0, 1]).toContain(worker.exitCode);

    const lines = recordsByInvocation(
      workers,
      (w) => w.logs,
      (line) => line.request_id,
    );
    for (const [w, worker] of workers.entries()) {
      const policy = POLICIES[w]!;
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        expect(invocation.error, `invocation ${n}`).toBeUndefined();
        expect(invocation.result, `invocation ${n} (${policy})`).toEqual({
          n,
          worker: worker.threadId,
          w0: 'written',
          w1: policy === 'block' ? 'RuntimeGuardViolationError' : 'written',
        });
        // The write this worker's policy forbids, recorded on this invocation and no other.
        const forbidden = { block: join(out, 'w1', `file-${n}`), alert: join(out, 'w0', `file-${n}`) };
        expect(
          lines[w]![i]!.map((line) => line.events),
          `invocation ${n} (${policy})`,
        ).toEqual([
          policy === 'none'
            ? []
            : [
                {
                  type: 'guard_violation',
                  policy: 'fileWrite',
                  operation: 'fs.writeFileSync',
                  target: forbidden[policy],
                  mode: policy,
                  blocked: policy === 'block',
                },
              ],
        ]);
        expect(existsSync(join(out, 'w0', `file-${n}`))).toBe(true);
        expect(existsSync(join(out, 'w1', `file-${n}`))).toBe(policy !== 'block');
      }
    }
  }, 60_000);
});
