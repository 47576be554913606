import { esc, FONT, textWidth } from './svg.ts';

/**
 * Small SVG bar charts, drawn without a browser: one bar per invocation (in
 * run order, coloured by function, step numbers under them) or one bar per
 * category. Labels that would collide are left out rather than drawn on top
 * of each other; the report's browser test checks that none overlap.
 */
export interface Bar {
  value: number;
  colour: string;
  /** Tooltip. */
  title: string;
  /** Drawn under the bar when it starts a new group (a step number); consecutive bars share one. */
  group?: string;
}

export interface LegendItem {
  label: string;
  colour: string;
}

const WIDTH = 560;
const TICK_SIZE = 10;
const TITLE_SIZE = 13;

/** 1, 2, 5 × 10^n at or above `value`. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function legend(items: readonly LegendItem[], top: number, left: number): { svg: string; height: number } {
  const parts: string[] = [];
  let x = left;
  let y = top;
  for (const item of items) {
    const width = 14 + textWidth(item.label, TICK_SIZE) + 14;
    if (x + width > WIDTH && x > left) {
      x = left;
      y += 16;
    }
    parts.push(
      `<rect x="${x}" y="${y}" width="10" height="10" fill="${item.colour}"/><text class="legend" x="${x + 14}" y="${y + 9}" font-size="${TICK_SIZE}">${esc(item.label)}</text>`,
    );
    x += width;
  }
  return { svg: parts.join(''), height: items.length ? y - top + 16 : 0 };
}

/** Vertical bars over a value axis with ticks at 0, half and the top. */
export function barChart(options: {
  name: string;
  title: string;
  unit: string;
  bars: readonly Bar[];
  legend: readonly LegendItem[];
  /** A dashed line at this value (a budget). */
  limit?: { value: number; label: string };
}): string {
  const top = Math.max(...options.bars.map((b) => b.value), options.limit?.value ?? 0);
  const ceiling = niceCeiling(top);
  const tickLabels = [ceiling, ceiling / 2, 0].map((v) => `${Number(v.toPrecision(3))} ${options.unit}`);
  const left = 8 + Math.max(...tickLabels.map((t) => textWidth(t, TICK_SIZE)));
  const plotTop = TITLE_SIZE + 14;
  const plotHeight = 120;
  const plotWidth = WIDTH - left - 10;
  const axisY = plotTop + plotHeight;
  const y = (value: number) => axisY - (value / ceiling) * plotHeight;
  const slot = plotWidth / Math.max(options.bars.length, 1);
  const barWidth = Math.max(2, Math.min(24, slot * 0.7));

  const parts: string[] = [
    `<text class="chart-title" x="0" y="${TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="bold">${esc(options.title)}</text>`,
  ];
  tickLabels.forEach((label, i) => {
    const ty = plotTop + (i * plotHeight) / 2;
    parts.push(
      `<line x1="${left}" x2="${WIDTH - 10}" y1="${ty}" y2="${ty}" stroke="#e4e7eb"/>`,
      `<text class="tick" x="${left - 6}" y="${ty + 4}" font-size="${TICK_SIZE}" text-anchor="end" fill="#545b64">${esc(label)}</text>`,
    );
  });
  let lastGroup: string | undefined;
  let lastLabelEnd = -Infinity;
  options.bars.forEach((bar, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    const height = Math.max(1, axisY - y(bar.value));
    parts.push(
      `<rect class="bar" x="${x.toFixed(1)}" y="${(axisY - height).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" fill="${bar.colour}"><title>${esc(bar.title)}</title></rect>`,
    );
    if (bar.group !== undefined && bar.group !== lastGroup) {
      lastGroup = bar.group;
      const width = textWidth(bar.group, TICK_SIZE);
      const cx = x + barWidth / 2;
      if (cx - width / 2 > lastLabelEnd + 4) {
        parts.push(
          `<text class="tick" x="${cx.toFixed(1)}" y="${axisY + 14}" font-size="${TICK_SIZE}" text-anchor="middle" fill="#545b64">${esc(bar.group)}</text>`,
        );
        lastLabelEnd = cx + width / 2;
      }
    }
  });
  if (options.limit) {
    const ly = y(options.limit.value);
    parts.push(
      `<line class="limit" x1="${left}" x2="${WIDTH - 10}" y1="${ly}" y2="${ly}" stroke="#d13212" stroke-dasharray="4 3"/>`,
      `<text class="limit-label" x="${WIDTH - 12}" y="${ly - 4}" font-size="${TICK_SIZE}" text-anchor="end" fill="#d13212">${esc(options.limit.label)}</text>`,
    );
  }
  parts.push(`<line x1="${left}" x2="${WIDTH - 10}" y1="${axisY}" y2="${axisY}" stroke="#545b64"/>`);
  const key = legend(options.legend, axisY + 26, left);
  parts.push(key.svg);
  const height = axisY + 26 + key.height + 4;
  return `<svg class="chart" data-chart="${esc(options.name)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family='${FONT}' role="img" aria-label="${esc(options.title)}">${parts.join('')}</svg>`;
}

/** Horizontal bars, one per category, labelled on the left and valued on the right. */
export function categoryChart(options: {
  name: string;
  title: string;
  rows: ReadonlyArray<{ label: string; value: number; colour: string }>;
}): string {
  const left = 8 + Math.max(0, ...options.rows.map((r) => textWidth(r.label, 11)));
  const top = Math.max(...options.rows.map((r) => r.value), 1);
  const plotWidth = WIDTH - left - 50;
  const parts: string[] = [
    `<text class="chart-title" x="0" y="${TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="bold">${esc(options.title)}</text>`,
  ];
  options.rows.forEach((row, i) => {
    const y = TITLE_SIZE + 14 + i * 26;
    const width = Math.max(2, (row.value / top) * plotWidth);
    parts.push(
      `<text class="tick" x="${left - 8}" y="${y + 13}" font-size="11" text-anchor="end">${esc(row.label)}</text>`,
      `<rect class="bar" x="${left}" y="${y}" width="${width.toFixed(1)}" height="18" fill="${row.colour}"><title>${esc(`${row.label}: ${row.value}`)}</title></rect>`,
      `<text class="value" x="${(left + width + 6).toFixed(1)}" y="${y + 13}" font-size="11">${row.value}</text>`,
    );
  });
  const height = TITLE_SIZE + 14 + options.rows.length * 26 + 6;
  return `<svg class="chart" data-chart="${esc(options.name)}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family='${FONT}' role="img" aria-label="${esc(options.title)}">${parts.join('')}</svg>`;
}
