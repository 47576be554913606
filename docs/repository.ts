import { readFileSync } from 'node:fs';

/**
 * The source repository's web address, for the site's source links: the packages' own
 * `repository` field (`git+https://github.com/o/r.git` → `https://github.com/o/r`), so there
 * is one place to change it; the same address before that field exists.
 */
function fromPackageJson(): string | undefined {
  const manifest = JSON.parse(
    readFileSync(new URL('../packages/core/package.json', import.meta.url), 'utf8'),
  );
  const url: unknown =
    typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  return typeof url === 'string' ? url.replace(/^git\+/, '').replace(/\.git$/, '') : undefined;
}

export const repositoryUrl = fromPackageJson() ?? 'https://github.com/lambda-sentinel/lambda-sentinel';
