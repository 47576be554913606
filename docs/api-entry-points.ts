/**
 * The API reference documents what a user can import: every entry point in the
 * `exports` of every published (non-private) package under packages/. Read from
 * the package.json files at build time, so a new package or a new subpath
 * export is documented (and its TSDoc checked) without touching the docs config.
 *
 * Also a TypeDoc plugin (`load`): each entry point's module is named by its import
 * specifier (`@lambda-sentinel/sdk-capture/otel`) instead of its path (`sdk-capture/src/otel`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Application, Comment, Converter, ReflectionKind } from 'typedoc';

const packagesDir = resolve(import.meta.dirname, '../packages');

interface PackageJson {
  name: string;
  description?: string;
  private?: boolean;
  exports?: string | Record<string, unknown>;
}

export interface EntryPoint {
  /** The import specifier, e.g. `@lambda-sentinel/sdk-capture/otel`. */
  specifier: string;
  /** The TypeScript source of that entry point. */
  file: string;
  /** The package's `description`. */
  description?: string;
}

/** The source file an `exports` target stands for: `./src/x.ts` as is, a built `./dist/x.js` as `./src/x.ts`. */
function sourceOf(target: unknown): string | undefined {
  if (typeof target === 'object' && target !== null) {
    const conditions = target as Record<string, unknown>;
    return sourceOf(conditions.types ?? conditions.import ?? conditions.default);
  }
  if (typeof target !== 'string') return undefined;
  return target.replace(/^\.\/dist\/(.*?)(\.d)?\.js$/, './src/$1.ts');
}

export function publicEntryPoints(): EntryPoint[] {
  const entryPoints: EntryPoint[] = [];
  for (const dir of readdirSync(packagesDir)) {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageJson;
    if (manifest.private) continue;
    const exports =
      typeof manifest.exports === 'string' ? { '.': manifest.exports } : (manifest.exports ?? {});
    for (const [subpath, target] of Object.entries(exports)) {
      const source = sourceOf(target);
      if (!source?.endsWith('.ts')) continue;
      entryPoints.push({
        specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`,
        file: resolve(packagesDir, dir, source),
        ...(manifest.description ? { description: manifest.description } : {}),
      });
    }
  }
  return entryPoints.sort((a, b) => a.specifier.localeCompare(b.specifier));
}

/**
 * TypeDoc plugin: names each entry point's module by its import specifier, and describes it
 * with its package's `description` when the entry point has no module comment of its own.
 */
export function load(app: Application): void {
  const byFile = new Map(publicEntryPoints().map((entry) => [entry.file, entry]));
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const entry = file ? byFile.get(resolve(file)) : undefined;
    if (!entry) return;
    reflection.name = entry.specifier;
    if (!reflection.comment && entry.description) {
      reflection.comment = new Comment([{ kind: 'text', text: entry.description }]);
    }
  });
}
