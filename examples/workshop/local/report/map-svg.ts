import elk, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { edgeLabel, type MapNode, type ServiceMap } from '../service-map.ts';
import type { Health } from './model.ts';
import { esc, FONT, ms, textWidth } from './svg.ts';

/**
 * The service map as the X-Ray console draws it, as an SVG laid out by ELK's
 * layered algorithm (which places edge labels as nodes of their own, so no
 * label lands on another or on a node): each node a box holding a circle whose
 * ring shows its calls' health (ok, error, fault, throttle), its average
 * latency and call count inside, its name under it.
 */
export const HEALTH_COLOURS: Record<Health, string> = {
  ok: '#2ea44f',
  error: '#f89256',
  fault: '#d13212',
  throttle: '#8456ce',
};

const R = 30;
const RING = 6;
const NAME_SIZE = 12;
const LABEL_SIZE = 11;
const PAD = 10;

function nodeSize(node: MapNode): { width: number; height: number } {
  return {
    width: Math.max(2 * R + 2 * PAD + 8, textWidth(node.name, NAME_SIZE, true) + 2 * PAD),
    height: PAD + 2 * R + 8 + NAME_SIZE + PAD + 2,
  };
}

function ring(cx: number, cy: number, node: MapNode): string {
  const circumference = 2 * Math.PI * R;
  const total = Object.values(node.health).reduce((a, b) => a + b, 0);
  if (node.kind === 'client' || total === 0) {
    return `<circle cx="${cx}" cy="${cy}" r="${R}" fill="#fff" stroke="#8d99a8" stroke-width="2"/>`;
  }
  const arcs: string[] = [`<circle cx="${cx}" cy="${cy}" r="${R}" fill="#fff"/>`];
  let offset = 0;
  for (const health of ['ok', 'error', 'fault', 'throttle'] as const) {
    const share = node.health[health] / total;
    if (share === 0) continue;
    const length = share * circumference;
    arcs.push(
      `<circle class="ring ring-${health}" cx="${cx}" cy="${cy}" r="${R}" fill="none" stroke="${HEALTH_COLOURS[health]}" stroke-width="${RING}" stroke-dasharray="${length.toFixed(2)} ${(circumference - length).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" transform="rotate(-90 ${cx} ${cy})"><title>${esc(`${health}: ${node.health[health]} of ${total}`)}</title></circle>`,
    );
    offset += length;
  }
  return arcs.join('');
}

function drawNode(node: ElkNode, model: MapNode): string {
  const x = node.x ?? 0;
  const y = node.y ?? 0;
  const width = node.width ?? 0;
  const cx = x + width / 2;
  const cy = y + PAD + R;
  const inside =
    model.kind === 'client'
      ? `<text class="stat" x="${cx}" y="${cy + 4}" font-size="10" text-anchor="middle">${model.calls} call${model.calls === 1 ? '' : 's'}</text>`
      : `<text class="stat" x="${cx}" y="${cy - 2}" font-size="11" font-weight="bold" text-anchor="middle">${ms(model.totalMs / Math.max(model.calls, 1))} ms</text>` +
        `<text class="stat" x="${cx}" y="${cy + 12}" font-size="10" text-anchor="middle">${model.calls} call${model.calls === 1 ? '' : 's'}</text>`;
  const faults = model.health.fault + model.health.error + model.health.throttle;
  const title = `${model.name}: ${model.calls} calls${faults ? `, ${model.health.error} errors, ${model.health.fault} faults, ${model.health.throttle} throttles` : ''}`;
  return `<g class="node node-${model.kind}" data-name="${esc(model.name)}"><title>${esc(title)}</title>
<rect class="node-box" x="${x}" y="${y}" width="${width}" height="${node.height}" rx="8" fill="#fff" stroke="#c6ccd2"/>
${ring(cx, cy, model)}${inside}
<text class="node-name" x="${cx}" y="${y + PAD + 2 * R + 8 + NAME_SIZE}" font-size="${NAME_SIZE}" font-weight="bold" text-anchor="middle">${esc(model.name)}</text></g>`;
}

function drawEdge(edge: ElkExtendedEdge, colour: string): string {
  const parts: string[] = [];
  for (const section of edge.sections ?? []) {
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    parts.push(
      `<path class="edge-line" d="M${points.map((p) => `${p.x},${p.y}`).join(' L')}" fill="none" stroke="${colour}" stroke-width="1.5" marker-end="url(#arrow)"/>`,
    );
  }
  for (const label of edge.labels ?? []) {
    parts.push(
      `<g class="edge-label"><rect x="${label.x}" y="${label.y}" width="${label.width}" height="${label.height}" rx="3" fill="#fff" fill-opacity="0.9"/>` +
        `<text x="${(label.x ?? 0) + (label.width ?? 0) / 2}" y="${(label.y ?? 0) + LABEL_SIZE + 1}" font-size="${LABEL_SIZE}" text-anchor="middle" fill="${colour}">${esc(label.text)}</text></g>`,
    );
  }
  return parts.join('\n');
}

export async function serviceMapSvg(map: ServiceMap): Promise<string> {
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  const graph: ElkNode = {
    id: 'map',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.layered.spacing.edgeNodeBetweenLayers': '18',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
      'elk.spacing.nodeNode': '30',
      'elk.spacing.edgeNode': '14',
      'elk.spacing.edgeEdge': '12',
      'elk.spacing.edgeLabel': '4',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: map.nodes.map((n) => ({ id: n.id, ...nodeSize(n) })),
    edges: map.edges.map((e, i) => {
      const text = edgeLabel(e);
      return {
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        labels: [{ text, width: textWidth(text, LABEL_SIZE) + 8, height: LABEL_SIZE + 5 }],
      };
    }),
  };
  // elkjs is CommonJS typed as an ES module: its constructor is the `default` of what Node imports.
  const laid = await new elk.default().layout(graph);
  const edges = (laid.edges ?? []).map((edge, i) => {
    const model = map.edges[i]!;
    const colour = model.health.fault ? HEALTH_COLOURS.fault : model.health.error ? '#c45500' : '#545b64';
    return drawEdge(edge, colour);
  });
  const nodes = (laid.children ?? []).map((node) => drawNode(node, byId.get(node.id)!));
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);
  return `<svg class="service-map" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family='${FONT}' role="img" aria-label="Service map">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#545b64"/></marker></defs>
${edges.join('\n')}
${nodes.join('\n')}
</svg>`;
}
