import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FunctionResource } from './checks.ts';

/** The Sentinel packages that provide middlewares; importing one of them counts. */
export const MIDDLEWARE_PACKAGES = [
  '@lambda-sentinel/preset',
  '@lambda-sentinel/logger',
  '@lambda-sentinel/metrics',
  '@lambda-sentinel/sdk-capture',
  '@lambda-sentinel/trace-annotations',
  '@lambda-sentinel/source-allowlist',
  '@lambda-sentinel/runtime-guard',
];

const isMiddleware = (specifier: string) =>
  MIDDLEWARE_PACKAGES.some((name) => specifier === name || specifier.startsWith(`${name}/`));

/** Where a function's code is: a file on disk, inline code, or nowhere the audit can read. */
export type HandlerSource = { file: string } | { inline: string } | undefined;

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'];

/**
 * The handler's source: SAM's esbuild `EntryPoints[0]` under `CodeUri`, else `CodeUri` (or a local
 * `Code` path) joined with the handler's file (`app/index.handler` → `app/index.{ts,js,mjs,...}`),
 * or `Code.ZipFile`. Undefined for code in S3 or an image.
 */
export function handlerSource(fn: FunctionResource, templateDir: string): HandlerSource {
  const { properties, metadata } = fn;
  const code = properties.Code as { ZipFile?: unknown } | string | undefined;
  if (typeof code === 'object' && typeof code?.ZipFile === 'string') return { inline: code.ZipFile };
  const codeDir =
    typeof properties.CodeUri === 'string' ? properties.CodeUri : typeof code === 'string' ? code : undefined;
  if (codeDir === undefined || /^s3:\/\//.test(codeDir)) return undefined;
  const base = resolve(templateDir, codeDir);
  const entryPoints = (metadata.BuildProperties as { EntryPoints?: unknown } | undefined)?.EntryPoints;
  if (
    metadata.BuildMethod === 'esbuild' &&
    Array.isArray(entryPoints) &&
    typeof entryPoints[0] === 'string'
  ) {
    const file = resolve(base, entryPoints[0]);
    return existsSync(file) ? { file } : undefined;
  }
  const handler = properties.Handler;
  if (typeof handler !== 'string' || !handler.includes('.')) return undefined;
  const stem = join(base, handler.slice(0, handler.lastIndexOf('.')));
  for (const extension of EXTENSIONS) {
    const file = `${stem}${extension}`;
    if (existsSync(file) && statSync(file).isFile()) return { file };
  }
  return undefined;
}

/**
 * Whether the handler's code, followed through its local imports, imports a Sentinel middleware
 * package. esbuild resolves the imports (TypeScript, tsconfig paths, `import type` erased), with
 * every package left external so nothing outside the function's own code is read. Undefined when
 * the code cannot be built (a syntax error, a missing local file).
 */
export async function usesSentinel(
  source: NonNullable<HandlerSource>,
  templateDir: string,
): Promise<boolean | undefined> {
  const { build } = await import('esbuild');
  try {
    const result = await build({
      ...('file' in source
        ? { entryPoints: [source.file], absWorkingDir: dirname(source.file) }
        : {
            stdin: { contents: source.inline, resolveDir: templateDir, loader: 'js' },
            absWorkingDir: templateDir,
          }),
      bundle: true,
      write: false,
      metafile: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    return Object.values(result.metafile.inputs).some((input) =>
      input.imports.some((imported) => imported.external === true && isMiddleware(imported.path)),
    );
  } catch {
    return undefined;
  }
}
