import { type SpanView, spanFromXray } from './span-view.ts';
import { flattenDocuments, type TraceDocument } from './trace-document.ts';

function describe(span: SpanView): string {
  const parts = [span.name];
  if (span.namespace) parts.push(`[${span.namespace}]`);
  if (span.inProgress) parts.push('(in progress)');
  else if (span.start !== undefined && span.end !== undefined) {
    parts.push(`${((span.end - span.start) * 1000).toFixed(1)} ms`);
  }
  if (span.fault) parts.push('FAULT');
  if (span.error) parts.push('ERROR');
  if (span.throttle) parts.push('THROTTLE');
  const annotations = Object.entries(span.annotations);
  if (annotations.length > 0) {
    parts.push(`{${annotations.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ')}}`);
  }
  return parts.join(' ');
}

const byStart = (a: SpanView, b: SpanView): number => (a.start ?? 0) - (b.start ?? 0);

/**
 * Draws spans (one or many traces, from either backend) as an indented tree
 * per trace: name, namespace, duration, FAULT / ERROR / THROTTLE flags and
 * annotations. Spans whose parent was not received (in Lambda, the
 * function's own segment is the service's) are roots.
 */
export function renderSpans(spans: readonly SpanView[]): string {
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string, SpanView[]>();
  for (const span of spans) {
    if (span.parentId !== undefined && ids.has(span.parentId)) {
      const siblings = children.get(span.parentId) ?? [];
      siblings.push(span);
      children.set(span.parentId, siblings);
    }
  }
  const lines: string[] = [];
  const draw = (siblings: SpanView[], prefix: string): void => {
    siblings.sort(byStart).forEach((span, i) => {
      const last = i === siblings.length - 1;
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describe(span)}`);
      draw(children.get(span.id) ?? [], `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  const traces = new Map<string, SpanView[]>();
  for (const span of spans) {
    if (span.parentId !== undefined && ids.has(span.parentId)) continue;
    const trace = span.traceId || '(no trace id)';
    traces.set(trace, [...(traces.get(trace) ?? []), span]);
  }
  for (const [trace, roots] of traces) {
    lines.push(`trace ${trace}`);
    draw(roots, '');
  }
  return lines.join('\n');
}

/** `renderSpans` for X-Ray segment documents as collected (nested or flat). */
export function renderTrace(docs: readonly TraceDocument[]): string {
  return renderSpans(flattenDocuments(docs).map(spanFromXray));
}
