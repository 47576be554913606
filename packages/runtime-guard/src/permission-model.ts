/**
 * The same policy as flags for Node's permission model (`--permission`), which
 * the runtime enforces natively: code inside the process cannot undo it (it can
 * only drop permissions with `process.permission.drop()`).
 *
 * Behaviour of Node 24 this relies on (checked by running Node, see the tests):
 * - `--permission` and every `--allow-*` flag are accepted in `NODE_OPTIONS`.
 *   `NODE_OPTIONS` splits on spaces only; a value with a space goes in double
 *   quotes, with `"` and `\` escaped by a backslash. Single quotes are not quotes.
 * - A path is matched by prefix at `/` boundaries: `--allow-fs-write=/tmp/a`
 *   covers `/tmp/a/b` but not `/tmp/ab`. It covers a subtree only if it is a
 *   directory when Node starts; a path that does not exist yet is treated as a
 *   file (`/tmp/later` then covers only `/tmp/later`, not `/tmp/later/x`).
 * - `*` ends the pattern: everything after it is ignored and the rest is a plain
 *   string prefix (`/tmp/*.log` and `/tmp/*` both mean "anything under /tmp/",
 *   `/tmp/out*` also covers `/tmp/outside`). So a directory is written `dir/*`,
 *   which works whether or not it exists at start; a bare `*` means everything.
 * - One flag per path; a comma-separated list is no longer valid (Node warns).
 * - Checks are on the path as given, not its real path: a symlink that already
 *   exists inside an allowed directory is followed; `fs.symlink` to a target
 *   outside the allowed paths is refused.
 * - A refused read or write throws `ERR_ACCESS_DENIED`, `fs.existsSync` included
 *   (it normally never throws). Reads by native code (OpenSSL certificates,
 *   `/etc/resolv.conf`, `/proc/cpuinfo` for `os.cpus()`) are not checked.
 * - Starting Node and loading a module needs read access to the entry script's
 *   and the module's own directories only (not the node binary's directory);
 *   resolving `node_modules` and `package.json` scopes up the tree needs nothing.
 *   Modules reached through a symlink are loaded by their real path, which must
 *   be readable.
 * - Worker threads, WASI, the inspector and native addons are refused unless
 *   `--allow-worker`, `--allow-wasi`, `--allow-inspector`, `--allow-addons`.
 *   A worker inherits the permissions. Each of `--allow-child-process`,
 *   `--allow-addons` and `--allow-worker` prints a `SecurityWarning` at start.
 * - A child Node process keeps the permission model (the flags are passed on),
 *   but any other child (`sh`) is not restricted at all.
 * - There is no network permission before Node 25; from 25, `--permission`
 *   refuses every connection unless `--allow-net` (all or nothing).
 * - `--permission-audit` (no `--allow-*` needed) denies nothing and publishes
 *   each would-be denial on the `node:permission-model:fs|child|worker|inspector`
 *   diagnostics channels. In Node 24.21 it still disables native addons
 *   (`ERR_DLOPEN_DISABLED`), so it is not emitted here: the in-process guard
 *   already alerts, and an audit mode that can break the runtime would violate
 *   "never break the function".
 */
import { SentinelConfigError } from '@lambda-sentinel/core';
import { pathGlobProblem } from './globs.ts';
import { type NormalisedOptions, normaliseOptions, type RuntimeGuardOptions } from './policy.ts';

