/**
 * redactConsole: what a handler writes itself (console.*, process.stdout/stderr)
 * goes through the invocation's redactor; our own lines are not processed twice;
 * interleaved invocations each get their own rules and counts; the hooks leave
 * with the last invocation; nothing the hooks do can break the handler.
 */
import { captureOutput, invoke, invokeConcurrently, type LogRecord } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTION_SUMMARY_MESSAGE, redactedLogging } from '../src/index.ts';

type Handler = Parameters<typeof invoke>[0];
const SECRET = 'hunter2-Q7xK9p';
const GITHUB = `ghp_${'Q7xK9pLm2'.repeat(4)}`;

function handlerWith(body: () => unknown | Promise<unknown>, redactConsole = true, keys?: string[]) {
  const logger = createLogger({ serviceName: 'console-test', ...(keys ? { redact: { keys } } : {}) });
  return middy(async () => body()).use(redactedLogging({ logger, redactConsole })) as unknown as Handler;
}

async function run(handler: Handler, event: unknown = {}) {
  const out = await captureOutput(() => invoke(handler, event));
  return { ...out, invocation: out.result!, output: out.lines.join('\n') };
}

const summaries = (logs: LogRecord[]) => logs.filter((line) => line.message === REDACTION_SUMMARY_MESSAGE);

