import type { LogRecord, SpanView } from '@lambda-sentinel/testing';
import { buildServiceMap } from '../service-map.ts';
import { type Bar, barChart, categoryChart, type LegendItem } from './charts.ts';
import { HEALTH_COLOURS, serviceMapSvg } from './map-svg.ts';
import { countEvents, LOG_CONTEXT_KEYS, type ReportInvocation, type ReportStep } from './model.ts';
import { esc, ms } from './svg.ts';

/**
 * report.html: the run as the AWS consoles would show it, in one
 * self-contained file (inline CSS, SVG and a few lines of script, no
 * network): the service map, every trace with its waterfall (click a span for
 * its annotations and redacted errors) and the invocations' log lines, and
 * charts of the metrics the functions published.
 */
export interface ReportMeta {
  title: string;
  /** `xray` or `otel`. */
  tracing: string;
  database: string;
  startedAt: Date;
  /** Changes whenever the run has new invocations: a served report reloads when it does. */
  version: number;
  /** Extra lines for the summary (the runtime guard's). */
  notes: string[];
}

const PALETTE = ['#0073bb', '#ec7211', '#1d8102', '#8456ce', '#d13212', '#00a1c9', '#6b40c4', '#b0084d'];

function colours(steps: readonly ReportStep[]): Map<string, string> {
  const names = [...new Set(steps.flatMap((s) => s.invocations.map((i) => i.function)))];
  return new Map(names.map((name, i) => [name, PALETTE[i % PALETTE.length]!]));
}

function answerBadge(answer: ReportStep['answer']): string {
  const kind =
    answer === 'refused'
      ? 'refused'
      : answer === 'error' || (typeof answer === 'number' && answer >= 500)
        ? 'fault'
        : typeof answer === 'number' && answer >= 400
          ? 'error'
          : 'ok';
  return `<span class="badge badge-${kind}">${esc(answer)}</span>`;
}

function spanDetail(span: SpanView): string {
  const rows: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(span.annotations)) rows.push([`annotation ${key}`, value]);
  if (span.aws) for (const [key, value] of Object.entries(span.aws)) rows.push([`aws ${key}`, value]);
  if (span.http) for (const [key, value] of Object.entries(span.http)) rows.push([`http ${key}`, value]);
  if (span.sql) for (const [key, value] of Object.entries(span.sql)) rows.push([`sql ${key}`, value]);
  const flags = (['error', 'fault', 'throttle'] as const).filter((flag) => span[flag]);
  const table = rows.length
    ? `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`).join('')}</table>`
    : '<p class="muted">No annotations or metadata.</p>';
  const errors = span.exceptions.length
    ? `<div class="exceptions"><h5>Exceptions (as recorded: redacted)</h5>${span.exceptions.map((e) => `<p><b>${esc(e.type ?? 'Error')}</b>: ${esc(e.message ?? '')}</p>`).join('')}</div>`
    : '';
  return `<div class="span-detail">${flags.length ? `<p>Marked <b>${flags.join(', ')}</b>.</p>` : ''}${table}${errors}</div>`;
}

function waterfall(step: ReportStep): string {
  const spans = step.invocations.flatMap((inv) => inv.spans);
  const starts = spans.map((s) => s.start).filter((t): t is number => t !== undefined);
  const ends = spans.map((s) => s.end ?? s.start).filter((t): t is number => t !== undefined);
  if (!starts.length) return '<p class="muted">No spans received for this trace.</p>';
  const t0 = Math.min(...starts);
  const total = Math.max(Math.max(...ends) - t0, 0.001);
  const rows: string[] = [];
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string, SpanView[]>();
  for (const span of spans) {
    if (span.parentId && ids.has(span.parentId)) {
      children.set(span.parentId, [...(children.get(span.parentId) ?? []), span]);
    }
  }
  const draw = (span: SpanView, depth: number) => {
    const start = ((span.start ?? t0) - t0) / total;
    const width = Math.max(((span.end ?? span.start ?? t0) - (span.start ?? t0)) / total, 0.004);
    const health = span.throttle ? 'throttle' : span.fault ? 'fault' : span.error ? 'error' : 'ok';
    const duration =
      span.end !== undefined && span.start !== undefined ? `${ms((span.end - span.start) * 1000)} ms` : '';
    const label = span.namespace ? `${span.name} [${span.namespace}]` : span.name;
    const operation = span.aws?.operation ?? span.sql?.query ?? span.http?.method ?? '';
    rows.push(
      `<details class="span"><summary><span class="span-name" style="padding-left:${depth * 14}px" title="${esc(label)}">${esc(label)}${operation ? ` <span class="muted">${esc(operation)}</span>` : ''}</span><span class="track"><span class="wf-bar health-${health}" style="left:${(start * 100).toFixed(2)}%;width:${(Math.min(width, 1 - start) * 100).toFixed(2)}%"></span></span><span class="dur">${duration}</span></summary>${spanDetail(span)}</details>`,
    );
    for (const child of (children.get(span.id) ?? []).sort((a, b) => (a.start ?? 0) - (b.start ?? 0))) {
      draw(child, depth + 1);
    }
  };
  for (const root of spans
    .filter((s) => !s.parentId || !ids.has(s.parentId))
    .sort((a, b) => (a.start ?? 0) - (b.start ?? 0))) {
    draw(root, 0);
  }
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<span style="left:${f * 100}%">${ms(f * total * 1000)} ms</span>`)
    .join('');
  return `<div class="waterfall"><div class="axis"><span class="span-name"></span><span class="track ticks">${axis}</span><span class="dur"></span></div>${rows.join('')}</div>`;
}