/** Where the function runs; every field has the Lambda default. */
export interface PermissionModelEnvironment {
  /** The function's code; default `taskRoot` of the options, then `LAMBDA_TASK_ROOT`, then `/var/task`. */
  taskRoot?: string;
  /** The Lambda runtime's own code; default `LAMBDA_RUNTIME_DIR`, then `/var/runtime`. */
  runtimeDir?: string;
  /** Where layers are extracted; default `/opt`. */
  layersDir?: string;
  /**
   * More path globs the function may read when `fileRead` blocks (same syntax as
   * `fileWrite.allow`), e.g. `['/etc/pki/**']`.
   */
  extraRead?: readonly string[];
  /**
   * Allow native addons (`--allow-addons`). Default `true`: the Lambda Node.js
   * runtime interface client loads its Runtime API client as a native addon
   * (`/var/runtime/rapid-client.node` in the published runtime builds), so
   * without it the runtime could fail at init before the handler loads. This
   * could not be checked on a live Lambda here; set `false` for a runtime known
   * to need no addon (e.g. a container image whose runtime uses the HTTP
   * client) to keep native code out.
   */
  addons?: boolean;
  /** Allow worker threads (`--allow-worker`); default `false`. Workers inherit the permissions. */
  workers?: boolean;
  /**
   * The Node.js version of the target runtime (`'24'`, `'v25.1.0'`), which
   * decides `--allow-net` (Node 25+). Default: the flags this Node accepts.
   */
  nodeVersion?: string;
  /** Read for `LAMBDA_TASK_ROOT` and `LAMBDA_RUNTIME_DIR`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What {@link permissionModelFlags} returns: Node permission-model flags for the same policy. */
export interface PermissionModel {
  /** The flags, one per element, for a command line (`node ...flags index.mjs`). Empty when nothing blocks. */
  flags: string[];
  /** The flags as the `NODE_OPTIONS` value, quoted where needed. */
  nodeOptions: string;
  /** What of the policy the flags do not enforce (left to the in-process guard), one sentence each. */
  notCovered: string[];
}

const ENVIRONMENT_KEYS = new Set([
  'taskRoot',
  'runtimeDir',
  'layersDir',
  'extraRead',
  'addons',
  'workers',
  'nodeVersion',
  'env',
]);

/** A path in the permission model's syntax, and the directory or file it is rooted at. */
interface NodePath {
  /** The flag value: `*`, `dir/*` or an exact path. */
  value: string;
  /** The directory (for `dir/*`) or path it covers; `/` for `*`. */
  base: string;
}

function checkDirectory(option: string, value: unknown): string {
  const problem = pathGlobProblem(value);
  if (problem) throw new SentinelConfigError(option, problem);
  const path = value as string;
  if (/[*?]/.test(path))
    throw new SentinelConfigError(option, `must be a directory, not a pattern; got ${path}`);
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') throw new SentinelConfigError(option, 'must not be the root directory /');
  return trimmed;
}

function isUnder(path: string, base: string): boolean {
  return path === base || base === '/' || path.startsWith(`${base}/`);
}

/**
 * Converts one of the guard's path globs. Exact when the glob is a plain path or
 * `dir/**`; anything else is widened to the directory before the first wildcard.
 */
function toNodePath(option: string, glob: string, notes: string[], allowAll: boolean): NodePath {
  const trimmed = glob.length > 1 ? glob.replace(/\/+$/, '') : glob;
  const segments = trimmed.split('/').slice(1);
  const firstWild = segments.findIndex((segment) => /[*?]/.test(segment));
  if (firstWild === -1) {
    if (trimmed === '/') {
      throw new SentinelConfigError(option, `'/' would allow the whole file system; use '/**' to mean that`);
    }
    return { value: trimmed, base: trimmed };
  }
  const dir = `/${segments.slice(0, firstWild).join('/')}`;
  const rest = segments.slice(firstWild);
  const exact = rest.length === 1 && rest[0] === '**';
  if (dir === '/') {
    if (exact && allowAll) return { value: '*', base: '/' };
    throw new SentinelConfigError(
      option,
      `${JSON.stringify(glob)} cannot be expressed in Node's permission model, which takes directories: it would widen to the whole file system`,
    );
  }
  if (!exact) {
    notes.push(
      `${option} ${JSON.stringify(glob)} is widened to everything under ${dir}: Node's permission model takes directories, not patterns.`,
    );
  }
  return { value: `${dir}/*`, base: dir };
}

function convertList(
  option: string,
  list: readonly string[],
  notes: string[],
  allowAll: boolean,
): NodePath[] {
  return list.map((glob, i) => toNodePath(`${option}[${i}]`, glob, notes, allowAll));
}

/** Drops duplicates and paths inside a directory already listed. */
function dedupe(paths: readonly NodePath[]): NodePath[] {
  if (paths.some((p) => p.value === '*')) return [{ value: '*', base: '/' }];
  const dirs = paths.filter((p) => p.value.endsWith('/*'));
  const kept: NodePath[] = [];
  for (const path of paths) {
    if (kept.some((k) => k.value === path.value)) continue;
    if (dirs.some((d) => d.value !== path.value && isUnder(path.base, d.base))) continue;
    kept.push(path);
  }
  return kept;
}

/** `package.json` in every directory above the task root: the Lambda runtime probes them. */
function ancestorPackageJsons(taskRoot: string): NodePath[] {
  const out: NodePath[] = [];
  let dir = taskRoot;
  while (dir !== '/') {
    dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
    const file = dir === '/' ? '/package.json' : `${dir}/package.json`;
    out.push({ value: file, base: file });
  }
  return out;
}

interface Version {
  major: number;
  minor: number;
}

function parseVersion(value: unknown): Version {
  const match = typeof value === 'string' ? /^v?(\d+)(?:\.(\d+))?(?:\.\d+)?(?:[-+].*)?$/.exec(value) : null;
  if (!match) {
    throw new SentinelConfigError(
      'nodeVersion',
      `must be a Node.js version like '24' or 'v25.1.0'; got ${JSON.stringify(value)}`,
    );
  }
  return { major: Number(match[1]), minor: Number(match[2] ?? 0) };
}

function supportsPermission(version: Version | undefined): boolean {
  if (version === undefined) return process.allowedNodeEnvironmentFlags.has('--permission');
  const { major, minor } = version;
  // `--permission` replaced `--experimental-permission` in 22.13 and 23.5.
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13);
}

