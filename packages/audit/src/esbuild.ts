import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { type DependencyInventory, inventoryFromMetafile, withInventory } from './inventory.ts';

export type { DependencyInventory, InventoryPackage } from './inventory.ts';

/** Options of {@link sentinelInventory}. */
export interface SentinelInventoryOptions {
  /** Called with each entry output's path and inventory (e.g. to keep a copy for `sentinel-inventory diff --expected`). */
  onInventory?: (output: string, inventory: DependencyInventory) => void;
}

/**
 * An esbuild plugin that writes each entry point's dependency inventory (package, version,
 * license, from esbuild's metafile) into its bundle, where `@lambda-sentinel/logger` finds it on
 * each cold start and logs one `dependency_inventory` line. Works with `write: true` (the files
 * are rewritten) and `write: false` (the output files are replaced in the result).
 *
 * ```ts
 * import { build } from 'esbuild';
 * import { sentinelInventory } from '@lambda-sentinel/audit/esbuild';
 *
 * await build({ entryPoints: ['src/handler.ts'], bundle: true, platform: 'node', outdir: 'dist', plugins: [sentinelInventory()] });
 * ```
 */
export function sentinelInventory(options: SentinelInventoryOptions = {}): Plugin {
  return {
    name: 'lambda-sentinel-inventory',
    setup(build) {
      build.initialOptions.metafile = true;
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      build.onEnd((result) => {
        if (result.errors.length > 0 || !result.metafile) return;
        for (const [output, meta] of Object.entries(result.metafile.outputs)) {
          if (!meta.entryPoint || !/\.[cm]?js$/.test(output)) continue;
          const inventory = inventoryFromMetafile(result.metafile, output, workingDir);
          options.onInventory?.(output, inventory);
          const path = resolve(workingDir, output);
          const file = result.outputFiles?.find((f) => f.path === path);
          if (file) {
            const text = withInventory(file.text, inventory);
            // OutputFile's contents/text are getters; swap in a plain object with the new bytes.
            const contents = new TextEncoder().encode(text);
            const index = result.outputFiles?.indexOf(file) ?? -1;
            result.outputFiles?.splice(index, 1, { path, contents, hash: file.hash, text });
          } else {
            writeFileSync(path, withInventory(readFileSync(path, 'utf8'), inventory));
          }
        }
      });
    },
  };
}