function logLine(log: LogRecord): string {
  const rest = Object.fromEntries(Object.entries(log).filter(([key]) => !LOG_CONTEXT_KEYS.has(key)));
  const extra = Object.keys(rest).length ? ` <code>${esc(JSON.stringify(rest))}</code>` : '';
  return `<li class="lvl-${esc(log.level)}"><span class="level">${esc(log.level)}</span> ${esc(log.message ?? '')}${extra}</li>`;
}

function invocationBlock(inv: ReportInvocation): string {
  const facts = [
    inv.coldStart ? 'cold start' : 'warm',
    `${ms(inv.durationMs)} ms`,
    inv.refused
      ? 'refused (security event)'
      : inv.errorName
        ? `threw ${inv.errorName}`
        : inv.status
          ? `answered ${inv.status}`
          : 'returned',
    `request ${inv.requestId}`,
  ];
  const metrics = Object.entries(inv.metrics)
    .map(([name, value]) => `${esc(name)} ${esc(Number.isInteger(value) ? value : value.toFixed(2))}`)
    .join(' · ');
  const events = inv.securityEvents.length
    ? `<p class="events">${inv.securityEvents.map((e) => `<span class="badge badge-event">${esc(e.type)}${e.blocked ? ' (blocked)' : ''}</span>`).join(' ')}</p>`
    : '';
  const lines = inv.logs.length
    ? `<ol class="log-lines">${inv.logs.map(logLine).join('')}</ol>`
    : '<p class="muted">No log lines.</p>';
  return `<div class="invocation"><h4>${esc(inv.function)} <span class="muted">${esc(facts.join(' · '))}</span></h4>${events}
<p class="metrics"><b>Metrics</b> ${metrics || '<span class="muted">none</span>'}</p>
<p class="logs-title"><b>Logs</b> <span class="muted">/aws/lambda/${esc(inv.function)}</span></p>${lines}</div>`;
}

function traceRow(step: ReportStep): string {
  const inv = step.invocations;
  const total = inv.reduce((sum, i) => sum + i.durationMs, 0);
  const functions = inv
    .map((i) => `${esc(i.function)}${i.coldStart ? ' <span class="cold" title="cold start">❄</span>' : ''}`)
    .join(', ');
  const events = [...countEvents(inv)]
    .map(([type, n]) => `<span class="badge badge-event">${n > 1 ? `${n}× ` : ''}${esc(type)}</span>`)
    .join(' ');
  return `<details class="trace" id="trace-${step.n}"><summary><span class="n">${step.n}</span><span class="title">${esc(step.title)}<span class="muted">${esc(step.request)} · trace ${esc(inv[0]?.traceRoot ?? '')}</span></span>${answerBadge(step.answer)}<span class="fns">${functions}</span><span class="dur">${ms(total)} ms</span><span class="evts">${events}</span></summary>
${waterfall(step)}
${inv.map(invocationBlock).join('\n')}</details>`;
}

