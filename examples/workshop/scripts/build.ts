/**
 * `pnpm --filter @lambda-sentinel/example-workshop build`: one self-contained
 * ESM bundle per function in dist/<name>/index.mjs, the way `sam build`
 * (BuildMethod: esbuild) packages them.
 *
 * Each bundle carries its dependency inventory (@lambda-sentinel/audit's
 * esbuild plugin). Everything is bundled, the AWS SDK included: the SDK version Lambda ships
 * in the runtime may differ from the one the code was tested with.
 */
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { sentinelInventory } from '@lambda-sentinel/audit/esbuild';
import { build } from 'esbuild';
import { FUNCTION_SOURCES } from '../local/functions.ts';

const root = resolve(import.meta.dirname, '..');

// Some bundled CommonJS dependencies call require(); ESM output has none unless we provide it.
const requireShim =
  "import { createRequire as __sentinelCreateRequire } from 'node:module';\nconst require = __sentinelCreateRequire(import.meta.url);";

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

for (const [name, entry] of Object.entries(FUNCTION_SOURCES)) {
  const outfile = resolve(root, 'dist', name, 'index.mjs');
  await build({
    entryPoints: [resolve(root, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node', // node builtins (node:sqlite, node:crypto, ...) stay imports
    target: 'node22',
    sourcemap: true,
    minify: true,
    banner: { js: requireShim },
    // The dependency inventory the logger writes on each cold start (docs: fleet hygiene).
    plugins: [sentinelInventory()],
    logLevel: 'warning',
  });
  const size = statSync(outfile).size;
  const map = statSync(`${outfile}.map`).size;
  console.log(
    `${name.padEnd(24)} ${relative(root, outfile).padEnd(42)} ${kib(size).padStart(10)} (+ ${kib(map)} map)`,
  );
}