describe('redactConsole', () => {
  it('redacts console.* calls: strings, objects, errors, format strings and arguments that only leak once joined', async () => {
    const handler = handlerWith(() => {
      console.log(`connecting with password=${SECRET}`);
      console.info({ user: 'bob', password: SECRET, nested: { apiKey: SECRET } });
      console.warn('password:', SECRET);
      console.error(new Error(`token ${GITHUB} rejected`, { cause: new Error(`retry with ${GITHUB}`) }));
      console.debug('token=%s', SECRET);
      console.trace('traced %s', GITHUB);
      console.dir({ secret: SECRET }, { depth: 2 });
      return 'ok';
    });
    const { output, invocation } = await run(handler);
    expect(invocation.result).toBe('ok');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(GITHUB);
    expect(output).toContain('connecting with password=[REDACTED:secret-param]');
    expect(output).toContain("user: 'bob'");
    expect(output).toContain('rejected');
  });

  it('redacts direct stdout and stderr writes, strings and bytes, keeping callbacks and binary data', async () => {
    let called = 0;
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const handler = handlerWith(async () => {
      process.stdout.write(`raw ${GITHUB}\n`);
      process.stderr.write(Buffer.from(`bytes password=${SECRET}\n`));
      process.stdout.write(`cb ${GITHUB}\n`, () => called++);
      process.stdout.write(`enc ${GITHUB}\n`, 'utf8', () => called++);
      process.stdout.write(binary);
      await new Promise((resolve) => setImmediate(resolve));
      return 'ok';
    });
    const { output, lines } = await run(handler);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(GITHUB);
    expect(output).toContain('raw [REDACTED:github-token]');
    expect(output).toContain('bytes password=[REDACTED:secret-param]');
    expect(called).toBe(2);
    expect(lines.some((line) => line.includes(binary.toString('utf8')))).toBe(true);
  });

  it('keeps stdout and stderr apart across invocations (their hooks are reused, each bound to its stream)', async () => {
    const seen = { out: [] as string[], err: [] as string[] };
    const realOut = process.stdout.write;
    const realErr = process.stderr.write;
    // One function for both streams, as Node's own share one prototype write.
    const shared = function (this: NodeJS.WriteStream, chunk: unknown) {
      (this === process.stderr ? seen.err : seen.out).push(String(chunk));
      return true;
    } as typeof process.stdout.write;
    process.stdout.write = shared;
    process.stderr.write = shared;
    try {
      const handler = handlerWith(() => {
        process.stdout.write(`to stdout ${GITHUB}\n`);
        process.stderr.write(`to stderr ${GITHUB}\n`);
        return 'ok';
      });
      for (let i = 0; i < 3; i++) expect((await invoke(handler, {})).result).toBe('ok');
    } finally {
      process.stdout.write = realOut;
      process.stderr.write = realErr;
    }
    const mine = (lines: string[], stream: string) => lines.filter((line) => line.startsWith(`to ${stream}`));
    expect(mine(seen.out, 'stdout')).toEqual(Array(3).fill('to stdout [REDACTED:github-token]\n'));
    expect(mine(seen.err, 'stderr')).toEqual(Array(3).fill('to stderr [REDACTED:github-token]\n'));
    expect(mine(seen.out, 'stderr')).toEqual([]);
    expect(mine(seen.err, 'stdout')).toEqual([]);
  });

  it("does not process the logger's own lines twice: same line, same counts as without the hook", async () => {
    const logLine = async (redactConsole: boolean) => {
      const logger = createLogger({ serviceName: 'console-test' });
      const handler = middy(async () => {
        logger.info('login', { password: SECRET, note: `token ${GITHUB}` });
        return 'ok';
      }).use(redactedLogging({ logger, redactConsole })) as unknown as Handler;
      const { logs } = await run(handler);
      const line = logs.find((l) => l.message === 'login')!;
      const { timestamp, cold_start, function_request_id, xray_trace_id, ...stable } = line;
      return { line: stable, summary: summaries(logs)[0]?.sentinel };
    };
    const hooked = await logLine(true);
    const plain = await logLine(false);
    expect(hooked.line).toEqual(plain.line);
    expect(hooked.summary).toEqual(plain.summary);
    expect(hooked.summary).toMatchObject({ redactions: 2 });
  });

  it('counts console redactions in the invocation summary', async () => {
    const handler = handlerWith(() => {
      console.log(`a ${GITHUB}`);
      process.stdout.write(`b ${GITHUB}\n`);
    });
    const { logs } = await run(handler);
    expect(summaries(logs)[0]).toMatchObject({
      sentinel: { redactions: 2, redaction_families: ['github-token'] },
    });
  });

  it('interleaved invocations each use their own rules and count their own redactions', async () => {
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const body = async (event: { which: string; n: number }) => {
      for (let i = 0; i < 3; i++) {
        await tick();
        console.log(JSON.stringify({ which: event.which, n: event.n, alpha: 'A-VALUE', beta: 'B-VALUE' }));
      }
      return event.which;
    };
    const loggerA = createLogger({ serviceName: 'a', redact: { keys: ['alpha'] } });
    const loggerB = createLogger({ serviceName: 'b', redact: { keys: ['beta'] } });
    const a = middy(body).use(redactedLogging({ logger: loggerA, redactConsole: true }));
    const b = middy(body).use(redactedLogging({ logger: loggerB, redactConsole: true }));
    const handler = ((event: { which: string }, context: never) =>
      event.which === 'a' ? a(event as never, context) : b(event as never, context)) as unknown as Handler;
    const events = Array.from({ length: 6 }, (_, n) => ({ which: n % 2 ? 'b' : 'a', n }));
    const { records, logs } = await captureOutput(() => invokeConcurrently(handler, events));
    const lines = records.filter(
      (r): r is Record<string, unknown> => typeof (r as { which?: unknown }).which === 'string',
    );
    expect(lines).toHaveLength(18);
    for (const line of lines) {
      if (line.which === 'a') expect(line).toMatchObject({ alpha: '[REDACTED]', beta: 'B-VALUE' });
      else expect(line).toMatchObject({ alpha: 'A-VALUE', beta: '[REDACTED]' });
    }
    const counts = summaries(logs).map((s) => (s.sentinel as { redactions: number }).redactions);
    expect(counts).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('installs the hooks only during invocations and removes them after the last one', async () => {
    const { result } = await captureOutput(async () => {
      const write = process.stdout.write;
      const log = console.log;
      let during: unknown[] = [];
      const handler = handlerWith(() => {
        during = [process.stdout.write === write, console.log === log];
      });
      await invoke(handler, {});
      return { during, after: [process.stdout.write === write, console.log === log] };
    });
    expect(result!.during).toEqual([false, false]);
    expect(result!.after).toEqual([true, true]);
  });

  it('leaves output alone when off, and outside invocations', async () => {
    const handler = handlerWith(() => console.log(`password=${SECRET}`), false);
    const { output } = await run(handler);
    expect(output).toContain(SECRET);
    const outside = await captureOutput(() => console.log(`password=${SECRET}`));
    expect(outside.lines.join('\n')).toContain(SECRET);
  });

  it('never breaks the handler: hostile text, huge lines and odd arguments pass through redacted', async () => {
    const handler = handlerWith(() => {
      console.log(`token ${'a='.repeat(50_000)}`);
      console.log(`${'x'.repeat(200_000)} password=${SECRET}`);
      console.log(undefined, null, 42, Symbol('s'), () => 1, 10n);
      process.stdout.write('');
      return 'ok';
    });
    const { output, invocation, lines } = await run(handler);
    expect(invocation.result).toBe('ok');
    expect(invocation.error).toBeUndefined();
    expect(output).not.toContain(SECRET);
    // Console output is not cut to the logger's maxStringLength.
    expect(lines.some((line) => line.length > 200_000)).toBe(true);
  });
});

describe('redactConsole and EMF documents', () => {
  it('keeps metric values (numbers CloudWatch reads) and redacts dimensions and metadata', async () => {
    const emf = {
      _aws: {
        Timestamp: 1714566896789,
        CloudWatchMetrics: [
          {
            Namespace: 'App',
            Dimensions: [['service']],
            Metrics: [{ Name: 'PasswordResets', Unit: 'Count' }],
          },
        ],
      },
      service: 'orders',
      PasswordResets: 3,
      note: `rotated ${GITHUB}`,
    };
    const handler = handlerWith(() => console.log(JSON.stringify(emf)));
    const { records } = await run(handler);
    const doc = records.find((r) => typeof r === 'object' && r !== null && '_aws' in r) as Record<
      string,
      unknown
    >;
    expect(doc.PasswordResets).toBe(3);
    expect(doc._aws).toEqual(emf._aws);
    expect(doc.note).toBe('rotated [REDACTED:github-token]');
  });
});
