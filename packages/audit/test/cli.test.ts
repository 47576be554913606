// sentinel-audit as CI runs it: the real bin in a child process, and the same
// entry point in-process for the option handling.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runAuditCli } from '../src/index.ts';
import { captured } from './cli-io.ts';

const BIN = resolve(import.meta.dirname, '../src/bin/sentinel-audit.ts');
const WORKSHOP = resolve(import.meta.dirname, '../../../examples/workshop/template.yaml');
const run = promisify(execFile);

const cli = (...args: string[]) => captured(runAuditCli, args);

describe('sentinel-audit', () => {
  it('runs as a bin: the workshop template passes with exit code 0', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--now', '2026-06-01', WORKSHOP]);
    expect(stdout).toContain('5 functions · 0 errors · 0 warnings · 0 notes');
    expect(stdout).toMatch(/AuthorizerFunction\s+ok {2}\(handler src\/authorizer\/index\.ts\)/);
  });

  it('exits with a bit per level found, as cfn-lint does; --fail-on chooses which count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-audit-'));
    const broken = join(dir, 'template.yaml');
    writeFileSync(
      broken,
      readFileSync(WORKSHOP, 'utf8')
        .replace('    Tracing: Active\n', '')
        .replace(
          '\nOutputs:',
          '\n  Open:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref AuthorizerFunction\n      Action: lambda:InvokeFunction\n      Principal: sns.amazonaws.com\n\nOutputs:',
        ),
    );
    const both = await cli('--no-source', '--now', '2026-06-01', broken);
    expect(both.code).toBe(2 | 4);
    expect(both.stdout).toContain('error    confused-deputy');
    expect((await cli('--no-source', '--fail-on', 'error', broken)).code).toBe(2);
    expect((await cli('--no-source', '--fail-on', 'none', broken)).code).toBe(0);
    expect(
      (await cli('--no-source', '--ignore', 'confused-deputy', '--ignore', 'tracing-off', broken)).code,
    ).toBe(0);
  });

  it('writes JSON and SARIF, to standard output or a file', async () => {
    const json = await cli('--format', 'json', '--now', '2026-06-01', WORKSHOP);
    expect(JSON.parse(json.stdout)).toMatchObject({ counts: { error: 0, warning: 0, note: 0 } });
    const out = join(mkdtempSync(join(tmpdir(), 'sentinel-audit-')), 'audit.sarif');
    const sarif = await cli('--format', 'sarif', '--output', out, WORKSHOP);
    expect(sarif).toMatchObject({ code: 0, stdout: '' });
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
  });

  it('judges expiry at --now and resolves --parameter overrides', async () => {
    const late = await cli('--no-source', '--now', '2028-01-01', WORKSHOP);
    expect(late.code).toBe(2);
    expect(late.stdout).toContain('function-expired');
    const production = await cli(
      '--no-source',
      '--parameter',
      'Expires=',
      '--parameter',
      'Lifecycle=production',
      WORKSHOP,
    );
    expect(production.code).toBe(0);
  });

  it('says what is wrong with exit code 1: options, a missing file, a template it cannot read', async () => {
    for (const args of [
      [],
      ['--format', 'xml', WORKSHOP],
      ['--fail-on', 'fatal', WORKSHOP],
      ['--now', 'soon', WORKSHOP],
      ['--parameter', 'x', WORKSHOP],
      ['--bogus', WORKSHOP],
    ]) {
      const { code, stderr } = await cli(...args);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr).toMatch(/^sentinel-audit: /);
    }
    const missing = await cli('/nonexistent/template.yaml');
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-audit-'));
    writeFileSync(join(dir, 't.yaml'), 'a: &a [1]\nb: [*a, *a]\nResources: [');
    expect((await cli(join(dir, 't.yaml'))).stderr).toContain('not valid YAML');
    expect((await cli('--help')).stdout).toContain('confused-deputy');
  });
});
