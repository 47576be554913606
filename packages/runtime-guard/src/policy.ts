import { posix } from 'node:path';
import { SentinelConfigError } from '@lambda-sentinel/core';
import {
  clientEndpoints,
  clientProblem,
  configuredEndpoints,
  functionRegion,
  regionalEndpoints,
} from './endpoints.ts';
import { executablePaths } from './executables.ts';
import {
  compileHostGlobs,
  compilePathGlobs,
  hostGlobProblem,
  type Matcher,
  pathGlobProblem,
} from './globs.ts';
import { reportGuardFault } from './hooks/wrap.ts';

/**
 * `block` stops the action with a `RuntimeGuardViolationError` before it
 * happens; `alert` lets it proceed and records a `guard_violation` security
 * event; `allow` does nothing and costs nothing.
 */
export type GuardMode = 'block' | 'alert' | 'allow';

export interface ChildProcessPolicy {
  mode?: GuardMode;
  /**
   * Executables that may be started: a name (`convert`), looked up on `PATH`
   * when the guard is constructed, or an absolute path glob (`/opt/bin/*`).
   * A start is allowed when the file it would run — found on the child's
   * `PATH` or resolved against its `cwd`, symlinks followed — is one of
   * those. Note that `exec()` always starts `/bin/sh`. Default: none.
   */
  allow?: readonly string[];
}

export interface FileWritePolicy {
  mode?: GuardMode;
  /** Absolute path globs that may be written, created, renamed or deleted. Default `['/tmp/**']`. */
  allow?: readonly string[];
}

export interface FileReadPolicy {
  mode?: GuardMode;
  /**
   * Absolute path globs that must not be read. Default: the function's own
   * code (`$LAMBDA_TASK_ROOT/**`) and what `/proc` exposes of a process —
   * `environ` (the credentials), `cmdline`, `mem`, `maps`, `auxv` — for every
   * process and thread, however spelled (`self`, `thread-self`, a pid,
   * `task/<tid>`): paths are checked as given and as `realpath` resolves them.
   */
  deny?: readonly string[];
}

export interface OutboundPolicy {
  mode?: GuardMode;
  /**
   * Hosts that may be connected to: `host`, `host:port`, `*.example.com`,
   * `10.0.*.*:5432`, `[::1]:8000`, `unix:/run/*.sock`; `*` never crosses a
   * dot, a leading `**.` spans labels. Default: with `clients`, none besides
   * theirs; without, the regional service endpoints of the function's region
   * (`*.<AWS_REGION>.amazonaws.com:443`, `*.<AWS_REGION>.api.aws:443`). The
   * Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`) and the endpoints of
   * `clients` are always allowed.
   */
  allowHosts?: readonly string[];
}

export interface RuntimeGuardOptions {
  /** The mode of every policy not given one; default `alert`. */
  mode?: GuardMode;
  childProcess?: GuardMode | ChildProcessPolicy;
  fileWrite?: GuardMode | FileWritePolicy;
  fileRead?: GuardMode | FileReadPolicy;
  outbound?: GuardMode | OutboundPolicy;
  /** The function's code directory; default `LAMBDA_TASK_ROOT`. */
  taskRoot?: string;
  /**
   * The AWS SDK v3 clients the function uses. Their endpoints — in the
   * function's region at construction, then as each client's own config
   * resolves them (its region, or a custom `endpoint`) — are allowed
   * outbound, and replace the regional default of `outbound.allowHosts`.
   */
  clients?: readonly unknown[];
}

export type PolicyName = 'childProcess' | 'fileWrite' | 'fileRead' | 'outbound';

/** What the hooks consult on every watched call: modes and compiled matchers. */
export interface CompiledPolicy {
  readonly childProcess: { readonly mode: GuardMode; readonly allows: Matcher };
  readonly fileWrite: { readonly mode: GuardMode; readonly allows: Matcher };
  readonly fileRead: { readonly mode: GuardMode; readonly denies: Matcher };
  readonly outbound: {
    readonly mode: GuardMode;
    readonly allows: Matcher;
    /** Settles once the clients' own configuration has been read (their endpoints are then allowed). */
    readonly ready: Promise<void>;
  };
}

const MODES: ReadonlySet<unknown> = new Set(['block', 'alert', 'allow']);
const KNOWN_OPTIONS = new Set([
  'mode',
  'childProcess',
  'fileWrite',
  'fileRead',
  'outbound',
  'taskRoot',
  'clients',
]);
const LIST_KEY: Record<PolicyName, string> = {
  childProcess: 'allow',
  fileWrite: 'allow',
  fileRead: 'deny',
  outbound: 'allowHosts',
};

