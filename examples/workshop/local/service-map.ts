import type { SpanView } from '@lambda-sentinel/testing';
import type { Invocation } from './api-gateway.ts';

/**
 * A service map like the X-Ray console's, built from the spans the local
 * daemon received (from either tracing backend): client → API Gateway → functions → downstream services,
 * with call counts, average latency and faults. Rendered as Mermaid and as a
 * self-contained HTML page (inline SVG, no scripts).
 */
interface Edge {
  from: string;
  to: string;
  calls: number;
  totalMs: number;
  faults: number;
}

function downstreamName(span: SpanView): string | undefined {
  if (span.namespace === 'aws') return span.name;
  if (span.namespace === 'remote')
    return span.sql ? `${span.sql.databaseType ?? 'SQL'} ${span.name}` : span.name;
  return undefined;
}

export function buildServiceMap(
  invocations: readonly Invocation[],
  spansOfTrace: (root: string) => SpanView[],
) {
  const edges = new Map<string, Edge>();
  const add = (from: string, to: string, ms: number, fault: boolean) => {
    const key = `${from}→${to}`;
    const edge = edges.get(key) ?? { from, to, calls: 0, totalMs: 0, faults: 0 };
    edge.calls += 1;
    edge.totalMs += ms;
    if (fault) edge.faults += 1;
    edges.set(key, edge);
  };
  for (const inv of invocations) {
    add(inv.via === 'api' ? 'API Gateway' : 'Direct invoke', inv.function, 0, Boolean(inv.result.error));
    const spans = spansOfTrace(inv.traceRoot);
    const byId = new Map(spans.map((s) => [s.id, s]));
    const belongs = (span: SpanView) => {
      for (let cur: SpanView | undefined = span, hops = 0; cur && hops < 50; hops++) {
        if (cur.parentId === inv.parentId) return true;
        cur = cur.parentId ? byId.get(cur.parentId) : undefined;
      }
      return false;
    };
    for (const span of spans) {
      const name = downstreamName(span);
      if (!name || !belongs(span)) continue;
      const ms = span.end && span.start ? (span.end - span.start) * 1000 : 0;
      add(inv.function, name, ms, span.fault || span.error);
    }
  }
  const list = [...edges.values()];
  if (list.some((e) => e.from === 'API Gateway'))
    list.unshift({ from: 'Client', to: 'API Gateway', calls: 0, totalMs: 0, faults: 0 });
  return list;
}

const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
const label = (e: Edge) =>
  e.calls
    ? `${e.calls} call${e.calls > 1 ? 's' : ''}${e.totalMs ? `, avg ${(e.totalMs / e.calls).toFixed(1)} ms` : ''}${e.faults ? `, ${e.faults} faulted` : ''}`
    : '';

export function toMermaid(edges: readonly Edge[]): string {
  const lines = ['flowchart LR'];
  for (const e of edges) {
    const text = label(e);
    lines.push(`  ${id(e.from)}["${e.from}"] -->${text ? `|"${text}"|` : ''} ${id(e.to)}["${e.to}"]`);
  }
  return lines.join('\n') + '\n';
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function toHtml(edges: readonly Edge[], title = 'Customize Unicorns — service map'): string {
  // Columns by distance from the entry points; rows in order of appearance.
  const depth = new Map<string, number>();
  const entry = (n: string) => !edges.some((e) => e.to === n);
  for (const e of edges) if (entry(e.from)) depth.set(e.from, 0);
  for (let changed = true, guard = 0; changed && guard < 20; guard++) {
    changed = false;
    for (const e of edges) {
      const d = (depth.get(e.from) ?? 0) + 1;
      if ((depth.get(e.to) ?? -1) < d) {
        depth.set(e.to, d);
        changed = true;
      }
    }
  }
  const columns: string[][] = [];
  for (const [node, d] of depth) {
    columns[d] ??= [];
    columns[d].push(node);
  }
  const W = 230;
  const H = 90;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [c, nodes] of columns.entries()) {
    for (const [r, n] of nodes.entries()) pos.set(n, { x: 20 + c * W, y: 30 + r * H });
  }
  const width = 40 + columns.length * W;
  const height = 60 + Math.max(...columns.map((c) => c.length)) * H;
  const parts: string[] = [];
  for (const e of edges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const colour = e.faults ? '#d13212' : '#545b64';
    parts.push(
      `<line x1="${a.x + 170}" y1="${a.y + 22}" x2="${b.x}" y2="${b.y + 22}" stroke="${colour}" marker-end="url(#arrow)"/>`,
      `<text x="${(a.x + 170 + b.x) / 2}" y="${(a.y + b.y) / 2 + 16}" font-size="10" text-anchor="middle" fill="${colour}">${esc(label(e))}</text>`,
    );
  }
  for (const [n, p] of pos) {
    parts.push(
      `<rect x="${p.x}" y="${p.y}" width="170" height="44" rx="22" fill="#fff" stroke="#ff9900" stroke-width="2"/>`,
      `<text x="${p.x + 85}" y="${p.y + 27}" font-size="12" text-anchor="middle">${esc(n)}</text>`,
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#16191f}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head>
<body><h1>${esc(title)}</h1>
<p>Built from the spans the demo's local X-Ray daemon received, as the X-Ray console's service map would show them.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui,sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#545b64"/></marker></defs>
${parts.join('\n')}
</svg>
<table><thead><tr><th>from</th><th>to</th><th>calls</th><th>avg ms</th><th>faults</th></tr></thead><tbody>
${edges
  .filter((e) => e.calls)
  .map(
    (e) =>
      `<tr><td>${esc(e.from)}</td><td>${esc(e.to)}</td><td>${e.calls}</td><td>${e.totalMs ? (e.totalMs / e.calls).toFixed(1) : ''}</td><td>${e.faults}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
<h2>Mermaid</h2><pre>${esc(toMermaid(edges))}</pre>
</body></html>
`;
}
