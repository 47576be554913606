import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { type DependencyInventory, type InventoryPackage, inventoryInBundle } from './inventory.ts';

/** Every version of every package a lockfile resolves: the repository's side of the comparison. */
export type LockedVersions = Map<string, Set<string>>;

function add(locked: LockedVersions, name: string, version: unknown): void {
  if (!name || typeof version !== 'string' || !version) return;
  const versions = locked.get(name) ?? new Set<string>();
  versions.add(version);
  locked.set(name, versions);
}

/** `/@scope/name@1.2.3(peer@4)` (pnpm 6-9 keys) → `['@scope/name', '1.2.3']`. */
function splitPnpmKey(key: string): [string, string] | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.lastIndexOf('@');
  if (at <= 0) return undefined;
  return [bare.slice(0, at), bare.slice(at + 1)];
}

/**
 * The versions a lockfile resolves: `pnpm-lock.yaml` (lockfile versions 6 to 9) or npm's
 * `package-lock.json` / `npm-shrinkwrap.json` (versions 1 to 3). `name` (the file name) decides
 * the format. Workspace links are the repository's own code and are left out.
 */
export function readLockfile(text: string, name: string): LockedVersions {
  const locked: LockedVersions = new Map();
  if (/pnpm-lock\.ya?ml$/.test(name)) {
    const lock = parseYaml(text, { maxAliasCount: 100 }) as { packages?: Record<string, unknown> } | null;
    for (const key of Object.keys(lock?.packages ?? {})) {
      const parts = splitPnpmKey(key);
      if (parts) add(locked, parts[0], parts[1]);
    }
    return locked;
  }
  if (/(package-lock|npm-shrinkwrap)\.json$/.test(name)) {
    const lock = JSON.parse(text) as {
      packages?: Record<string, { version?: string; name?: string; link?: boolean }>;
      dependencies?: Record<string, unknown>;
    };
    if (lock.packages) {
      for (const [path, entry] of Object.entries(lock.packages)) {
        if (!path || entry.link) continue;
        add(
          locked,
          entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
          entry.version,
        );
      }
      return locked;
    }
    // Version 1: nested `dependencies`.
    const walk = (deps: Record<string, unknown> | undefined, depth: number) => {
      if (!deps || depth > 64) return;
      for (const [dep, entry] of Object.entries(deps)) {
        const e = entry as { version?: string; dependencies?: Record<string, unknown> };
        add(locked, dep, e.version);
        walk(e.dependencies, depth + 1);
      }
    };
    walk(lock.dependencies, 0);
    return locked;
  }
  throw new Error(`${name}: expected a pnpm-lock.yaml, package-lock.json or npm-shrinkwrap.json`);
}

/** The inventory one function logged (or one file holds). */
export interface DeployedInventory {
  /** The function's name (from the log line), or the file's name. */
  function: string;
  /** The inventory's hash, when it came from a log line. */
  hash?: string;
  /** Its packages. */
  packages: InventoryPackage[];
}

const parsePackage = (entry: string): InventoryPackage | undefined => {
  const at = entry.lastIndexOf('@');
  return at > 0 ? { name: entry.slice(0, at), version: entry.slice(at + 1) } : undefined;
};

/**
 * A `dependency_inventory` log line, as text or parsed: plain, behind Lambda's text-format
 * prefix (`timestamp\trequestId\tINFO\t{...}`), or wrapped by Lambda's JSON log format in
 * `message` (as an object or a string).
 */
function fromLogLine(line: unknown, depth = 0): DeployedInventory | undefined {
  let record = line;
  if (typeof record === 'string') {
    const start = record.indexOf('{');
    if (start < 0) return undefined;
    try {
      record = JSON.parse(record.slice(start));
    } catch {
      return undefined;
    }
  }
  const r = record as {
    message?: unknown;
    dependency_inventory?: { hash?: string; packages?: unknown };
    function?: { name?: string };
    function_name?: string;
  };
  if (
    depth < 2 &&
    r &&
    r.message !== 'dependency_inventory' &&
    r.message !== undefined &&
    r.message !== null
  ) {
    if (typeof r.message === 'object' || typeof r.message === 'string')
      return fromLogLine(r.message, depth + 1);
  }
  const packages = r?.dependency_inventory?.packages;
  if (r?.message !== 'dependency_inventory' || !Array.isArray(packages)) return undefined;
  return {
    function: r.function?.name ?? r.function_name ?? 'unknown',
    ...(r.dependency_inventory?.hash ? { hash: r.dependency_inventory.hash } : {}),
    packages: packages.flatMap((p) => (typeof p === 'string' ? (parsePackage(p) ?? []) : [])),
  };
}

/**
 * The deployed inventories in one input: a Logs Insights export (the console's CSV or JSON,
 * or `aws logs get-query-results` output) of `dependency_inventory` lines, raw log lines (one
 * JSON object per line), an inventory file (`sentinel-inventory.json`), or a bundle built with
 * the esbuild plugin. `name` is the input's file name: a file's inventory is named after it.
 * The same function and hash seen on many cold starts count once.
 */
