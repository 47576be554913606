import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReport } from './report-check.ts';

// The CI test of `pnpm demo`: the whole scripted run in a child process with this Node, twice —
// as a first-time user runs it (X-Ray SDK, one line per step) and with every detail shown
// (OpenTelemetry, --verbose --emf) — and the report it writes, looked at in Chromium.
const demo = resolve(import.meta.dirname, '../scripts/demo.ts');

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [demo, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill(), 150_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

const stepLines = (stdout: string) => stdout.split('\n').filter((line) => /^\s?\d+\. /.test(line));
/** A step line: ` 2. <title, 54 wide> <answer>  <calls>  <security events>`. */
const parse = (line: string) => {
  const [, title = '', answer = '', rest = ''] = /^\s?\d+\. (.{54}) +(\S+) {2}(.*)$/.exec(line) ?? [];
  return { title: title.trim(), answer, rest };
};
/** `authorizer 3.0 ms (cold)` entries of one step line, in order. */
const calls = (line: string) =>
  [...parse(line).rest.matchAll(/(\w+) [\d.]+ ms( \(cold\))?/g)].map((m) => ({
    fn: m[1]!,
    cold: Boolean(m[2]),
  }));

describe('pnpm demo', () => {
  let out: string;
  let verboseOut: string;
  let plain: Awaited<ReturnType<typeof run>>;
  let verbose: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'workshop-demo-'));
    verboseOut = mkdtempSync(join(tmpdir(), 'workshop-demo-verbose-'));
    // One after the other: each starts a process per function, and the machine is shared.
    plain = await run(['--out', out]);
    verbose = await run(['--out', verboseOut, '--tracing', 'otel', '--verbose', '--emf']);
  }, 320_000);
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(verboseOut, { recursive: true, force: true });
  });

  it('exits 0, either way', () => {
    expect(plain.status, plain.stderr).toBe(0);
    expect(verbose.status, verbose.stderr).toBe(0);
  });

  it('prints one short line per step by default', () => {
    const lines = stepLines(plain.stdout);
    expect(lines).toHaveLength(14);
    expect(plain.stdout.split('\n').length).toBeLessThan(30);
    for (const line of plain.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(160);
    expect(lines.map((line) => parse(line).answer)).toEqual([
      '200',
      '200',
      '200',
      '200',
      '400',
      '400',
      '200',
      '403',
      'refused',
      '403',
      'ok',
      'ok',
      '200',
      'ok',
    ]);
  });

  it("marks each function's first invocation as its cold start, and only that one", () => {
    const lines = stepLines(plain.stdout);
    const seen = new Set<string>();
    // Steps 1-12: the app's functions, and renderPreview; each runs in its own process.
    for (const line of lines.slice(0, 12)) {
      for (const { fn, cold } of calls(line)) {
        expect({ fn, cold }, line).toEqual({ fn, cold: !seen.has(fn) });
        seen.add(fn);
      }
    }
    expect([...seen].sort()).toEqual([
      'authorizer',
      'customUnicornAnalytics',
      'customizeUnicorn',
      'managePartners',
      'renderPreview',
      'unicornParts',
    ]);
    // Step 13's unicornParts is the compromised copy, a process (a deployment) of its own.
    expect(calls(lines[12]!)).toEqual([
      { fn: 'authorizer', cold: false },
      { fn: 'unicornParts', cold: true },
    ]);
  });

  it('audits the template first, and ends with an experiment past its expires date: one function_expired', () => {
    expect(plain.stdout).toContain('sentinel-audit template.yaml: 5 functions, 0 errors, 0 warnings');
    const last = stepLines(plain.stdout)[13]!;
    expect(last).toMatch(/ok\s+pricingExperiment [\d.]+ ms \(cold\)\s+function_expired$/);
    const step14 = verbose.stdout.slice(verbose.stdout.indexOf('\n14. '));
    expect(step14).toContain('expires=2025-06-30');
    expect(step14).toContain('This function is past its expires date (2025-06-30)');
    expect(step14).toMatch(/SecurityEvents\{event_type=function_expired\}=1/);
  });

  it('shows refusals as security events: 4xx, not a fault, not an error', () => {
    const lines = stepLines(plain.stdout);
    expect(lines[8]).toMatch(/refused\s+customizeUnicorn [\d.]+ ms\s+source_rejected$/);
    expect(lines[9]).toMatch(/403\s+customizeUnicorn [\d.]+ ms\s+source_rejected$/);
    // The published metrics: Errors 0 and one SecurityEvents count, for both refusals.
    const emf = verbose.stdout
      .split('\n')
      .filter((line) => line.startsWith('{"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const refused = emf.filter((doc) => doc.outcome === 'refused');
    expect(refused).toHaveLength(2);
    expect(refused.map((doc) => doc.Errors)).toEqual([0, 0]);
    expect(
      emf.filter((doc) => doc.event_type === 'source_rejected').map((doc) => doc.SecurityEvents),
    ).toEqual([1, 1]);
    // The handler span: an error (4xx), not a fault.
    const step9 = verbose.stdout.slice(verbose.stdout.indexOf('\n 9. '), verbose.stdout.indexOf('\n10. '));
    expect(step9).toMatch(/## customizeUnicorn\.handler [\d.]+ ms ERROR/);
    expect(step9).not.toContain('FAULT');
  });

  it('sums up the runtime guard as it happened: three blocked in the last step, none in the app', () => {
    expect(stepLines(plain.stdout)[12]).toMatch(/3× guard_violation \(blocked\)$/);
    expect(plain.stdout).toContain(
      "runtime guard: 3 violations in step 13 (the compromised dependency), 3 blocked; 0 in the app's own 19 invocations",
    );
    // The CPU budget is exceeded too when the busy loop gets the whole core (not on a loaded machine).
    expect(plain.stdout).toMatch(
      /security events: 2× source_rejected, [12]× budget_exceeded, 3× guard_violation, 1× function_expired/,
    );
  });

  it('with --verbose, shows each invocation once: trace tree, annotations, logs and metrics', () => {
    const text = verbose.stdout;
    expect(text).toMatch(/## customizeUnicorn\.handler [\d.]+ ms/);
    expect(text).toMatch(/DynamoDB \[aws\] [\d.]+ ms/);
    expect(text).toMatch(/exfil\.attacker\.example \[remote\] [\d.]+ ms FAULT/);
    expect(text).toMatch(/annotations +Service=authorizer ColdStart=true/);
    expect(text).toContain('Blocked fs.readFileSync of /proc/self/environ (policy fileRead)');
    expect(text).toContain('Blocked child_process.execFileSync of sh (policy childProcess)');
    expect(text).toMatch(/Blocked tls\.connect of exfil\.attacker\.example:443 \(policy outbound\)/);
    expect(text).toMatch(/SecurityEvents\{event_type=guard_violation\}=3/);
    expect(text).toContain('[REDACTED');
    for (const root of new Set(text.match(/1-[0-9a-f]{8}-[0-9a-f]{24}/g))) {
      expect(text.split(root).length - 1, root).toBe(1);
    }
    for (const line of text.split('\n').filter((l) => !l.startsWith('{"_aws"'))) {
      expect(line.length, line).toBeLessThanOrEqual(160);
    }
  });

  it('never prints the password or the card number it sent, nor writes them to the report', () => {
    const reports = [join(out, 'report.html'), join(verboseOut, 'report.html')].map((f) =>
      readFileSync(f, 'utf8'),
    );
    for (const text of [verbose.stdout, ...reports]) expect(text).toContain('Card Holder');
    for (const text of [plain.stdout, verbose.stdout, ...reports]) {
      expect(text).not.toContain('hunter2-Secret!');
      expect(text).not.toContain('4111 1111 1111 1111');
    }
  });

  it('writes a self-contained report.html and the service map as Mermaid', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|url\(["']?http/);
    expect(html).toContain('<svg class="service-map"');
    const mermaid = readFileSync(join(out, 'service-map.mmd'), 'utf8');
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).toContain('"EventBridge"');
    expect(mermaid).toContain('"Client (direct invoke)"');
  });

  it.each([
    ['X-Ray SDK', () => out],
    ['OpenTelemetry', () => verboseOut],
  ])('renders a report from %s traces in Chromium: no overlapping label, no empty chart', async (_, dir) => {
    const check = await checkReport(join(dir(), 'report.html'), join(dir(), 'report.png'));
    expect(check.problems).toEqual([]);
    expect(check.charts).toEqual(['duration', 'cpu', 'event-loop', 'security-events']);
    expect(check.traces).toBe(14);
  });

  it('with --serve, serves the API and the report, which shows each new request', async () => {
    const child = spawn(process.execPath, [demo, '--serve', '--port', '0', '--out', out], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    try {
      let stdout = '';
      await new Promise<void>((ready, fail) => {
        const timer = setTimeout(() => fail(new Error(`not serving after 120 s:\n${stdout}`)), 120_000);
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes('Ctrl-C to stop.')) {
            clearTimeout(timer);
            ready();
          }
        });
      });
      const origin = /live report on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
      const token = /TOKEN='([^']+)'/.exec(stdout)?.[1];
      expect(await (await fetch(`${origin}/`)).text()).toContain('<svg class="service-map"');
      expect(await (await fetch(`${origin}/report/version`)).text()).toBe('14');
      const socks = await fetch(`${origin}/socks`, { headers: { Authorization: `Bearer ${token}` } });
      expect(socks.status).toBe(200);
      expect(await (await fetch(`${origin}/report/version`)).text()).toBe('15');
      expect(await (await fetch(`${origin}/`)).text()).toContain('curl GET /socks');
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    }
  }, 150_000);

  it('prints its usage with --help', () => {
    const help = spawnSync(process.execPath, [demo, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pnpm demo/);
    for (const option of [
      '--verbose',
      '--emf',
      '--tracing',
      '--mysql',
      '--serve',
      '--port',
      '--out',
      '--help',
    ])
      expect(help.stdout).toContain(option);
  });
});
