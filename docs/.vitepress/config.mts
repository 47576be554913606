import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';

const guideDir = fileURLToPath(new URL('../guide/', import.meta.url));

/** The label of a guide page is its first `# ` heading (falls back to the file name). */
function pageTitle(file: string): string {
  const heading = readFileSync(guideDir + file, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('# '));
  return heading ? heading.slice(2).trim() : file.replace(/\.md$/, '');
}

/**
 * Built from the files on disk at build time, so every page another engineer adds
 * to docs/guide/ appears without touching this config. Getting started comes first,
 * the index page is the section link, the rest follow alphabetically.
 */
function guideSidebar() {
  const pages = readdirSync(guideDir)
    .filter((file) => file.endsWith('.md') && file !== 'index.md')
    .sort((a, b) => {
      if (a === 'getting-started.md') return -1;
      if (b === 'getting-started.md') return 1;
      return a.localeCompare(b);
    });
  return [
    {
      text: 'Guide',
      link: '/guide/',
      items: pages.map((file) => ({ text: pageTitle(file), link: `/guide/${file.replace(/\.md$/, '')}` })),
    },
    { text: 'Reference', items: [{ text: 'Benchmarks', link: '/benchmarks' }] },
  ];
}

/**
 * The home page's hero and features. They live here rather than in docs/index.md's YAML front matter
 * because the repository's formatter (Biome) reflows front matter as Markdown and breaks the YAML.
 */
const home = {
  layout: 'home',
  hero: {
    name: 'Lambda Sentinel',
    text: 'Observable and defensible AWS Lambda functions',
    tagline:
      'Composable Middy middlewares that trace every call, log without secrets, measure every invocation and refuse unexpected callers.',
    actions: [
      { theme: 'brand', text: 'Get started', link: '/guide/getting-started' },
      { theme: 'alt', text: 'Guide', link: '/guide/' },
      { theme: 'alt', text: 'Benchmarks', link: '/benchmarks' },
    ],
  },
  features: [
    {
      title: 'Traces and security annotations, X-Ray or OpenTelemetry',
      details:
        'A "## handler" span with AWS SDK v3, HTTP and SQL calls nested under it, every trace annotated with the service, owner, lifecycle, cold start, invocation source and principal — through the X-Ray SDK or OpenTelemetry, bundled or not.',
    },
    {
      title: 'Redacted structured logs',
      details:
        'A Powertools Logger whose every line goes through the redactor: access keys, JWTs, credentials, private keys, card numbers, emails and more never reach CloudWatch Logs.',
    },
    {
      title: 'EMF metrics with budgets and alarms',
      details:
        'Duration, CPU, memory, event-loop blocking and security events as CloudWatch Embedded Metric Format, published on success and on error, with budgets and alarms on top.',
    },
    {
      title: 'Invocation-source allowlisting',
      details:
        'Every event is classified (API Gateway, SQS, S3, EventBridge and 23 more kinds) and refused unless it comes from a source you allowed: a 403 for HTTP kinds, a typed error otherwise.',
    },
    {
      title: 'Built on what Lambda users already trust',
      details:
        'Middy 7, Powertools for AWS Lambda, aws-xray-sdk-core, OpenTelemetry JS and the AWS SDK v3. Use one middleware, or all of them in the right order through the sentinel() preset.',
    },
    {
      title: 'Safe under concurrency',
      details:
        'Per-invocation state lives per invocation, so Lambda Managed Instances running many invocations in one process keep their traces, logs and metrics apart.',
    },
  ],
};

export default defineConfig({
  transformPageData(pageData) {
    if (pageData.relativePath === 'index.md') Object.assign(pageData.frontmatter, home);
  },
  title: 'Lambda Sentinel',
  description: 'Composable Middy middlewares that make AWS Lambda functions observable and defensible.',
  // An explicit icon, or browsers ask for /favicon.ico and log a 404.
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  cleanUrls: true,
  // A link to a page that does not exist must fail the build, not ship.
  ignoreDeadLinks: false,
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '/guide/' },
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar: {
      '/guide/': guideSidebar(),
      '/benchmarks': guideSidebar(),
    },
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
