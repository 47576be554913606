import { delimiter, resolve } from 'node:path';

// Not `import fs from 'node:fs'`: the ESM view of a built-in reads every export, and fs's lazy ones
// (streams, promises) cost ~6 ms of cold start.
const fs = process.getBuiltinModule('node:fs');

/**
 * Which file a child process would run. A name without `/` is looked up on
 * `PATH` as `execvp` does; a path is resolved against the working directory.
 * Both the guard's allow list (at construction) and every start (at the call)
 * go through here, so `convert` allowed means the `convert` found on `PATH`
 * when the guard was built — not `/tmp/x/convert`, nor a later `PATH` entry.
 *
 * Metadata calls (`stat`, `access`, `realpath`) are not watched by the guard,
 * so these lookups never reach its own hooks.
 */

const realpathNative = fs.realpathSync.native;

function isExecutableFile(path: string): boolean {
  try {
    fs.accessSync(path, fs.constants.X_OK);
    return fs.statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The absolute path `file` runs from, or undefined when no such executable exists. */
export function findExecutable(file: string, searchPath: string, cwd: string): string | undefined {
  if (file.includes('/')) {
    const path = resolve(cwd, file);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of searchPath.split(delimiter)) {
    // An empty entry means the working directory, as for execvp.
    const candidate = resolve(cwd, dir || '.', file);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** `path` with every symlink followed; `path` itself when that fails. */
export function realExecutable(path: string): string {
  try {
    return realpathNative(path);
  } catch {
    return path;
  }
}

/**
 * The paths that name the file a start would run: where it was found and,
 * when that is a symlink, where it really is. Empty when no executable is found.
 */
export function executablePaths(file: string, searchPath: string, cwd: string): string[] {
  const found = findExecutable(file, searchPath, cwd);
  if (!found) return [];
  const real = realExecutable(found);
  return real === found ? [found] : [found, real];
}

/** What libuv searches when the child's environment has no `PATH` (glibc's `_PATH_DEFPATH`). */
const DEFAULT_PATH = '/usr/bin:/bin';

/**
 * The `PATH` a start searches: the child's own, from its `envPairs`
 * (`['PATH=/usr/bin', ...]`, as Node hands them to libuv) or its `env` object.
 */
export function childSearchPath(envPairs: unknown, env: unknown): string {
  if (Array.isArray(envPairs)) {
    const entry = envPairs.find((pair) => typeof pair === 'string' && pair.startsWith('PATH='));
    return typeof entry === 'string' ? entry.slice(5) : DEFAULT_PATH;
  }
  const value = env && typeof env === 'object' ? (env as Record<string, unknown>).PATH : undefined;
  return typeof value === 'string' ? value : DEFAULT_PATH;
}
