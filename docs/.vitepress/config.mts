import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';
import { repositoryUrl } from '../repository.ts';
import { guideSections } from './guide-sections.ts';

function guideSidebar() {
  return [
    ...guideSections().map((section) => ({
      text: section.text,
      items: section.pages.map((page) => ({ text: page.title, link: page.url })),
    })),
    {
      text: 'Reference',
      items: [
        { text: 'API reference', link: '/api/' },
        { text: 'Benchmarks', link: '/benchmarks' },
      ],
    },
  ];
}

/** The API reference's sidebar, written by TypeDoc (typedoc-vitepress-theme) before VitePress builds. */
function apiSidebar() {
  const file = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
  if (!existsSync(file)) return [];
  return [
    { text: 'API reference', link: '/api/', items: JSON.parse(readFileSync(file, 'utf8')) },
    { text: 'Guide', link: '/guide/' },
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
      { theme: 'alt', text: 'API reference', link: '/api/' },
      { theme: 'alt', text: 'Source', link: repositoryUrl },
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
      { text: 'API', link: '/api/', activeMatch: '/api/' },
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar: {
      '/guide/': guideSidebar(),
      '/benchmarks': guideSidebar(),
      '/api/': apiSidebar(),
    },
    socialLinks: [{ icon: 'github', link: repositoryUrl, ariaLabel: 'Source on GitHub' }],
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
