import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The guide in reading order: start, the ideas, one page per middleware (outside
 * in, then the building blocks), deployment. Used by the sidebar and the guide's
 * index page. A page added to docs/guide/ without a place here still appears, in
 * "More", so nobody's page goes missing; give it a place when it lands.
 */
const ORDER: ReadonlyArray<{ text: string; files: readonly string[] }> = [
  { text: 'Getting started', files: ['getting-started', 'tutorial-demo'] },
  { text: 'Concepts', files: ['design', 'tracing-backends', 'durable-and-streaming'] },
  {
    text: 'Middlewares',
    files: [
      'preset',
      'logger',
      'metrics',
      'sdk-capture',
      'trace-annotations',
      'source-allowlist',
      'runtime-guard',
      'core',
      'redact',
    ],
  },
  { text: 'Deployment', files: ['bundling', 'deploy-sam', 'fleet-hygiene'] },
];

const guideDir = fileURLToPath(new URL('../guide/', import.meta.url));

export interface GuidePage {
  title: string;
  url: string;
}

/** A page's title is its first `# ` heading. */
function page(file: string): GuidePage {
  const heading = readFileSync(`${guideDir}${file}.md`, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('# '));
  return { title: heading ? heading.slice(2).trim() : file, url: `/guide/${file}` };
}

export function guideSections(): Array<{ text: string; pages: GuidePage[] }> {
  const onDisk = readdirSync(guideDir)
    .filter((file) => file.endsWith('.md') && file !== 'index.md')
    .map((file) => file.replace(/\.md$/, ''));
  const placed = new Set(ORDER.flatMap((section) => section.files));
  const sections = ORDER.map((section) => ({
    text: section.text,
    pages: section.files.filter((file) => onDisk.includes(file)).map(page),
  }));
  const more = onDisk.filter((file) => !placed.has(file)).sort();
  if (more.length > 0) sections.push({ text: 'More', pages: more.map(page) });
  return sections.filter((section) => section.pages.length > 0);
}