function supportsNet(version: Version | undefined): boolean {
  if (version === undefined) return process.allowedNodeEnvironmentFlags.has('--allow-net');
  return version.major >= 25;
}

function checkEnvironment(environment: unknown): PermissionModelEnvironment {
  if (environment === undefined) return {};
  if (environment === null || typeof environment !== 'object' || Array.isArray(environment)) {
    throw new SentinelConfigError('environment', "expected an object like { taskRoot: '/var/task' }");
  }
  for (const key of Object.keys(environment)) {
    if (!ENVIRONMENT_KEYS.has(key)) {
      throw new SentinelConfigError(key, 'unknown option of permissionModelFlags() environment');
    }
  }
  const given = environment as PermissionModelEnvironment;
  for (const key of ['addons', 'workers'] as const) {
    if (given[key] !== undefined && typeof given[key] !== 'boolean') {
      throw new SentinelConfigError(key, `must be true or false; got ${JSON.stringify(given[key])}`);
    }
  }
  if (given.extraRead !== undefined && !Array.isArray(given.extraRead)) {
    throw new SentinelConfigError('extraRead', 'must be an array of absolute path globs');
  }
  given.extraRead?.forEach((glob, i) => {
    const problem = pathGlobProblem(glob);
    if (problem) throw new SentinelConfigError(`extraRead[${i}]`, problem);
  });
  if (given.env !== undefined && (given.env === null || typeof given.env !== 'object')) {
    throw new SentinelConfigError('env', 'must be an object of environment variables');
  }
  return given;
}