function metricCharts(steps: readonly ReportStep[]): string {
  const palette = colours(steps);
  const legend: LegendItem[] = [...palette].map(([label, colour]) => ({ label, colour }));
  const series = (metric: string): Bar[] =>
    steps.flatMap((step) =>
      step.invocations
        .filter((inv) => inv.metrics[metric] !== undefined)
        .map((inv) => ({
          value: inv.metrics[metric]!,
          colour: palette.get(inv.function)!,
          title: `step ${step.n}, ${inv.function}: ${metric} ${inv.metrics[metric]!.toFixed(2)}`,
          group: String(step.n),
        })),
    );
  const events = [...countEvents(steps.flatMap((s) => s.invocations))];
  const charts = [
    barChart({
      name: 'duration',
      title: 'Duration per invocation (by step)',
      unit: 'ms',
      bars: series('Duration'),
      legend,
    }),
    barChart({
      name: 'cpu',
      title: 'CPU time per invocation (by step)',
      unit: 'ms',
      bars: series('CpuTime'),
      legend,
    }),
    barChart({
      name: 'event-loop',
      title: 'Event-loop delay (longest block) per invocation',
      unit: 'ms',
      bars: series('EventLoopDelayMax'),
      legend,
    }),
    events.length
      ? categoryChart({
          name: 'security-events',
          title: 'Security events, by type',
          rows: events.map(([label, value], i) => ({
            label,
            value,
            colour: PALETTE[(i + 4) % PALETTE.length]!,
          })),
        })
      : '<p class="muted">No security events.</p>',
  ];
  return charts.map((chart) => `<figure>${chart}</figure>`).join('\n');
}

