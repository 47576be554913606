import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import {
  type DependencyInventory,
  INVENTORY_FILE,
  INVENTORY_SYMBOL,
  type InventoryPackage,
} from '@lambda-sentinel/logger';

export { type DependencyInventory, INVENTORY_FILE, type InventoryPackage };

/**
 * The deployed dependency inventory: which third-party packages (name,
 * version, license) a function really runs. Written at build time — into the
 * bundle by the esbuild plugin, or beside an unbundled deployment — and read
 * by `@lambda-sentinel/logger` on each cold start (its `dependency_inventory`
 * line). The logger owns the format and where it is found; this side writes it.
 */

/** The registered symbol's key (`Symbol.for`) the bundle's inventory is set on: the logger's. */
export const INVENTORY_GLOBAL = INVENTORY_SYMBOL.description as string;

const MARK = '/* @lambda-sentinel/dependency-inventory */';

interface PackageJson {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  licenses?: unknown;
}

function licenseOf(pkg: PackageJson): string | undefined {
  if (typeof pkg.license === 'string') return pkg.license;
  const legacy = (pkg.license ?? (Array.isArray(pkg.licenses) ? pkg.licenses[0] : undefined)) as
    | { type?: unknown }
    | undefined;
  return typeof legacy?.type === 'string' ? legacy.type : undefined;
}

function readPackage(dir: string): InventoryPackage | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
  if (typeof pkg.name !== 'string' || typeof pkg.version !== 'string') return undefined;
  const license = licenseOf(pkg);
  return { name: pkg.name, version: pkg.version, ...(license ? { license } : {}) };
}

function sorted(packages: Iterable<InventoryPackage>): InventoryPackage[] {
  const unique = new Map<string, InventoryPackage>();
  for (const p of packages) unique.set(`${p.name}@${p.version}`, p);
  return [...unique.values()].sort((a, b) =>
    a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1,
  );
}

/** `…/node_modules/@scope/name/lib/x.js` → `…/node_modules/@scope/name`; undefined outside node_modules. */
export function packageDirOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1]?.startsWith('@');
  const end = at + (scoped ? 3 : 2);
  if (end > parts.length) return undefined;
  return parts.slice(0, end).join(sep);
}

/** What esbuild's metafile says about a build (the part this module reads). */
export interface MetafileLike {
  /** Every input file, by path relative to the working directory. */
  inputs: Record<string, unknown>;
  /** Every output file, by path relative to the working directory. */
  outputs: Record<string, MetafileOutput>;
}

/** One output of esbuild's metafile (the part this module reads). */
export interface MetafileOutput {
  /** The input files whose code went into this output. */
  inputs: Record<string, unknown>;
  /** What this output imports: other outputs (chunks) and external modules. */
  imports?: MetafileImport[];
  /** The entry point this output was built from, when it is one. */
  entryPoint?: string;
}

/** One import of a metafile output. */
export interface MetafileImport {
  /** The imported output's path, or the external module's specifier. */
  path: string;
  /** How it is imported (`import-statement`, `dynamic-import`, `require-call`, ...). */
  kind?: string;
  /** True for a module left out of the bundle. */
  external?: boolean;
}

/**
 * The inventory of one output of an esbuild build: every package (a folder under
 * `node_modules`) whose files went into it or into the chunks it imports. Workspace packages
 * linked from outside `node_modules` are the function's own code, not dependencies.
 */
export function inventoryFromMetafile(
  metafile: MetafileLike,
  output: string,
  workingDir = process.cwd(),
): DependencyInventory {
  const packages: InventoryPackage[] = [];
  const seenOutputs = new Set<string>();
  const seenDirs = new Set<string>();
  const visit = (name: string) => {
    if (seenOutputs.has(name)) return;
    seenOutputs.add(name);
    const out = metafile.outputs[name];
    if (!out) return;
    for (const input of Object.keys(out.inputs)) {
      // Inputs in other namespaces (`ns:path`) are no files on disk.
      if (/^[a-z-]+:/.test(input) && !/^[A-Za-z]:[\\/]/.test(input)) continue;
      const dir = packageDirOf(resolve(workingDir, input));
      if (!dir || seenDirs.has(dir)) continue;
      seenDirs.add(dir);
      const found = readPackage(dir);
      if (found) packages.push(found);
    }
    for (const imported of out.imports ?? []) if (!imported.external) visit(imported.path);
  };
  visit(output);
  return { format: 'sentinel-inventory/1', source: 'esbuild', packages: sorted(packages) };
}

/**
 * The inventory of an unbundled deployment: every package under `root/node_modules` (nested
 * ones, scoped ones and pnpm's links included, each real folder once), from its package.json.
 */
export function scanNodeModules(root: string): DependencyInventory {
  const packages: InventoryPackage[] = [];
  const seen = new Set<string>();
  const walk = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue; // .bin, .pnpm (reached through the links), .cache
      const path = join(modules, entry);
      if (entry.startsWith('@')) {
        for (const scoped of readdirSync(path)) visitPackage(join(path, scoped));
      } else {
        visitPackage(path);
      }
    }
  };
  const visitPackage = (path: string) => {
    let real: string;
    try {
      real = realpathSync(path);
      if (!statSync(real).isDirectory()) return;
    } catch {
      return; // a dangling link
    }
    if (seen.has(real)) return;
    seen.add(real);
    const found = readPackage(real);
    if (found) packages.push(found);
    walk(join(real, 'node_modules'));
    // pnpm keeps a package's dependencies beside it, in the node_modules folder that holds it.
    if (lstatSync(path).isSymbolicLink())
      walk(dirname(real).endsWith(`${sep}node_modules`) ? dirname(real) : join(dirname(real), '..'));
  };
  walk(join(root, 'node_modules'));
  return { format: 'sentinel-inventory/1', source: 'node_modules', packages: sorted(packages) };
}

/** The statement that carries an inventory inside a bundle (valid in ESM and CommonJS). */
export function inventoryStatement(inventory: DependencyInventory): string {
  return `${MARK}globalThis[Symbol.for(${JSON.stringify(INVENTORY_GLOBAL)})]=${JSON.stringify(inventory)};`;
}

/**
 * `code` (a bundle's text) with the inventory statement added on a line of its own at the end,
 * before a trailing source map comment so source maps still load. Replaces the
 * statement of an earlier run, so embedding twice is the same as once.
 */
export function withInventory(code: string, inventory: DependencyInventory): string {
  const statement = inventoryStatement(inventory);
  const lines = code.split('\n');
  const existing = lines.findIndex((line) => line.startsWith(MARK));
  if (existing >= 0) {
    lines[existing] = statement;
    return lines.join('\n');
  }
  const mapLine = lines.findLastIndex((line) => /^\/\/# sourceMappingURL=/.test(line));
  const at = mapLine >= 0 ? mapLine : lines.at(-1) === '' ? lines.length - 1 : lines.length;
  lines.splice(at, 0, statement);
  return lines.join('\n');
}

/** Embeds `inventory` into the bundle file `file` (see {@link withInventory}). */
export function embedInventory(file: string, inventory: DependencyInventory): void {
  writeFileSync(file, withInventory(readFileSync(file, 'utf8'), inventory));
}

/** The inventory a bundle carries, read back from its text; undefined when it carries none. */
export function inventoryInBundle(code: string): DependencyInventory | undefined {
  const line = code.split('\n').find((l) => l.startsWith(MARK));
  if (!line) return undefined;
  const json = line.slice(line.indexOf(']=') + 2, line.lastIndexOf(';'));
  return JSON.parse(json) as DependencyInventory;
}
