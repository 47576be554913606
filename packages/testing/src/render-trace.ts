import { flattenDocuments, type TraceDocument } from './trace-document.ts';

function describe(doc: TraceDocument): string {
  const parts = [doc.name];
  if (doc.namespace) parts.push(`[${doc.namespace}]`);
  if (doc.in_progress) parts.push('(in progress)');
  else if (typeof doc.start_time === 'number' && typeof doc.end_time === 'number') {
    parts.push(`${((doc.end_time - doc.start_time) * 1000).toFixed(1)} ms`);
  }
  if (doc.fault) parts.push('FAULT');
  if (doc.error) parts.push('ERROR');
  if (doc.throttle) parts.push('THROTTLE');
  const annotations = Object.entries(doc.annotations ?? {});
  if (annotations.length > 0) {
    parts.push(`{${annotations.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')}}`);
  }
  return parts.join(' ');
}

const byStart = (a: TraceDocument, b: TraceDocument): number => (a.start_time ?? 0) - (b.start_time ?? 0);

/**
 * Draws trace documents (as collected, nested or flat, one or many traces)
 * as an indented tree per trace: name, namespace, duration, FAULT / ERROR /
 * THROTTLE flags and annotations. Documents whose parent was not received
 * (in Lambda, the function's own segment is the service's) are roots.
 */
export function renderTrace(docs: readonly TraceDocument[]): string {
  const flat = flattenDocuments(docs);
  const ids = new Set(flat.map((doc) => doc.id));
  const children = new Map<string, TraceDocument[]>();
  for (const doc of flat) {
    if (doc.parent_id !== undefined && ids.has(doc.parent_id)) {
      const siblings = children.get(doc.parent_id) ?? [];
      siblings.push(doc);
      children.set(doc.parent_id, siblings);
    }
  }
  const lines: string[] = [];
  const draw = (siblings: TraceDocument[], prefix: string): void => {
    siblings.sort(byStart).forEach((doc, i) => {
      const last = i === siblings.length - 1;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describe(doc)}`);
      draw(children.get(doc.id) ?? [], `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  const traces = new Map<string, TraceDocument[]>();
  for (const doc of flat) {
    if (doc.parent_id !== undefined && ids.has(doc.parent_id)) continue;
    const trace = doc.trace_id ?? '(no trace id)';
    traces.set(trace, [...(traces.get(trace) ?? []), doc]);
  }
  for (const [trace, roots] of traces) {
    lines.push(`trace ${trace}`);
    draw(roots, '');
  }
  return lines.join('\n');
}
