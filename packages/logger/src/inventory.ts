import { createHash } from 'node:crypto';
import { join } from 'node:path';

// Not `import ... from 'node:fs'`: the ESM view of a built-in reads every export, and fs's lazy
// ones (streams, promises) cost ~6 ms of cold start; the CommonJS module object reads none. Its
// functions are looked up at the call, so a runtime guard's hooks see this read as they see others.
const fs = process.getBuiltinModule('node:fs');

/** One package a deployed function runs. */
export interface InventoryPackage {
  /** The package name, e.g. `@middy/core`. */
  name: string;
  /** Its exact version, from its `package.json`. */
  version: string;
  /** Its SPDX license expression, when its `package.json` has one. */
  license?: string;
}

/**
 * What a function was deployed with, as `@lambda-sentinel/audit` writes it at build time: into
 * the bundle by its esbuild plugin, or as `sentinel-inventory.json` at the root of an unbundled
 * deployment (`sentinel-inventory scan`).
 */
export interface DependencyInventory {
  /** Always `sentinel-inventory/1`. */
  format: 'sentinel-inventory/1';
  /** `esbuild` (from the bundle's metafile) or `node_modules` (from the shipped package.json files). */
  source: string;
  /** Every third-party package, sorted by name then version. */
  packages: InventoryPackage[];
}

/** The global a bundle built with the audit package's esbuild plugin sets (a registered symbol). */
export const INVENTORY_SYMBOL = Symbol.for('@lambda-sentinel/dependency-inventory');
/** The file an unbundled deployment carries at its root (`LAMBDA_TASK_ROOT`). */
export const INVENTORY_FILE = 'sentinel-inventory.json';

function isInventory(value: unknown): value is DependencyInventory {
  const v = value as DependencyInventory | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.format === 'sentinel-inventory/1' &&
    Array.isArray(v.packages) &&
    v.packages.every((p) => typeof p?.name === 'string' && typeof p.version === 'string')
  );
}

/**
 * The inventory this function was deployed with: the one its bundle carries, else the
 * `sentinel-inventory.json` beside an unbundled deployment; undefined when it has neither.
 */
export function deployedInventory(
  env: Record<string, string | undefined> = process.env,
): DependencyInventory | undefined {
  const bundled = (globalThis as Record<symbol, unknown>)[INVENTORY_SYMBOL];
  if (isInventory(bundled)) return bundled;
  const root = env.LAMBDA_TASK_ROOT;
  if (!root) return undefined;
  const file = join(root, INVENTORY_FILE);
  if (!fs.existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  return isInventory(parsed) ? parsed : undefined;
}

/** `name@version` for each package, sorted: what the `dependency_inventory` line lists. */
export function inventoryList(inventory: DependencyInventory): string[] {
  return inventory.packages.map((p) => `${p.name}@${p.version}`).sort();
}

/**
 * A short digest of the list (`sha256:` and 16 hex digits): two functions with the same hash run
 * the same dependency tree, so Logs Insights can group by it.
 */
export function inventoryHash(list: readonly string[]): string {
  return `sha256:${createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 16)}`;
}
