import { posix } from 'node:path';
import { SentinelConfigError } from '@lambda-sentinel/core';
import {
  compileHostGlobs,
  compilePathGlobs,
  hostGlobProblem,
  type Matcher,
  pathGlobProblem,
} from './globs.ts';

/**
 * `block` stops the action with a `RuntimeGuardViolationError` before it
 * happens; `alert` lets it proceed and records a `guard_violation` security
 * event; `allow` does nothing and costs nothing.
 */
export type GuardMode = 'block' | 'alert' | 'allow';

export interface ChildProcessPolicy {
  mode?: GuardMode;
  /**
   * Executables that may be started. A pattern without `/` matches the file
   * name (`convert`), one with `/` the path as given (`/usr/bin/*`). Note
   * that `exec()` always starts `/bin/sh`. Default: none.
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
   * code (`$LAMBDA_TASK_ROOT/**`) and the process environment
   * (`/proc/self/environ`, `/proc/<pid>/environ`).
   */
  deny?: readonly string[];
}

export interface OutboundPolicy {
  mode?: GuardMode;
  /**
   * Hosts that may be connected to: `host`, `host:port`, `*.example.com`,
   * `10.0.*:5432`, `[::1]:8000`, `unix:/run/*.sock`. Default
   * `['*.amazonaws.com', '*.api.aws']`. The Lambda Runtime API
   * (`AWS_LAMBDA_RUNTIME_API`) is always allowed.
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
}

export type PolicyName = 'childProcess' | 'fileWrite' | 'fileRead' | 'outbound';

/** What the hooks consult on every watched call: modes and compiled matchers. */
export interface CompiledPolicy {
  readonly childProcess: { readonly mode: GuardMode; readonly allows: Matcher };
  readonly fileWrite: { readonly mode: GuardMode; readonly allows: Matcher };
  readonly fileRead: { readonly mode: GuardMode; readonly denies: Matcher };
  readonly outbound: { readonly mode: GuardMode; readonly allows: Matcher };
}

const MODES: ReadonlySet<unknown> = new Set(['block', 'alert', 'allow']);
const KNOWN_OPTIONS = new Set(['mode', 'childProcess', 'fileWrite', 'fileRead', 'outbound', 'taskRoot']);
const LIST_KEY: Record<PolicyName, string> = {
  childProcess: 'allow',
  fileWrite: 'allow',
  fileRead: 'deny',
  outbound: 'allowHosts',
};

export const DEFAULT_WRITE_ALLOW: readonly string[] = ['/tmp/**'];
export const DEFAULT_ALLOW_HOSTS: readonly string[] = ['*.amazonaws.com', '*.api.aws'];

/** The default read deny-list for a task root (none when the root is unknown). */
export function defaultReadDeny(taskRoot: string | undefined): string[] {
  const deny = ['/proc/self/environ', '/proc/thread-self/environ', `/proc/${process.pid}/environ`];
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
  const childProcess = normalisePolicy('childProcess', given.childProcess, fallback);
  const fileWrite = normalisePolicy('fileWrite', given.fileWrite, fallback);
  const fileRead = normalisePolicy('fileRead', given.fileRead, fallback);
  const outbound = normalisePolicy('outbound', given.outbound, fallback);
  return {
    taskRoot,
    childProcess,
    fileWrite: { ...fileWrite, list: fileWrite.list ?? DEFAULT_WRITE_ALLOW },
    fileRead: { ...fileRead, list: fileRead.list ?? defaultReadDeny(taskRoot) },
    outbound: { ...outbound, list: outbound.list ?? DEFAULT_ALLOW_HOSTS },
  };
}

function compileExecutables(patterns: readonly string[]): Matcher {
  const byName = compilePathGlobs(patterns.filter((p) => !p.includes('/')).map((p) => `/${p}`));
  const byPath = compilePathGlobs(patterns.filter((p) => p.startsWith('/')));
  return (file) => {
    const slash = file.lastIndexOf('/');
    return byName(slash === -1 ? `/${file}` : file.slice(slash)) || byPath(file);
  };
}

/** The Runtime API's own address, so blocking outbound never cuts the function off from Lambda. */
function runtimeApiHosts(env: NodeJS.ProcessEnv): string[] {
  const api = env.AWS_LAMBDA_RUNTIME_API;
  return api && hostGlobProblem(api) === undefined ? [api] : [];
}

export function compilePolicy(
  options: NormalisedOptions,
  env: NodeJS.ProcessEnv = process.env,
): CompiledPolicy {
  return {
    childProcess: {
      mode: options.childProcess.mode,
      allows: compileExecutables(options.childProcess.list ?? []),
    },
    fileWrite: { mode: options.fileWrite.mode, allows: compilePathGlobs(options.fileWrite.list) },
    fileRead: { mode: options.fileRead.mode, denies: compilePathGlobs(options.fileRead.list) },
    outbound: {
      mode: options.outbound.mode,
      allows: compileHostGlobs([...options.outbound.list, ...runtimeApiHosts(env)]),
    },
  };
}
