import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReport } from './report-check.ts';

// The report's browser check must see what a person would: these pages are broken on purpose.
describe('the report check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const page = (body: string) => {
    const file = join(dir, `page-${Math.random().toString(36).slice(2)}.html`);
    writeFileSync(file, `<!doctype html><html><body>${body}</body></html>`);
    return file;
  };
  const node = (name: string, x: number, width: number) =>
    `<g class="node" data-name="${name}"><rect class="node-box" x="${x}" y="10" width="${width}" height="60"/><text class="node-name" x="${x + 5}" y="55" font-size="12">${name}</text></g>`;
  const label = (text: string, x: number, y: number) =>
    `<g class="edge-label"><rect x="${x}" y="${y}" width="90" height="16"/><text x="${x + 2}" y="${y + 12}" font-size="11">${text}</text></g>`;
  const map = (inner: string) => `<svg class="service-map" width="600" height="200">${inner}</svg>`;
  const chart = (bars: string) =>
    `<svg class="chart" data-chart="duration" width="300" height="100"><text x="0" y="12">Duration</text>${bars}</svg>`;
  const trace =
    '<details class="trace"><summary>1</summary><span class="wf-bar" style="display:inline-block;width:40px;height:8px"></span><details class="span"><summary>span</summary><table class="kv"><tr><td>a</td></tr></table></details><ol class="log-lines"><li>INFO x</li></ol></details>';

  it('passes a page where nothing overlaps and every chart has a bar', async () => {
    const file = page(
      map(
        node('Client', 10, 80) +
          node('API Gateway', 200, 110) +
          node('orders', 400, 80) +
          label('2 calls', 95, 120) +
          label('2 calls · 3.0 ms', 300, 120),
      ) +
        chart('<rect class="bar" x="20" y="40" width="10" height="50"/>') +
        trace,
    );
    expect((await checkReport(file)).problems).toEqual([]);
  });

  it('reports overlapping labels, a name outside its box, a label on a node and an empty chart', async () => {
    const file = page(
      map(
        node('Client', 10, 80) +
          node('unicorn_customization@sqlite', 200, 60) +
          node('orders', 400, 80) +
          label('7 calls · 25.6 ms', 95, 120) +
          label('1 call · 4.0 ms', 100, 124) +
          label('on a node', 405, 30),
      ) +
        chart('<rect class="bar" x="20" y="40" width="10" height="0"/>') +
        trace,
    );
    const { problems } = await checkReport(file);
    expect(problems).toContainEqual(
      'service map: the name "unicorn_customization@sqlite" spills out of its box',
    );
    expect(problems).toContainEqual('service map: "7 calls · 25.6 ms" overlaps "1 call · 4.0 ms"');
    expect(problems).toContainEqual('service map: edge label "on a node" lies on node orders');
    expect(problems).toContainEqual('chart duration: empty (no visible bar)');
  });
});