export const DEFAULT_WRITE_ALLOW: readonly string[] = ['/tmp/**'];

/**
 * What `/proc/<pid>/` shows of a process that an attacker wants: its
 * environment (the function's AWS credentials), command line, memory, memory
 * map and auxiliary vector. Denied for every process and thread, since the
 * parent's and a child's environment hold the same credentials.
 */
const PROC_SECRETS = ['environ', 'cmdline', 'mem', 'maps', 'auxv'];

/** The default read deny-list for a task root (the `/proc` entries only, when the root is unknown). */
export function defaultReadDeny(taskRoot: string | undefined): string[] {
  const deny = PROC_SECRETS.flatMap((name) => [`/proc/*/${name}`, `/proc/*/task/*/${name}`]);
  if (taskRoot) deny.unshift(`${posix.normalize(taskRoot).replace(/\/+$/, '')}/**`);
  return deny;
}

function checkMode(option: string, mode: unknown): GuardMode {
  if (!MODES.has(mode)) {
    throw new SentinelConfigError(option, `must be 'block', 'alert' or 'allow'; got ${JSON.stringify(mode)}`);
  }
  return mode as GuardMode;
}

/** A policy option normalised to `{ mode, list }`, validated (rule 5). */
export interface NormalisedPolicy {
  mode: GuardMode;
  list?: readonly string[];
}

function normalisePolicy(name: PolicyName, value: unknown, fallback: GuardMode): NormalisedPolicy {
  if (value === undefined) return { mode: fallback };
  if (typeof value === 'string') return { mode: checkMode(name, value) };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SentinelConfigError(
      name,
      `expected a mode or an object like { mode: 'block', ${LIST_KEY[name]}: [...] }`,
    );
  }
  const listKey = LIST_KEY[name];
  for (const key of Object.keys(value)) {
    if (key !== 'mode' && key !== listKey) {
      throw new SentinelConfigError(`${name}.${key}`, `unknown option; ${name} takes mode and ${listKey}`);
    }
  }
  const object = value as { mode?: unknown } & Record<string, unknown>;
  const mode = object.mode === undefined ? fallback : checkMode(`${name}.mode`, object.mode);
  const list = object[listKey];
  if (list === undefined) return { mode };
  if (!Array.isArray(list))
    throw new SentinelConfigError(`${name}.${listKey}`, 'must be an array of strings');
  list.forEach((pattern, i) => {
    const problem =
      name === 'outbound'
        ? hostGlobProblem(pattern)
        : name === 'childProcess'
          ? typeof pattern === 'string' && pattern !== '' && !pattern.includes('/')
            ? undefined
            : pathGlobProblem(pattern)
          : pathGlobProblem(pattern);
    if (problem) throw new SentinelConfigError(`${name}.${listKey}[${i}]`, problem);
  });
  return { mode, list: [...list] as string[] };
}

export interface NormalisedOptions {
  readonly taskRoot: string | undefined;
  /** The AWS SDK v3 clients whose endpoints are allowed outbound. */
  readonly clients: readonly unknown[];
  readonly childProcess: NormalisedPolicy;
  readonly fileWrite: NormalisedPolicy & { list: readonly string[] };
  readonly fileRead: NormalisedPolicy & { list: readonly string[] };
  readonly outbound: NormalisedPolicy & { list: readonly string[] };
}