export function readInventories(text: string, name: string): DeployedInventory[] {
  const own = basename(name, extname(name));
  const bundled = inventoryInBundle(text);
  if (bundled) return [{ function: own, packages: bundled.packages }];
  const trimmed = text.trim();
  let lines: unknown[];
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    const json = JSON.parse(trimmed) as DependencyInventory & {
      results?: { field: string; value: string }[][];
    };
    if (json.format === 'sentinel-inventory/1') return [{ function: own, packages: json.packages }];
    // `aws logs get-query-results`: rows of { field, value } cells; else one log line.
    lines = Array.isArray(json.results)
      ? json.results.map((row) => row.find((cell) => cell.field === '@message')?.value)
      : [json];
  } else if (trimmed.startsWith('[')) {
    lines = (JSON.parse(trimmed) as Record<string, unknown>[]).map((row) => row['@message'] ?? row);
  } else if (/^"?@/.test(trimmed)) {
    // The console's CSV export: a header row naming the fields.
    lines = (parseCsv(trimmed, { columns: true, skip_empty_lines: true }) as Record<string, string>[]).map(
      (row) => row['@message'],
    );
  } else {
    lines = trimmed.split('\n');
  }
  const seen = new Map<string, DeployedInventory>();
  for (const line of lines) {
    const found = fromLogLine(line);
    if (found) seen.set(`${found.function}\u0000${found.hash ?? JSON.stringify(found.packages)}`, found);
  }
  return [...seen.values()];
}

/** A package whose deployed version differs from the repository's. */
export interface VersionChange {
  /** The package name. */
  name: string;
  /** The version the function runs. */
  deployed: string;
  /** The version the repository resolves (the closest one: same major when it has one). */
  repository: string;
}

/** How one function's deployed dependencies differ from the repository's. */
export interface Drift {
  /** The function (as its inventory names it). */
  function: string;
  /** Its inventory hash, when known. */
  hash?: string;
  /** Runs an older version than the repository resolves: the seed's case (a stale, maybe vulnerable tree). */
  older: VersionChange[];
  /** Runs a newer version than the repository resolves. */
  newer: VersionChange[];
  /** Runs a package the repository no longer has. */
  removed: InventoryPackage[];
  /** Does not run a package a fresh build has (only with an expected inventory). */
  added: InventoryPackage[];
  /** Packages that match. */
  unchanged: number;
}

/** The repository version a deployed one is compared with: the same one, else the highest of its major, else the highest. */
function referenceVersion(deployed: string, versions: Set<string>): string | undefined {
  if (versions.has(deployed)) return deployed;
  const valid = [...versions].filter((v) => semver.valid(v));
  const major = semver.valid(deployed) ? semver.major(deployed) : undefined;
  const sameMajor = valid.filter((v) => semver.major(v) === major);
  const pool = sameMajor.length > 0 ? sameMajor : valid;
  return pool.sort(semver.rcompare)[0] ?? [...versions][0];
}

/**
 * Compares what a function runs with what the repository resolves: the lockfile's versions, or
 * (`expected`, the inventory of a fresh build of the same function) exactly what a redeploy would
 * ship, which also shows packages `added` since the deploy. A version that is not semver and
 * differs counts as older: the function does not run what the repository has.
 */
export function compareInventory(
  deployed: DeployedInventory,
  reference: LockedVersions,
  expected?: DependencyInventory,
): Drift {
  const drift: Drift = {
    function: deployed.function,
    older: [],
    newer: [],
    removed: [],
    added: [],
    unchanged: 0,
  };
  if (deployed.hash) drift.hash = deployed.hash;
  const against: LockedVersions = expected ? new Map() : reference;
  if (expected) for (const p of expected.packages) add(against, p.name, p.version);
  const names = new Set<string>();
  for (const pkg of deployed.packages) {
    names.add(pkg.name);
    const versions = against.get(pkg.name);
    if (!versions) {
      drift.removed.push({ name: pkg.name, version: pkg.version });
      continue;
    }
    const repository = referenceVersion(pkg.version, versions) as string;
    if (repository === pkg.version) drift.unchanged += 1;
    else if (semver.valid(pkg.version) && semver.valid(repository) && semver.gt(pkg.version, repository)) {
      drift.newer.push({ name: pkg.name, deployed: pkg.version, repository });
    } else drift.older.push({ name: pkg.name, deployed: pkg.version, repository });
  }
  if (expected) {
    for (const pkg of expected.packages)
      if (!names.has(pkg.name)) drift.added.push({ name: pkg.name, version: pkg.version });
  }
  return drift;
}

/** True when the function runs exactly what the repository has. */
export const inSync = (drift: Drift): boolean =>
  drift.older.length + drift.newer.length + drift.removed.length + drift.added.length === 0;
