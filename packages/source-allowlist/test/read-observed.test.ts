import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readObservedSources } from '../src/index.ts';
import { runCli, USAGE } from '../src/run-cli.ts';

const OWN = '123456789012';
const queue = `arn:aws:sqs:us-east-1:${OWN}:orders`;
const source = { kind: 'sqs', arn: queue, records: [{ arn: queue }] };
const observed = (invocationSource: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    level: 'INFO',
    message: 'sentinel source observed',
    sentinel: 'source-allowlist',
    invocationSource,
    ...extra,
  });
/** A Lambda JSON-format line wrapping `line` as its message. */
const wrapped = (line: string) => JSON.stringify({ level: 'INFO', requestId: 'abc', message: line });

describe('readObservedSources', () => {
  it('reads plain, Powertools, Lambda text and Lambda JSON lines', () => {
    expect(
      readObservedSources([
        observed(source),
        observed(source, { service: 'orders', cold_start: true }),
        `2025-01-01T00:00:00.000Z\tabc-123\tINFO\t${observed(source)}`,
        wrapped(observed(source)),
      ]),
    ).toEqual([source, source, source, source]);
  });

  it('unwraps a message at most twice', () => {
    expect(readObservedSources([wrapped(wrapped(observed(source)))])).toEqual([source]);
    expect(readObservedSources([wrapped(wrapped(wrapped(observed(source))))])).toEqual([]);
  });

  it('ignores every other line', () => {
    expect(
      readObservedSources([
        '',
        'START RequestId: abc Version: $LATEST',
        '{not json',
        'prefix {"sentinel":"source-allowlist"} but {broken',
        '{"level":"INFO","message":"unrelated"}',
        '{"level":"INFO","message":42}',
        observed(null),
        observed('sqs'),
        observed(source, { sentinel: 'another-tool' }),
        JSON.stringify({ sentinel: 'source-allowlist' }),
        wrapped('no braces here'),
      ]),
    ).toEqual([]);
  });
});

/** Runs the CLI in this process with `input` on stdin. */
async function cli(args: string[], input = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    Readable.from([input]),
    { write: (text: string) => (stdout += text) },
    { write: (text: string) => (stderr += text) },
  );
  return { code, stdout, stderr };
}

describe('sentinel-allowlist (in process)', () => {
  it('--help and -h print the usage on stdout', async () => {
    expect(USAGE).toMatch(/^Usage: sentinel-allowlist suggest < observed\.jsonl\n\nReads source-allowlist/);
    for (const flag of ['--help', '-h']) {
      expect(await cli([flag])).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
    }
  });

  it('anything but `suggest` alone prints the usage on stderr and exits 2', async () => {
    for (const args of [[], ['enforce'], ['suggest', 'extra']]) {
      expect(await cli(args)).toEqual({ code: 2, stdout: '', stderr: `${USAGE}\n` });
    }
  });

  it('suggest prints the rules and a summary', async () => {
    const { code, stdout, stderr } = await cli(
      ['suggest'],
      `${observed(source)}\r\n${observed(source)}\nnoise\n`,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([{ kind: 'sqs', arn: queue }]);
    expect(stdout).toBe(`${JSON.stringify([{ kind: 'sqs', arn: queue }], null, 2)}\n`);
    expect(stderr).toBe('sentinel-allowlist: 2 observed source line(s) → 1 rule(s)\n');
  });

  it('warns when a rule allows direct invocations', async () => {
    const { stderr } = await cli(['suggest'], `${observed({ kind: 'unknown' })}\n${observed(source)}`);
    expect(stderr).toBe(
      'sentinel-allowlist: 2 observed source line(s) → 2 rule(s)\n' +
        'sentinel-allowlist: a rule allows kind "unknown" (direct invocations); keep it only if you mean it\n',
    );
  });
});
