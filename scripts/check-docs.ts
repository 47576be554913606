// Browser check of the built docs site (run by `pnpm test:docs` after `pnpm docs:build`).
// Serves docs/.vitepress/dist on loopback, opens it in Debian's Chromium through playwright-core,
// checks the home page renders, then follows every internal nav, sidebar and content link:
// each must answer 200, render an h1, and raise no console or page error.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const distDir = fileURLToPath(new URL('../docs/.vitepress/dist/', import.meta.url));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const pageTimeoutMs = 15_000;
// Generous: a loaded 2-core machine takes minutes for the API reference; this only stops a hang.
const overallTimeoutMs = 900_000;
const TABS = 3;
const maxPages = 500;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Maps a URL path to a file in dist the way a clean-URL host does: /x → x, x.html or x/index.html. */
async function resolveFile(urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const base = normalize(join(distDir, decoded));
  if (!base.startsWith(distDir) && base + sep !== distDir) return undefined; // no path traversal
  const candidates = decoded.endsWith('/')
    ? [join(base, 'index.html')]
    : [base, `${base}.html`, join(base, 'index.html')];
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  return undefined;
}

function startServer(): Promise<Server> {
  const server = createServer(async (req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = await resolveFile(urlPath);
    const status = file ? 200 : 404;
    const body = await readFile(file ?? join(distDir, '404.html')).catch(() => Buffer.from('not found'));
    res.writeHead(status, {
      'content-type': contentTypes[file ? extname(file) : '.html'] ?? 'application/octet-stream',
    });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Internal page links in the nav bar, the sidebar and the page content, without fragments. */
async function internalLinks(page: Page, origin: string): Promise<string[]> {
  const hrefs = await page.$$eval('.VPNav a[href], .VPSidebar a[href], .VPContent a[href]', (anchors) =>
    anchors.map((a) => a.getAttribute('href') ?? ''),
  );
  const links = new Set<string>();
  for (const href of hrefs) {
    const url = new URL(href, page.url());
    // Pages only: a link to an asset (an image, a download) has no h1 to check.
    if (url.origin !== origin || /\.(?!html$)[a-z0-9]+$/i.test(url.pathname)) continue;
    url.hash = '';
    links.add(url.href);
  }
  return [...links];
}

async function main(): Promise<void> {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`no built site in ${distDir}: run \`pnpm docs:build\` first`);
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: install Debian's chromium or set CHROMIUM_PATH`);
  }

  const failures: string[] = [];
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    server = await startServer();
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      timeout: pageTimeoutMs,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // A tab with the checks attached: its console errors, page errors, failed responses and
    // requests are failures of the page it is on.
    const openTab = async () => {
      const page = await browser!.newPage();
      page.setDefaultTimeout(pageTimeoutMs);
      const tab = { page, current: '/' };
      page.on('console', (msg) => {
        if (msg.type() === 'error')
          failures.push(`${tab.current}: console error: ${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (error) => failures.push(`${tab.current}: page error: ${error.message}`));
      page.on('response', (response) => {
        if (response.status() >= 400)
          failures.push(`${tab.current}: HTTP ${response.status()} for ${response.url()}`);
      });
      page.on('requestfailed', (request) => {
        const reason = request.failure()?.errorText ?? 'unknown';
        // Aborted requests are the browser cancelling prefetches when we navigate away, not site defects.
        if (!reason.includes('ERR_ABORTED'))
          failures.push(`${tab.current}: request failed: ${request.url()} (${reason})`);
      });
      return tab;
    };

    // Home page: renders with the site title and the hero text.
    const first = await openTab();
    const { page } = first;
    const home = await page.goto(`${origin}/`, { waitUntil: 'networkidle' });
    if (home?.status() !== 200) failures.push(`/: HTTP ${home?.status()}`);
    const title = await page.title();
    if (!title.includes('Lambda Sentinel'))
      failures.push(`/: title is "${title}", expected "Lambda Sentinel"`);
    const hero = page.locator('.VPHero .name');
    await hero.waitFor({ state: 'visible' });
    if (!(await hero.textContent())?.includes('Lambda Sentinel'))
      failures.push('/: hero does not name Lambda Sentinel');
    if (!(await page.locator('.VPHero .text').isVisible())) failures.push('/: hero text is not visible');

    // Every internal link reachable from the home page's and each visited page's nav, sidebar and
    // content, visited by a few tabs at once: with the API reference there are a few hundred pages,
    // and one tab spends most of its time waiting for the next page to load.
    const visited = new Set<string>([`${origin}/`]);
    const queue = await internalLinks(page, origin);
    const linksSeen = new Set<string>(queue);
    const crawl = async (tab: Awaited<ReturnType<typeof openTab>>) => {
      while (queue.length > 0 && visited.size < maxPages) {
        const url = queue.shift()!;
        if (visited.has(url)) continue;
        visited.add(url);
        tab.current = new URL(url).pathname;
        // `load`, not `networkidle` (half a second of quiet per page): the h1 check below waits
        // for the rendered content anyway.
        const response = await tab.page.goto(url, { waitUntil: 'load' }).catch((error: Error) => {
          failures.push(`${tab.current}: navigation failed: ${error.message}`);
          return null;
        });
        if (!response) continue;
        if (response.status() !== 200) failures.push(`${tab.current}: HTTP ${response.status()}`);
        const h1 = tab.page.locator('.VPContent h1').first();
        const rendered = await h1.waitFor({ state: 'visible' }).then(
          () => true,
          () => false,
        );
        if (!rendered || !(await h1.textContent())?.trim()) failures.push(`${tab.current}: no rendered h1`);
        for (const link of await internalLinks(tab.page, origin)) {
          linksSeen.add(link);
          if (!visited.has(link)) queue.push(link);
        }
      }
    };
    // A tab that finds the queue empty stops; the others still add and visit what they find.
    const tabs = [first, ...(await Promise.all(Array.from({ length: TABS - 1 }, openTab)))];
    await Promise.all(tabs.map(crawl));
    console.log(`check-docs: ${visited.size} pages checked, ${linksSeen.size} internal links checked`);
  } finally {
    await browser?.close().catch(() => {});
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  }

  if (failures.length > 0) {
    throw new Error(`docs check failed (${failures.length}):\n  ${failures.join('\n  ')}`);
  }
}

// A hung browser must not hang CI.
const watchdog = setTimeout(() => {
  console.error(`check-docs: timed out after ${overallTimeoutMs / 1000}s`);
  process.exit(1);
}, overallTimeoutMs);
watchdog.unref();

const started = performance.now();
try {
  await main();
  console.log(`check-docs: ok in ${((performance.now() - started) / 1000).toFixed(1)}s`);
} catch (error) {
  console.error(`check-docs: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
