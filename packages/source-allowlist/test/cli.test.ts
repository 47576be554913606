import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AllowRule } from '../src/index.ts';
import { compileRules } from '../src/rules.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function run(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const OWN = '123456789012';
const observed = (source: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    level: 'INFO',
    message: 'sentinel source observed',
    sentinel: 'source-allowlist',
    invocationSource: source,
    ...extra,
  });

describe('sentinel-allowlist suggest', () => {
  it('reads observe-mode lines in every export format and prints rules that compile', async () => {
    const queue = (n: string) => `arn:aws:sqs:us-east-1:${OWN}:orders-${n}`;
    const lines = [
      observed({ kind: 'sqs', arn: queue('eu'), records: [{ arn: queue('eu'), accountId: OWN }] }),
      // Powertools Logger line with its own keys around ours.
      observed(
        { kind: 'sqs', arn: queue('us'), records: [{ arn: queue('us') }] },
        { service: 'orders', cold_start: true },
      ),
      // Lambda text log format.
      `2025-01-01T00:00:00.000Z\tabc-123\tINFO\t${observed({ kind: 'sqs', arn: queue('ap'), records: [{ arn: queue('ap') }] })}`,
      // Lambda JSON log format wrapping a console line.
      JSON.stringify({
        timestamp: '2025-01-01T00:00:00.000Z',
        level: 'INFO',
        requestId: 'abc',
        message: observed({
          kind: 'apigateway-http',
          accountId: OWN,
          apiId: 'h7k2m9x1qa',
          stage: '$default',
        }),
      }),
      'START RequestId: abc Version: $LATEST',
      '{"level":"INFO","message":"unrelated"}',
      '{not json',
      '',
    ].join('\n');
    const { code, stdout, stderr } = await run(['suggest'], lines);
    expect(code).toBe(0);
    const rules = JSON.parse(stdout) as AllowRule[];
    expect(rules).toEqual([
      { kind: 'apigateway-http', accountId: OWN, apiId: 'h7k2m9x1qa', stage: '$default' },
      { kind: 'sqs', arn: `arn:aws:sqs:us-east-1:${OWN}:orders-*` },
    ]);
    expect(() => compileRules(rules)).not.toThrow();
    expect(stderr).toContain('4 observed source line(s) → 2 rule(s)');
  });

  it('prints usage and exits 2 on a bad command', async () => {
    const { code, stderr, stdout } = await run(['enforce'], '');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: sentinel-allowlist suggest');
  });
});