/** Validates options and fills in the defaults. Throws `SentinelConfigError` naming the bad option. */
export function normaliseOptions(
  options: RuntimeGuardOptions | undefined,
  env: NodeJS.ProcessEnv = process.env,
): NormalisedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new SentinelConfigError(
      'options',
      "expected an object like { mode: 'block', outbound: { allowHosts: [...] } }",
    );
  }
  const given = options ?? {};
  for (const key of Object.keys(given)) {
    if (!KNOWN_OPTIONS.has(key)) throw new SentinelConfigError(key, 'unknown option of runtimeGuard()');
  }
  const fallback = given.mode === undefined ? 'alert' : checkMode('mode', given.mode);
  // `null` is a bad value like any other, not "unset": it must not fall back to LAMBDA_TASK_ROOT silently.
  const rawTaskRoot: unknown = given.taskRoot === undefined ? env.LAMBDA_TASK_ROOT : given.taskRoot;
  if (rawTaskRoot !== undefined && (typeof rawTaskRoot !== 'string' || !rawTaskRoot.startsWith('/'))) {
    throw new SentinelConfigError('taskRoot', `must be an absolute path; got ${JSON.stringify(rawTaskRoot)}`);
  }
  const taskRoot = rawTaskRoot as string | undefined;
  const clients: unknown = given.clients === undefined ? [] : given.clients;
  if (!Array.isArray(clients))
    throw new SentinelConfigError('clients', 'must be an array of AWS SDK v3 clients');
  clients.forEach((client, i) => {
    const problem = clientProblem(client);
    if (problem) throw new SentinelConfigError(`clients[${i}]`, problem);
  });
  const childProcess = normalisePolicy('childProcess', given.childProcess, fallback);
  const fileWrite = normalisePolicy('fileWrite', given.fileWrite, fallback);
  const fileRead = normalisePolicy('fileRead', given.fileRead, fallback);
  const outbound = normalisePolicy('outbound', given.outbound, fallback);
  return {
    taskRoot,
    clients: [...clients],
    childProcess,
    fileWrite: { ...fileWrite, list: fileWrite.list ?? DEFAULT_WRITE_ALLOW },
    fileRead: { ...fileRead, list: fileRead.list ?? defaultReadDeny(taskRoot) },
    // The clients' endpoints are the default when there are clients; else the region's services.
    outbound: {
      ...outbound,
      list: outbound.list ?? (clients.length ? [] : regionalEndpoints(functionRegion(env))),
    },
  };
}

/**
 * The allow list of executables as one matcher over absolute paths: a name is
 * replaced by where `PATH` finds it now (and its real path), so a later
 * impostor elsewhere on `PATH`, or in `/tmp`, does not match it.
 */
function compileExecutables(policy: NormalisedPolicy, env: NodeJS.ProcessEnv, cwd: string): Matcher {
  const patterns = (policy.list ?? []).flatMap((pattern, i) => {
    if (pattern.includes('/') || policy.mode === 'allow') return [pattern];
    const paths = executablePaths(pattern, env.PATH ?? '', cwd);
    if (paths.length === 0) {
      throw new SentinelConfigError(
        `childProcess.allow[${i}]`,
        `${JSON.stringify(pattern)} is not an executable on PATH (${env.PATH ?? ''}); give its absolute path`,
      );
    }
    return paths;
  });
  return compilePathGlobs(patterns);
}

/** The Runtime API's own address, so blocking outbound never cuts the function off from Lambda. */
function runtimeApiHosts(env: NodeJS.ProcessEnv): string[] {
  const api = env.AWS_LAMBDA_RUNTIME_API;
  return api && hostGlobProblem(api) === undefined ? [api] : [];
}

/**
 * The outbound allow list, which grows once: the clients' endpoints for the
 * function's region are known at construction, those their own config names
 * (another region, a custom endpoint) when its providers have answered.
 */
function compileOutbound(
  options: NormalisedOptions,
  env: NodeJS.ProcessEnv,
): { allows: Matcher; ready: Promise<void> } {
  const region = functionRegion(env);
  const known = new Set([
    ...options.outbound.list,
    ...runtimeApiHosts(env),
    ...options.clients.flatMap((client) => clientEndpoints(client, region)),
  ]);
  let matcher = compileHostGlobs([...known]);
  const ready =
    options.outbound.mode === 'allow' || options.clients.length === 0
      ? Promise.resolve()
      : Promise.all(
          // Rule 1: a client whose providers fail keeps the endpoints known at construction.
          options.clients.map((client) =>
            configuredEndpoints(client).catch((error: unknown) => {
              reportGuardFault('clients', error);
              return [];
            }),
          ),
        ).then((found) => {
          const more = found.flat().filter((pattern) => !known.has(pattern) && !hostGlobProblem(pattern));
          if (more.length) matcher = compileHostGlobs([...known, ...more]);
        });
  return { allows: (target) => matcher(target), ready };
}

export function compilePolicy(
  options: NormalisedOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): CompiledPolicy {
  return {
    childProcess: {
      mode: options.childProcess.mode,
      allows: compileExecutables(options.childProcess, env, cwd),
    },
    fileWrite: { mode: options.fileWrite.mode, allows: compilePathGlobs(options.fileWrite.list) },
    fileRead: { mode: options.fileRead.mode, denies: compilePathGlobs(options.fileRead.list) },
    outbound: { mode: options.outbound.mode, ...compileOutbound(options, env) },
  };
}
