// Lambda Managed Instances as the Node.js runtime runs them: worker threads in
// one execution environment, each importing the bundled handler itself (init
// once per worker), many invocations at once in each. redactedLogging alone,
// with redactConsole: every line the logger writes and every line the handler
// writes itself (console.log, console.error, process.stdout.write) carries its
// own invocation's request id and secrets, is redacted, and is counted in that
// invocation's redaction summary only; each security event is one WARN line of
// the invocation that recorded it.
import { resolve } from 'node:path';
import {
  type Bundle,
  bundleHandler,
  invokeManagedInstance,
  managedPlan,
  recordsByInvocation,
} from '@lambda-sentinel/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_MESSAGE, REDACTION_SUMMARY_MESSAGE } from '../src/index.ts';

const LOGGER = resolve(import.meta.dirname, '../src/index.ts');
const WORKERS = 3;
const PER_WORKER = 12;

/** Invocation n's secrets: a GitHub token (`ghp_` + 36 base62) and a password, each naming n. */
const tokenOf = (n: number) => `ghp_${'Q7xK9pLm2'.repeat(4).slice(0, 32)}${String(n).padStart(4, '0')}`;
const passwordOf = (n: number) => `hunter2-Zq${n}x`;

const handlerSource = `
import { threadId } from 'node:worker_threads';
import middy from '@middy/core';
import { recordSecurityEvent } from '@lambda-sentinel/core';
import { createLogger, redactedLogging } from ${JSON.stringify(LOGGER)};

const logger = createLogger({ serviceName: 'lmi-logger' });
logger.info('worker init', { worker: threadId });
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = middy(async (event, context) => {
  const { n, token, password } = event;
  const me = 'REQ ' + context.awsRequestId + ' n=' + n + ' worker=' + threadId;
  logger.info('handling', { n, worker: threadId });
  await pause((n * 7) % 11);
  console.log('%s calling GitHub with %s', me, token);
  await pause((n * 5) % 7);
  console.error(me + ' retrying, password=' + password);
  await pause((n * 3) % 5);
  process.stdout.write(me + ' raw ' + token + '\\n');
  logger.info('handled', { n, worker: threadId, note: 'used ' + token });
  if (n % 2 === 0) recordSecurityEvent({ type: 'probe_event', severity: 'low', message: 'probe ' + n, detail: { n } });
  return { n, worker: threadId };
}).use(redactedLogging({ logger, logEvent: true, redactConsole: true }));
`;

let bundle: Bundle;
beforeAll(async () => {
  bundle = await bundleHandler({ source: handlerSource, resolveDir: import.meta.dirname, format: 'esm' });
}, 60_000);

/** A line the handler wrote itself: `REQ <request id> n=<n> worker=<threadId> ...`. */
const CONSOLE_LINE = /^REQ (\S+) n=(\d+) worker=(\d+) (.*)$/;

describe('redactedLogging on Lambda Managed Instances', () => {
  it(`${WORKERS} workers × ${PER_WORKER} concurrent invocations: every line, redaction and count stays with its invocation`, async () => {
    const plan = managedPlan(WORKERS, PER_WORKER, (n) => ({
      event: { n, token: tokenOf(n), password: passwordOf(n) },
    }));
    const workers = await invokeManagedInstance(bundle.file, plan, {
      functionName: 'lmi-logger',
      deadlineMs: 30_000,
    });
    expect(new Set(workers.map((w) => w.threadId)).size).toBe(WORKERS);

    // No secret of any invocation anywhere, in any worker.
    const everything = workers.flatMap((w) => w.lines).join('\n');
    for (let n = 0; n < WORKERS * PER_WORKER; n++) {
      expect(everything).not.toContain(tokenOf(n));
      expect(everything).not.toContain(passwordOf(n));
    }

    // The logger's lines: each names its own invocation's request id, n and worker.
    const logs = recordsByInvocation(
      workers,
      (w) => w.logs,
      (line) => line.function_request_id,
    );
    // The handler's own lines: each names its own request id, n and worker, and is redacted.
    const consoleLines = recordsByInvocation(
      workers,
      (w) => w.lines.filter((line) => line.startsWith('REQ ')),
      (line) => CONSOLE_LINE.exec(line)?.[1] ?? `unparsed: ${line}`,
    );

    for (const [w, worker] of workers.entries()) {
      expect(worker.logs.filter((l) => l.message === 'worker init').map((l) => l.worker)).toEqual([
        worker.threadId,
      ]);
      expect(worker.logs.filter((l) => l.function_request_id === undefined).map((l) => l.message)).toEqual([
        'worker init',
      ]);
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        expect(invocation.error, `invocation ${n}`).toBeUndefined();
        expect(invocation.result).toEqual({ n, worker: worker.threadId });

        const own = logs[w]![i]!;
        expect(own.map((l) => l.message)).toEqual([
          EVENT_MESSAGE,
          'handling',
          'handled',
          ...(n % 2 === 0 ? [`probe ${n}`] : []),
          REDACTION_SUMMARY_MESSAGE,
        ]);
        for (const line of own) {
          const event = line.security_event as { type: string; detail: { n: number } } | undefined;
          if (event !== undefined)
            expect(event, JSON.stringify(line)).toMatchObject({ type: 'probe_event', detail: { n } });
          if (line.n !== undefined) expect(line.n, JSON.stringify(line)).toBe(n);
          if (line.worker !== undefined) expect(line.worker, JSON.stringify(line)).toBe(worker.threadId);
        }
        const event = own[0]!.event as { n: number; token: string; password: string };
        expect(event.n).toBe(n);
        expect(event.token).toMatch(/^\[REDACTED/);
        expect(own[2]!.note).toBe('used [REDACTED:github-token]');

        const mine = consoleLines[w]![i]!.map((line) => CONSOLE_LINE.exec(line)!);
        expect(mine.map((m) => [Number(m[2]), Number(m[3])])).toEqual([
          [n, worker.threadId],
          [n, worker.threadId],
          [n, worker.threadId],
        ]);
        expect(mine.map((m) => m[4])).toEqual([
          'calling GitHub with [REDACTED:github-token]',
          'retrying, password=[REDACTED:secret-param]',
          'raw [REDACTED:github-token]',
        ]);

        // The summary counts this invocation's redactions, no other's: the event's token and
        // password (key rules), the token in `handled`, and the three console lines.
        const summary = own.at(-1)!.sentinel as { redactions: number; redaction_families: string[] };
        expect(summary.redactions, `invocation ${n}`).toBe(6);
        expect([...summary.redaction_families].sort()).toEqual(['github-token', 'key', 'secret-param']);
      }
    }
  }, 60_000);
});
