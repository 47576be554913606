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

  it('runs the app clean under the strict runtime guard, and the guard stops a compromised dependency', () => {
    expect(stdout).toContain('runtime guard: every policy blocks');
    expect(stdout).toMatch(/runtime guard: 0 violations in the app's \d+ invocations/);
    const tried = stdout.slice(stdout.indexOf('What the compromised dependency tried:'));
    expect(tried).toMatch(/read \/proc\/self\/environ .*→ blocked: RuntimeGuardViolationError \(fileRead\)/);
    expect(tried).toMatch(/spawn sh .*→ blocked: RuntimeGuardViolationError \(childProcess\)/);
    expect(tried).toMatch(/exfil\.attacker\.example.*→ blocked: RuntimeGuardViolationError \(outbound\)/);
    expect(tried.match(/→ blocked/g)).toHaveLength(3);
    // One WARN line per blocked action, and the EMF count.
    expect(stdout).toContain('Blocked fs.readFileSync of /proc/self/environ (policy fileRead)');
    expect(stdout).toContain('Blocked child_process.execFileSync of sh (policy childProcess)');
    expect(stdout).toMatch(/Blocked tls\.connect of exfil\.attacker\.example:443 \(policy outbound\)/);
    expect(stdout).toMatch(/event_type=guard_violation\}\s+SecurityEvents=3/);
  });

  it('prints its usage with --help', () => {
    const help = spawnSync(process.execPath, [demo, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pnpm demo/);
    for (const option of ['--mysql', '--serve', '--port', '--out', '--quiet', '--help'])
      expect(help.stdout).toContain(option);
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
