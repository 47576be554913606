import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CI smoke test of `pnpm demo`: the whole scripted scenario, in a child process with this Node.
const demo = resolve(import.meta.dirname, '../scripts/demo.ts');

describe('pnpm demo', () => {
  let out: string;
  let run: ReturnType<typeof spawnSync>;
  let stdout = '';

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'workshop-demo-'));
    run = spawnSync(process.execPath, [demo, '--out', out], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    stdout = String(run.stdout);
  }, 130_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exits 0', () => {
    expect(run.status, String(run.stderr)).toBe(0);
  });

  it('tells the story: statuses, traces, logs, metrics and security events', () => {
    for (const line of [
      '→ 200',
      '→ 400',
      '→ 403',
      'X-Ray trace',
      'CloudWatch Logs',
      'CloudWatch Metrics (EMF)',
    ]) {
      expect(stdout).toContain(line);
    }
    expect(stdout).toMatch(/## \S+ [\d.]+ ms/); // a rendered handler subsegment with its duration
    expect(stdout).toMatch(/DynamoDB \[aws\] [\d.]+ ms/);
    expect(stdout).not.toContain('(no segments received)');
    expect(stdout).toContain('source_rejected');
    expect(stdout).toContain('budget_exceeded');
    expect(stdout).toContain('[REDACTED');
  });

  it('never prints the password or the card number it sent', () => {
    expect(stdout).toContain('Card Holder');
    expect(stdout).not.toContain('hunter2-Secret!');
    expect(stdout).not.toContain('4111 1111 1111 1111');
  });

  it('writes the service map as HTML and Mermaid', () => {
    const html = readFileSync(join(out, 'service-map.html'), 'utf8');
    const mermaid = readFileSync(join(out, 'service-map.mmd'), 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).toContain('customizeUnicorn');
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).toContain('API_Gateway');
    expect(existsSync(join(out, 'service-map.html'))).toBe(true);
  });
});
