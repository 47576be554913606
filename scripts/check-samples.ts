/**
 * Typechecks the ```ts code samples of the docs and READMEs against the
 * packages (strict, as tsconfig.base.json), so a sample that drifts from the
 * API fails `pnpm typecheck`.
 *
 * Each block becomes a module in a `.samples/` folder beside the package that
 * would run it — a package's README in that package, bench/README.md in
 * bench, the guide and the root README in docs (whose package depends on every
 * package the samples import) — so its imports resolve as they would for a
 * reader. Blank lines in front keep the line numbers of the Markdown file:
 * an error at `docs/.samples/guide-logger-1.mts(42,7)` is at line 42 of
 * docs/guide/logger.md.
 *
 * A block that is deliberately partial (a fragment inside a larger example)
 * opts out with ```ts nocheck. Keep that rare: docs/guide/testing.md says when.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

/** Which folder a Markdown file's samples run from. */
function homeOf(markdown: string): string {
  const [top, name] = markdown.split('/');
  if ((top === 'packages' || top === 'examples') && name && markdown.endsWith('/README.md'))
    return `${top}/${name}`;
  if (top === 'bench') return 'bench';
  return 'docs';
}

function markdownFiles(): string[] {
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: root,
    encoding: 'utf8',
  });
  return tracked
    .split('\n')
    .filter((file) => /^(docs\/(guide\/)?[^/]+\.md|(.*\/)?README\.md)$/.test(file))
    .sort();
}

interface Sample {
  markdown: string;
  /** 1-based line of the block's first code line. */
  line: number;
  code: string;
}

/** The ```ts blocks of a Markdown file, without those marked `nocheck`. */
export function samplesOf(markdown: string, text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(?:\s+(.*))?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    if (!(open[2] ?? '').split(/\s+/).includes('nocheck')) {
      samples.push({ markdown, line: start + 1, code: lines.slice(start, end).join('\n') });
    }
    i = end;
  }
  return samples;
}

const homes = new Map<string, Sample[]>();
for (const markdown of markdownFiles()) {
  const samples = samplesOf(markdown, readFileSync(join(root, markdown), 'utf8'));
  if (samples.length) homes.set(homeOf(markdown), [...(homes.get(homeOf(markdown)) ?? []), ...samples]);
}

const include: string[] = [];
let count = 0;
for (const [home, samples] of homes) {
  const folder = join(root, home, '.samples');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const seen = new Map<string, number>();
  for (const sample of samples) {
    const slug = relative(home === 'docs' ? 'docs' : home, sample.markdown)
      .replace(/\.md$/, '')
      .replace(/^\.\.\//, 'root-')
      .replace(/[^A-Za-z0-9]+/g, '-');
    const n = (seen.get(slug) ?? 0) + 1;
    seen.set(slug, n);
    // .mts: an ES module whatever the folder's package.json says (samples use top-level await).
    writeFileSync(join(folder, `${slug}-${n}.mts`), `${'\n'.repeat(sample.line - 1)}${sample.code}\n`);
    count++;
  }
  include.push(`${home}/.samples/*.mts`);
}

const tsconfig = join(root, '.samples.tsconfig.json');
writeFileSync(
  tsconfig,
  `${JSON.stringify(
    {
      extends: './tsconfig.base.json',
      compilerOptions: { noEmit: true, noUnusedLocals: false },
      include,
    },
    null,
    2,
  )}\n`,
);
try {
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig], { cwd: root, stdio: 'inherit' });
  console.log(`check-samples: ${count} ts samples from ${[...homes.keys()].length} places typecheck`);
} catch (error) {
  if ((error as { status?: unknown }).status === undefined) throw error; // tsc did not run at all
  console.error(
    `check-samples: a docs or README sample does not typecheck (the .mts name says which file; line numbers are the Markdown's). Fix it, or mark a deliberate fragment \`\`\`ts nocheck.`,
  );
  process.exitCode = 1;
} finally {
  rmSync(tsconfig, { force: true });
}
