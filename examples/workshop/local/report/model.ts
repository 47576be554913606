import { classifyEvent } from '@lambda-sentinel/core';
import type { EmfDocument, LogRecord, SpanView } from '@lambda-sentinel/testing';
import type { Invocation } from '../api-gateway.ts';

/**
 * What the demo shows of a run, read from what AWS would have: each
 * invocation's spans (the X-Ray daemon's), its log lines (CloudWatch Logs)
 * and its EMF documents (CloudWatch Metrics). The terminal and report.html
 * both render this model.
 */

/** Context keys Powertools adds to every log line (with `level` and `message`): shown once per invocation, not per line. */
export const LOG_CONTEXT_KEYS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

/** X-Ray's reading of a call: 2xx ok, 4xx error, 429 throttle, otherwise a fault. A refusal is an error. */
export type Health = 'ok' | 'error' | 'fault' | 'throttle';

export interface SecurityEventSeen {
  type: string;
  message: string;
  /** For guard violations: whether the action was stopped. */
  blocked?: boolean;
}

export interface ReportInvocation {
  function: string;
  /** Who called, as the service map names it: `API Gateway`, `EventBridge`, `Client (direct invoke)`. */
  caller: string;
  traceRoot: string;
  requestId: string;
  coldStart: boolean;
  health: Health;
  /** Refused by the source allowlist: a security event, not a function error. */
  refused: boolean;
  /** The HTTP status of the function's own response, when it has one. */
  status?: number;
  /** What the function threw, when it did (its name only: the message is in the redacted logs). */
  errorName?: string;
  /** The handler span's duration (what X-Ray shows), else the EMF `Duration`. */
  durationMs: number;
  /** This invocation's spans: the handler span and everything under it. */
  spans: SpanView[];
  logs: LogRecord[];
  emf: EmfDocument[];
  /** The metrics `emfMetrics` published, by name. */
  metrics: Record<string, number>;
  securityEvents: SecurityEventSeen[];
}

export interface ReportStep {
  n: number;
  title: string;
  /** `GET /socks`, or `invoke customizeUnicorn` for a direct invocation. */
  request: string;
  /** What the caller got: API Gateway's status, or the direct invocation's outcome. */
  answer: number | 'ok' | 'refused' | 'error';
  invocations: ReportInvocation[];
}

/** Spans of the trace that belong to `inv`: its handler span's subtree (both invocations of a request share a trace). */
export function ownSpans(inv: Invocation, spans: readonly SpanView[]): SpanView[] {
  const byId = new Map(spans.map((span) => [span.id, span]));
  return spans.filter((span) => {
    for (let cur: SpanView | undefined = span, hops = 0; cur && hops < 50; hops++) {
      if (cur.parentId === inv.parentId) return true;
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    }
    return false;
  });
}

function callerOf(inv: Invocation): string {
  if (inv.via === 'api') return 'API Gateway';
  return classifyEvent(inv.event).kind === 'schedule' ? 'EventBridge' : 'Client (direct invoke)';
}

function healthOf(span: SpanView | undefined, errored: boolean): Health {
  if (span?.throttle) return 'throttle';
  if (span?.fault) return 'fault';
  if (span?.error) return 'error';
  return span || !errored ? 'ok' : 'fault';
}

function metricsOf(emf: readonly EmfDocument[]): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const doc of emf) {
    if (doc.event_type !== undefined) continue;
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const { Name } of directive.Metrics) {
        if (typeof doc[Name] === 'number') metrics[Name] = doc[Name];
      }
    }
  }
  return metrics;
}

function securityEventsOf(logs: readonly LogRecord[]): SecurityEventSeen[] {
  return logs.flatMap((log) => {
    const event = log.security_event as { type?: unknown; detail?: { blocked?: unknown } } | undefined;
    if (typeof event?.type !== 'string') return [];
    const seen: SecurityEventSeen = { type: event.type, message: String(log.message ?? '') };
    if (typeof event.detail?.blocked === 'boolean') seen.blocked = event.detail.blocked;
    return [seen];
  });
}

export function reportInvocation(inv: Invocation, traceSpans: readonly SpanView[]): ReportInvocation {
  const spans = ownSpans(inv, traceSpans);
  const handler = spans.find((span) => span.parentId === inv.parentId);
  const metrics = metricsOf(inv.output.emf);
  const securityEvents = securityEventsOf(inv.output.logs);
  const response = inv.result.result as { statusCode?: unknown } | undefined;
  const error = inv.result.error as Error | undefined;
  const report: ReportInvocation = {
    function: inv.function,
    caller: callerOf(inv),
    traceRoot: inv.traceRoot,
    requestId: inv.result.requestId,
    coldStart: metrics.ColdStart === 1 || handler?.annotations.ColdStart === true,
    health: healthOf(handler, error !== undefined),
    refused: securityEvents.some((event) => event.type === 'source_rejected'),
    durationMs:
      handler?.start !== undefined && handler.end !== undefined
        ? (handler.end - handler.start) * 1000
        : (metrics.Duration ?? 0),
    spans,
    logs: inv.output.logs,
    emf: inv.output.emf,
    metrics,
    securityEvents,
  };
  if (typeof response?.statusCode === 'number') report.status = response.statusCode;
  if (error) report.errorName = error.name;
  return report;
}

/** Security events of a set of invocations, counted by type. */
export function countEvents(invocations: readonly ReportInvocation[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const inv of invocations) {
    for (const event of inv.securityEvents) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  }
  return counts;
}
