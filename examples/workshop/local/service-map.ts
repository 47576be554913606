import type { SpanView } from '@lambda-sentinel/testing';
import type { Health, ReportStep } from './report/model.ts';
import { ms } from './report/svg.ts';

/**
 * A service map like the X-Ray console's, built from the spans the local
 * daemon received (from either tracing backend): callers → API Gateway →
 * functions → the services they call. Each node counts its calls by health
 * (ok, error = 4xx, fault = 5xx, throttle) and their total latency; each edge
 * its calls and latency. Rendered as Mermaid here and as an SVG laid out by
 * ELK in report.html.
 */
export type NodeKind = 'client' | 'gateway' | 'function' | 'aws' | 'remote';

export interface Tally {
  calls: number;
  totalMs: number;
  /** Calls by health. */
  health: Record<Health, number>;
}

export interface MapNode extends Tally {
  id: string;
  name: string;
  kind: NodeKind;
}

export interface MapEdge extends Tally {
  from: string;
  to: string;
}

export interface ServiceMap {
  nodes: MapNode[];
  edges: MapEdge[];
}

const emptyHealth = (): Record<Health, number> => ({ ok: 0, error: 0, fault: 0, throttle: 0 });

/** X-Ray's reading of an HTTP status. */
export function healthOfStatus(status: number | undefined): Health {
  if (status === undefined || status < 400) return 'ok';
  if (status === 429) return 'throttle';
  return status < 500 ? 'error' : 'fault';
}

function spanHealth(span: SpanView): Health {
  if (span.throttle) return 'throttle';
  if (span.fault) return 'fault';
  return span.error ? 'error' : 'ok';
}

const spanMs = (span: SpanView) =>
  span.start !== undefined && span.end !== undefined ? (span.end - span.start) * 1000 : 0;

/** The service a span calls, as X-Ray names the downstream node; undefined for local work. */
function downstream(span: SpanView): { name: string; kind: NodeKind } | undefined {
  if (span.namespace === 'aws') return { name: span.name, kind: 'aws' };
  if (span.namespace === 'remote') return { name: span.name, kind: 'remote' };
  return undefined;
}

export function buildServiceMap(steps: readonly ReportStep[]): ServiceMap {
  const nodes = new Map<string, MapNode>();
  const edges = new Map<string, MapEdge>();
  const count = (tally: Tally, ms: number, health: Health) => {
    tally.calls += 1;
    tally.totalMs += ms;
    tally.health[health] += 1;
  };
  const node = (name: string, kind: NodeKind): MapNode => {
    let found = nodes.get(name);
    if (!found) {
      found = { id: `n${nodes.size}`, name, kind, calls: 0, totalMs: 0, health: emptyHealth() };
      nodes.set(name, found);
    }
    return found;
  };
  const edge = (from: MapNode, to: MapNode, ms: number, health: Health) => {
    const key = `${from.id}>${to.id}`;
    let found = edges.get(key);
    if (!found) {
      found = { from: from.id, to: to.id, calls: 0, totalMs: 0, health: emptyHealth() };
      edges.set(key, found);
    }
    count(found, ms, health);
  };

  for (const step of steps) {
    const viaApi = step.invocations.some((inv) => inv.caller === 'API Gateway');
    if (viaApi) {
      const client = node('Client', 'client');
      const gateway = node('API Gateway', 'gateway');
      const ms = step.invocations.reduce((sum, inv) => sum + inv.durationMs, 0);
      const health = healthOfStatus(typeof step.answer === 'number' ? step.answer : undefined);
      count(client, 0, 'ok');
      count(gateway, ms, health);
      edge(client, gateway, ms, health);
    }
    for (const inv of step.invocations) {
      const caller = node(inv.caller, inv.caller === 'API Gateway' ? 'gateway' : 'client');
      if (!viaApi) count(caller, 0, 'ok');
      const fn = node(inv.function, 'function');
      count(fn, inv.durationMs, inv.health);
      edge(caller, fn, inv.durationMs, inv.health);
      for (const span of inv.spans) {
        const target = downstream(span);
        if (!target) continue;
        const service = node(target.name, target.kind);
        count(service, spanMs(span), spanHealth(span));
        edge(fn, service, spanMs(span), spanHealth(span));
      }
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** `12 calls · 3.4 ms`: the figures an edge carries. */
export function edgeLabel(tally: Tally): string {
  const calls = `${tally.calls} call${tally.calls === 1 ? '' : 's'}`;
  return tally.totalMs > 0 ? `${calls} · ${ms(tally.totalMs / tally.calls)} ms` : calls;
}

export function toMermaid(map: ServiceMap): string {
  const lines = ['flowchart LR'];
  for (const n of map.nodes) lines.push(`  ${n.id}["${n.name.replace(/"/g, "'")}"]`);
  for (const e of map.edges) lines.push(`  ${e.from} -->|"${edgeLabel(e)}"| ${e.to}`);
  return `${lines.join('\n')}\n`;
}