export async function reportHtml(steps: readonly ReportStep[], meta: ReportMeta): Promise<string> {
  const all = steps.flatMap((s) => s.invocations);
  const events = [...countEvents(all)].map(([type, n]) => `${n}× ${type}`).join(', ') || 'none';
  const map = await serviceMapSvg(buildServiceMap(steps));
  const healthKey = Object.entries(HEALTH_COLOURS)
    .map(([health, colour]) => `<span><i style="background:${colour}"></i>${health}</span>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(meta.title)}</title>
<style>${CSS}</style></head>
<body data-version="${meta.version}">
<header><h1>${esc(meta.title)}</h1>
<p class="muted">Traced with ${meta.tracing === 'otel' ? 'OpenTelemetry' : 'the X-Ray SDK'} · database ${esc(meta.database)} · started ${esc(meta.startedAt.toISOString())} · each function in its own process</p>
<ul class="cards">
<li><b>${steps.length}</b> requests</li><li><b>${all.length}</b> invocations</li>
<li><b>${all.filter((i) => i.coldStart).length}</b> cold starts</li>
<li><b>${all.filter((i) => i.health !== 'ok').length}</b> with errors or faults</li>
<li><b>${[...countEvents(all).values()].reduce((a, b) => a + b, 0)}</b> security events</li></ul>
<p>Security events: ${esc(events)}.</p>
${meta.notes.map((note) => `<p>${esc(note)}</p>`).join('\n')}
<nav><a href="#map">Service map</a> · <a href="#traces">Traces</a> · <a href="#metrics">Metrics</a></nav></header>
<main>
<section id="map"><h2>Service map</h2>
<p class="muted">As the X-Ray console's trace map draws it: the ring shows each node's calls by health, the centre its average latency and call count.</p>
<p class="health-key">${healthKey}</p>
<div class="map-scroll">${map}</div></section>
<section id="traces"><h2>Traces</h2>
<p class="muted">One per request. Open one for its waterfall (click a span for its annotations and its redacted errors), each invocation's metrics and its log lines.</p>
${steps.map(traceRow).join('\n')}</section>
<section id="metrics"><h2>Metrics</h2>
<p class="muted">What the functions published as CloudWatch EMF. Bars are invocations in run order, numbered by step.</p>
<div class="charts">${metricCharts(steps)}</div></section>
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}

const CSS = `
:root{--ink:#16191f;--muted:#5f6b7a;--line:#e4e7eb;--ok:${HEALTH_COLOURS.ok};--error:${HEALTH_COLOURS.error};--fault:${HEALTH_COLOURS.fault};--throttle:${HEALTH_COLOURS.throttle}}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0;background:#f2f3f3}
header,main{max-width:1200px;margin:0 auto;padding:16px 24px}header{background:#fff;border-bottom:1px solid var(--line);max-width:none;padding-left:max(24px,calc(50% - 576px));padding-right:max(24px,calc(50% - 576px))}
h1{font-size:22px;margin:4px 0}h2{font-size:18px;margin:24px 0 8px}h4{margin:12px 0 4px;font-size:14px}h5{margin:8px 0 4px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 16px 16px;margin:16px 0}
.muted{color:var(--muted);font-weight:normal}.cards{display:flex;gap:12px;list-style:none;padding:0;flex-wrap:wrap}
.cards li{border:1px solid var(--line);border-radius:6px;padding:6px 12px}.cards b{font-size:18px;margin-right:4px}
.map-scroll{overflow-x:auto}svg.service-map{max-width:100%;height:auto}.health-key span{margin-right:14px}.health-key i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px}
.badge{display:inline-block;justify-self:start;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.badge-ok{background:#e9f6ec;color:#1d6b2f}.badge-error{background:#fff1e6;color:#a34a00}.badge-fault{background:#fdecea;color:#a5180b}
.badge-refused,.badge-event{background:#f3ecfd;color:#5b2ca0}
details.trace{border-top:1px solid var(--line)}details.trace>summary{display:grid;grid-template-columns:28px minmax(0,1fr) 80px minmax(0,260px) 70px minmax(0,200px);gap:8px;align-items:center;padding:8px 4px;cursor:pointer;list-style:none}
details.trace>summary::-webkit-details-marker{display:none}details.trace[open]>summary{background:#f7f8f8}
.n{font-weight:700;color:var(--muted)}.title{min-width:0}.title .muted{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:12px}.fns{overflow-wrap:anywhere}.dur{text-align:right;font-variant-numeric:tabular-nums}.cold{color:#0073bb}
.waterfall{margin:8px 0 8px 36px;font-size:13px}.waterfall .axis,.waterfall summary{display:grid;grid-template-columns:minmax(0,340px) minmax(0,1fr) 70px;gap:8px;align-items:center}
.waterfall summary{padding:2px 0;cursor:pointer;list-style:none}.waterfall summary::-webkit-details-marker{display:none}.waterfall summary:hover{background:#f2f8fd}
.span-name{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.track{position:relative;height:14px;background:#f7f8f8}
.wf-bar{position:absolute;top:2px;height:10px;border-radius:2px;min-width:2px}.health-ok{background:#7aa7d6}.health-error{background:var(--error)}.health-fault{background:var(--fault)}.health-throttle{background:var(--throttle)}
.ticks span{position:absolute;transform:translateX(-50%);font-size:11px;color:var(--muted);white-space:nowrap}.ticks span:first-child{transform:none}.ticks span:last-child{transform:translateX(-100%)}
.axis .track{background:none;height:16px}
.span-detail{margin:4px 0 8px 24px;padding:8px;border-left:3px solid #7aa7d6;background:#fafbfc}
table.kv{border-collapse:collapse;font-size:12px}table.kv th{text-align:left;color:var(--muted);font-weight:normal;padding:1px 12px 1px 0;white-space:nowrap;vertical-align:top}table.kv td{overflow-wrap:anywhere}
.exceptions p{margin:2px 0;color:#a5180b}
.invocation{margin:8px 0 12px 36px;padding-top:4px;border-top:1px dashed var(--line)}.metrics,.events,.logs-title{margin:4px 0;font-size:13px}
ol.log-lines{list-style:none;margin:4px 0;padding:6px 8px;background:#fafbfc;border:1px solid var(--line);border-radius:4px;font:12px/1.5 ui-monospace,Menlo,Consolas,monospace;max-height:320px;overflow:auto}
ol.log-lines li{white-space:pre-wrap;overflow-wrap:anywhere;border-bottom:1px solid #f0f1f2}ol.log-lines code{color:var(--muted)}
.level{font-weight:700}.lvl-WARN .level{color:#a34a00}.lvl-ERROR .level,.lvl-CRITICAL .level{color:#a5180b}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}figure{margin:0}
`;

// A served report (pnpm demo --serve) reloads itself when the run has new invocations, keeping what was open.
const SCRIPT = `
(() => {
  if (!location.protocol.startsWith('http')) return;
  const key = 'report-open';
  const open = JSON.parse(sessionStorage.getItem(key) || '[]');
  for (const id of open) document.getElementById(id)?.setAttribute('open', '');
  setInterval(async () => {
    const version = await fetch('/report/version').then((r) => r.text()).catch(() => null);
    if (version === null || version === document.body.dataset.version) return;
    sessionStorage.setItem(key, JSON.stringify([...document.querySelectorAll('details.trace[open]')].map((d) => d.id)));
    location.reload();
  }, 2000);
})();
`;
