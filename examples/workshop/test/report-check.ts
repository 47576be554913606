import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/**
 * Opens a report.html in Chromium (Debian's, through playwright-core, as
 * scripts/check-docs.ts does), takes a full-page screenshot and returns what
 * is wrong with what a person would see: text that overlaps other text in the
 * service map or a chart, a node's name outside its box, an edge label on a
 * node, a chart without a visible bar, a trace whose waterfall does not open.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The slice of the DOM the check reads (this code is type-checked without the DOM library). */
interface El {
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
}

export interface ReportCheck {
  problems: string[];
  charts: string[];
  traces: number;
}

export async function checkReport(file: string, screenshot?: string): Promise<ReportCheck> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: set CHROMIUM_PATH`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

    // Geometry, in the page: boxes of rendered text, tested pairwise.
    const found = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: El }).document;
      type Box = { x: number; y: number; w: number; h: number; text: string };
      const box = (el: El): Box => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, w: r.width, h: r.height, text: el.textContent ?? '' };
      };
      const meets = (a: Box, b: Box, slack = 0.5) =>
        a.x + slack < b.x + b.w &&
        b.x + slack < a.x + a.w &&
        a.y + slack < b.y + b.h &&
        b.y + slack < a.y + a.h;
      const inside = (a: Box, b: Box, slack = 0.5) =>
        a.x >= b.x - slack &&
        a.y >= b.y - slack &&
        a.x + a.w <= b.x + b.w + slack &&
        a.y + a.h <= b.y + b.h + slack;
      const problems: string[] = [];
      const overlapsIn = (where: string, texts: Box[]) => {
        for (let i = 0; i < texts.length; i++) {
          for (let j = i + 1; j < texts.length; j++) {
            if (meets(texts[i]!, texts[j]!)) {
              problems.push(`${where}: "${texts[i]!.text}" overlaps "${texts[j]!.text}"`);
            }
          }
        }
      };

      const map = document.querySelector('svg.service-map');
      if (!map) problems.push('no service map');
      else {
        const nodes = [...map.querySelectorAll('g.node')];
        if (nodes.length < 3) problems.push(`service map: ${nodes.length} nodes`);
        const boxes = nodes.map((node) => box(node.querySelector('.node-box')!));
        for (const [i, node] of nodes.entries()) {
          const name = box(node.querySelector('.node-name')!);
          if (!inside(name, boxes[i]!))
            problems.push(`service map: the name "${name.text}" spills out of its box`);
          for (const stat of node.querySelectorAll('.stat')) {
            if (!inside(box(stat), boxes[i]!))
              problems.push(`service map: "${stat.textContent}" spills out of its node`);
          }
        }
        const labels = [...map.querySelectorAll('g.edge-label')];
        if (labels.length < nodes.length - 1) problems.push(`service map: ${labels.length} edge labels`);
        for (const label of labels) {
          const text = box(label.querySelector('text')!);
          if (!inside(text, box(label.querySelector('rect')!)))
            problems.push(`service map: edge label "${text.text}" spills out of its box`);
          for (const [i, nodeBox] of boxes.entries()) {
            if (meets(text, nodeBox))
              problems.push(
                `service map: edge label "${text.text}" lies on node ${nodes[i]!.getAttribute('data-name')}`,
              );
          }
        }
        overlapsIn('service map', [...map.querySelectorAll('text')].map(box));
      }

      const charts = [...document.querySelectorAll('svg.chart')];
      for (const chart of charts) {
        const name = chart.getAttribute('data-chart') ?? '?';
        const bars = [...chart.querySelectorAll('rect.bar')].map(box).filter((b) => b.w >= 1 && b.h >= 1);
        if (bars.length === 0) problems.push(`chart ${name}: empty (no visible bar)`);
        overlapsIn(`chart ${name}`, [...chart.querySelectorAll('text')].map(box));
      }
      return {
        problems,
        charts: charts.map((c) => c.getAttribute('data-chart') ?? '?'),
        traces: document.querySelectorAll('details.trace').length,
      };
    });
    problems.push(...found.problems);

    // A trace opens on a click into a waterfall whose bars are drawn, and a span opens on a click
    // into its annotations.
    const trace = page.locator('details.trace').last();
    if ((await trace.count()) === 0) problems.push('no trace');
    else {
      await trace.locator('summary').first().click();
      const bars = await trace
        .locator('.wf-bar')
        .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
      if (bars.length === 0 || bars.some((w) => w < 1))
        problems.push(`waterfall: bars of width ${bars.join(', ')}`);
      const span = trace.locator('details.span').first();
      await span.locator('summary').click();
      if (!(await span.locator('table.kv').isVisible())) problems.push('a span opened shows no annotations');
      if ((await trace.locator('ol.log-lines li').count()) === 0)
        problems.push('an opened trace shows no log lines');
    }
    return { problems, charts: found.charts, traces: found.traces };
  } finally {
    await browser.close();
  }
}