/** Quotes one argument the way `NODE_OPTIONS` reads it. */
function quoteForNodeOptions(flag: string): string {
  return /[\s"\\]/.test(flag) ? `"${flag.replace(/[\\"]/g, '\\$&')}"` : flag;
}

function alertNote(policy: string, what: string, flag: string): string {
  return `${policy} is 'alert': Node's permission model can deny but not alert, so it leaves ${what} unrestricted (${flag}); the in-process guard alerts.`;
}

/**
 * Node's permission-model flags for a runtime guard policy, for users who
 * want the runtime itself to enforce: set `nodeOptions` as the function's
 * `NODE_OPTIONS` environment variable. A policy in `block` mode is enforced
 * as far as the model can express it; `alert` and `allow` policies are left
 * open (the model cannot alert). When no file or child-process policy blocks
 * there is nothing to enforce and `flags` is empty. Everything the model
 * cannot express is listed in `notCovered`: keep the in-process guard for it.
 *
 * Throws `SentinelConfigError` naming the option for bad options, and for a
 * `fileWrite.allow` or `extraRead` glob that could only be expressed as the
 * whole file system.
 */
export function permissionModelFlags(
  options?: RuntimeGuardOptions,
  environment?: PermissionModelEnvironment,
): PermissionModel {
  const given = checkEnvironment(environment);
  const env = given.env ?? process.env;
  const first = normaliseOptions(options, env);
  const taskRoot = checkDirectory('taskRoot', given.taskRoot ?? first.taskRoot ?? '/var/task');
  // Re-normalise so the default read deny-list names the task root in use.
  const policy: NormalisedOptions =
    taskRoot === first.taskRoot ? first : normaliseOptions({ ...options, taskRoot }, env);
  const runtimeDir = checkDirectory(
    'runtimeDir',
    given.runtimeDir ?? env.LAMBDA_RUNTIME_DIR ?? '/var/runtime',
  );
  const layersDir = checkDirectory('layersDir', given.layersDir ?? '/opt');
  const version = given.nodeVersion === undefined ? undefined : parseVersion(given.nodeVersion);
  if (!supportsPermission(version)) {
    throw new SentinelConfigError(
      'nodeVersion',
      `${given.nodeVersion ?? process.version} has no --permission flag (Node 22.13+ or 23.5+); pass the target runtime's nodeVersion`,
    );
  }
  const addons = given.addons ?? true;
  const workers = given.workers ?? false;
  const net = supportsNet(version);
  const { childProcess, fileWrite, fileRead, outbound } = policy;

  const notCovered: string[] = [];
  const outboundNote = (): void => {
    if (outbound.mode === 'allow') return;
    notCovered.push(
      net
        ? 'outbound.allowHosts is not enforced: --allow-net is all or nothing and the Lambda Runtime API needs the network, so it is set; only the in-process guard restricts hosts.'
        : 'outbound is not enforced: this Node.js has no network permission (--allow-net arrives in Node 25), so connections are left to the in-process guard.',
    );
  };

  if (![childProcess, fileWrite, fileRead].some((p) => p.mode === 'block')) {
    notCovered.push(
      "No childProcess, fileWrite or fileRead policy is 'block': there is nothing for Node's permission model to enforce, so no flags are generated.",
    );
    outboundNote();
    return { flags: [], nodeOptions: '', notCovered };
  }

  // Writes: the allow-list as directories; what a directory cannot say exactly is widened.
  const writeNotes: string[] = [];
  // (also the directories the function may read back when fileRead blocks)
  const writeDirs =
    fileWrite.mode === 'block' || fileRead.mode === 'block'
      ? convertList('fileWrite.allow', fileWrite.list, writeNotes, true)
      : [];
  let writes: NodePath[] = [{ value: '*', base: '/' }];
  if (fileWrite.mode === 'block') {
    writes = dedupe(writeDirs);
    notCovered.push(...writeNotes);
  }
  if (fileWrite.mode === 'alert') notCovered.push(alertNote('fileWrite', 'writes', '--allow-fs-write=*'));

  // Reads: the model only allows, and the loader must read the code, so the deny-list is enforced
  // only where it lies outside every directory the function needs.
  let reads: NodePath[] = [{ value: '*', base: '/' }];
  if (fileRead.mode === 'block') {
    const extra = convertList('extraRead', given.extraRead ?? [], notCovered, false);
    reads = dedupe([
      { value: `${taskRoot}/*`, base: taskRoot },
      { value: `${runtimeDir}/*`, base: runtimeDir },
      { value: `${layersDir}/*`, base: layersDir },
      ...writeDirs,
      ...extra,
      ...ancestorPackageJsons(taskRoot),
    ]);
    fileRead.list.forEach((glob, i) => {
      const segments = glob.replace(/(.)\/+$/, '$1').split('/');
      const firstWild = segments.findIndex((segment) => /[*?]/.test(segment));
      const wild = firstWild !== -1;
      const prefix = (wild ? segments.slice(0, firstWild) : segments).join('/') || '/';
      const overlapping = reads.find(
        (read) => isUnder(prefix, read.base) || (wild && isUnder(read.base, prefix)),
      );
      if (overlapping) {
        notCovered.push(
          `fileRead.deny[${i}] ${JSON.stringify(glob)} is not enforced: it lies in ${overlapping.base}, which the function must be able to read (the permission model only allows; it cannot carve a deny-list out of an allowed directory).`,
        );
      }
    });
  }
  if (fileRead.mode === 'alert') notCovered.push(alertNote('fileRead', 'reads', '--allow-fs-read=*'));

  // Child processes: all or none.
  const childAllowList = childProcess.list ?? [];
  const allowChildren = childProcess.mode !== 'block' || childAllowList.length > 0;
  if (childProcess.mode === 'block' && childAllowList.length > 0) {
    notCovered.push(
      `childProcess.allow ${JSON.stringify(childAllowList)} cannot be expressed: the permission model allows all child processes or none, so all are allowed (--allow-child-process) and only the in-process guard restricts which.`,
    );
  }
  if (childProcess.mode === 'alert') {
    notCovered.push(alertNote('childProcess', 'child processes', '--allow-child-process'));
  }
  if (allowChildren) {
    notCovered.push(
      'A child process other than Node runs outside the permission model: it can read, write and connect wherever the OS user can (and a symlink it creates in an allowed directory opens the target to the function too).',
    );
  }

  outboundNote();
  if (addons) {
    notCovered.push(
      'Native addons are allowed (--allow-addons, which the Lambda runtime needs for its Runtime API client): native code is outside the permission model.',
    );
  }

  const flags = ['--permission'];
  for (const read of reads) flags.push(`--allow-fs-read=${read.value}`);
  for (const write of writes) flags.push(`--allow-fs-write=${write.value}`);
  if (allowChildren) flags.push('--allow-child-process');
  if (workers) flags.push('--allow-worker');
  if (addons) flags.push('--allow-addons');
  if (net) flags.push('--allow-net');
  return { flags, nodeOptions: flags.map(quoteForNodeOptions).join(' '), notCovered };
}
