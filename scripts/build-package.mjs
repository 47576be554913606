// `pnpm build` of one published package (run in its folder): a fresh dist/
// with JavaScript and declarations from tsc, then the declarations' relative
// imports pointed at .js files. Plain JavaScript so `prepack` can run it on
// any Node.
//
// tsc rewrites `./x.ts` to `./x.js` in the JavaScript it emits
// (rewriteRelativeImportExtensions) but leaves `./x.ts` in declaration files
// (microsoft/TypeScript#61037): TypeScript itself resolves those, other tools
// reading our .d.ts files (editors, API extractors, bundlers of types) look
// for a .ts file that is not shipped.
//
// No source or declaration maps (tsconfig.base.json): they would point at
// src/*.ts, which is not shipped, and shipping it would double the package
// for little gain — tsc's output of erasable-only TypeScript is the source
// minus its types, comments and line structure kept, so a stack trace into
// dist/*.js reads like the source.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Rewrites `from './x.ts'` and `import('./x.ts')` to `.js` in one declaration file's text. */
export function jsSpecifiers(text) {
  return text.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.\.?\/[^'"]*?)\.([cm]?)ts\2/gm,
    (_, lead, quote, path, kind) => `${lead}${quote}${path}.${kind}js${quote}`,
  );
}

function declarationFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.d\.[cm]?ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Builds the package in `dir` into `dir/dist`. */
export function buildPackage(dir) {
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  const tsc = join(
    dirname(createRequire(join(dir, 'package.json')).resolve('typescript/package.json')),
    'bin',
    'tsc',
  );
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  for (const file of declarationFiles(join(dir, 'dist'))) {
    const text = readFileSync(file, 'utf8');
    const rewritten = jsSpecifiers(text);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildPackage(process.cwd());
