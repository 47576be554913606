import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SecurityEvent } from '@lambda-sentinel/core';
import {
  claimInvocationEnd,
  finishIfSuspended,
  finishWhenInvocationEnds,
  invocationState,
  recordSecurityEvent,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import { createRedactor, type Redactor } from '@lambda-sentinel/redact';
import type { MiddlewareObj, Request } from '@middy/core';
import { type Budgets, compileBudgets, overruns } from './budgets.ts';
import { Deadlines } from './deadlines.ts';
import { EventLoopMonitor, type LoopWindow } from './event-loop-monitor.ts';
import { type ExtraFigures, SentinelMetrics } from './sentinel-metrics.ts';

/** Options of {@link emfMetrics}: only `metrics` is required. */
export interface EmfMetricsOptions {
  /** Where metrics go: a Powertools `Metrics`, ideally from `createMetrics()`. */
  metrics: Metrics;
  /** Publish `CpuTime`, `EventLoopDelayMax` and `MemoryUsed`. Default true. */
  resources?: boolean;
  /**
   * Whose CPU `CpuTime` counts. `'thread'` (default): the thread that runs the invocation — the
   * main thread, or its worker thread on Lambda Managed Instances — from `process.threadCpuUsage()`
   * (about 0.4 µs per reading); Node.js without it (before 23.9) falls back to `'process'`.
   * `'process'`: every thread of the process, so also garbage-collector helper threads and libuv's
   * thread pool (async `crypto`, `zlib`, `fs`), from `process.cpuUsage()`, which sums every thread
   * in the kernel (1–8 µs per reading, two per invocation).
   */
  cpuTime?: 'thread' | 'process';
  /** Publish `SecurityEvents` counts by `event_type`. Default true. */
  securityEvents?: boolean;
  /** Publish `ColdStart` on the first invocation. Default true. */
  coldStart?: boolean;
  /** Limits; exceeding one records a `budget_exceeded` security event. */
  budgets?: Budgets;
  /**
   * Publish this many ms before the Lambda timeout (from
   * `context.getRemainingTimeInMillis()`) if the invocation is still running,
   * so a timed-out invocation is measured too. `false` turns it off. Default 500.
   */
  publishBeforeTimeoutMs?: number | false;
  /** Event-loop sampling interval in ms (1-1000): the resolution of `EventLoopDelayMax`. Default 5. */
  eventLoopSampleMs?: number;
  /** Called with every instrumentation failure. Default: one WARN line on stderr, once per middleware. */
  onFailure?: (error: unknown) => void;
  /**
   * In tenant isolation mode, also publish the invocation's document by `tenant_id`: a second
   * dimension set (the usual dimensions plus `tenant_id`) beside the usual one, which stays, so
   * alarms on the function's totals keep working. Every tenant adds its own metrics, and
   * CloudWatch bills each: turn it on only for a bounded number of tenants. Default false.
   */
  tenantDimension?: boolean;
}

/** What `emfMetrics` publishes, by metric name. */
export const METRIC_NAMES = {
  /** Wall-clock time of the invocation, ms. */
  duration: 'Duration',
  /** CPU time (user + system) of the invocation's thread (or, with `cpuTime: 'process'`, the process) during the invocation, ms. */
  cpuTime: 'CpuTime',
  /** The longest event-loop block during the invocation, ms. */
  eventLoopDelayMax: 'EventLoopDelayMax',
  /** Peak resident memory of the process, MB. */
  memoryUsed: 'MemoryUsed',
  /** 1 on the first invocation of the process; absent otherwise. */
  coldStart: 'ColdStart',
  /** 1 when the handler failed, else 0 (also 0 for a refused invocation: that is a `SecurityEvents` count). */
  errors: 'Errors',
  /** 1 when published at the timeout margin because the invocation was still running. */
  nearTimeout: 'NearTimeout',
  /** Security events of the invocation, one document per `event_type`. */
  securityEvents: 'SecurityEvents',
} as const;

/** The dimension that splits `SecurityEvents` by type. */
export const EVENT_TYPE_DIMENSION = 'event_type';

/** The dimension that splits an invocation's metrics by tenant (`tenantDimension: true`). */
export const TENANT_DIMENSION = 'tenant_id';

type Outcome = 'success' | 'error' | 'near_timeout' | 'suspended';

interface InvocationMeasure {
  startedAt: number;
  /** CPU microseconds (user + system) of the measured thread or process when the invocation started. */
  cpuAtStartUs: number | undefined;
  loop: LoopWindow | undefined;
  /** Publishes the invocation as `near_timeout`: pending on the middleware's deadlines until published. */
  onDeadline: (() => void) | undefined;
  published: boolean;
  /** Most invocations in flight in this process at once while this one ran. */
  peakConcurrency: number;
}

const KNOWN_OPTIONS = new Set([
  'metrics',
  'resources',
  'cpuTime',
  'securityEvents',
  'coldStart',
  'budgets',
  'publishBeforeTimeoutMs',
  'eventLoopSampleMs',
  'onFailure',
  'tenantDimension',
]);

/** CPU microseconds (user + system) so far, of this thread or of the whole process. */
function cpuClock(scope: 'thread' | 'process'): () => number {
  const read =
    scope === 'thread' && typeof process.threadCpuUsage === 'function'
      ? () => process.threadCpuUsage()
      : () => process.cpuUsage();
  return () => {
    const { user, system } = read();
    return user + system;
  };
}
const round = (value: number): number => Math.round(value * 100) / 100;

function checkBoolean(
  options: EmfMetricsOptions,
  name: 'resources' | 'securityEvents' | 'coldStart' | 'tenantDimension',
  fallback = true,
): boolean {
  const value = options[name];
  if (value !== undefined && typeof value !== 'boolean')
    throw new SentinelConfigError(name, 'expected a boolean');
  return value ?? fallback;
}

function checkOptions(options: EmfMetricsOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new SentinelConfigError('options', 'expected an object with at least { metrics }');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new SentinelConfigError(key, 'unknown option of emfMetrics');
  }
  const metrics = options.metrics as Partial<Metrics> | undefined;
  if (
    !metrics ||
    typeof metrics.addMetric !== 'function' ||
    typeof metrics.publishStoredMetrics !== 'function' ||
    typeof metrics.singleMetric !== 'function'
  ) {
    throw new SentinelConfigError('metrics', 'expected a Powertools Metrics instance (createMetrics())');
  }
  const margin = options.publishBeforeTimeoutMs;
  if (
    margin !== undefined &&
    margin !== false &&
    (typeof margin !== 'number' || !Number.isFinite(margin) || margin < 0)
  ) {
    throw new SentinelConfigError(
      'publishBeforeTimeoutMs',
      'expected a number of milliseconds >= 0, or false',
    );
  }
  const sample = options.eventLoopSampleMs;
  if (sample !== undefined && (!Number.isInteger(sample) || sample < 1 || sample > 1000)) {
    throw new SentinelConfigError('eventLoopSampleMs', 'expected an integer between 1 and 1000');
  }
  if (options.cpuTime !== undefined && options.cpuTime !== 'thread' && options.cpuTime !== 'process') {
    throw new SentinelConfigError('cpuTime', "expected 'thread' or 'process'");
  }
  if (options.onFailure !== undefined && typeof options.onFailure !== 'function') {
    throw new SentinelConfigError('onFailure', 'expected a function');
  }
}

function countByType(events: readonly SecurityEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return counts;
}

function defaultReporter(redactor: Redactor): (error: unknown) => void {
  let reported = false;
  return (error) => {
    if (reported) return;
    reported = true;
    // An error's text can quote what it failed on: it is redacted like any line (rule 4).
    const detail = redactor.redactString(
      error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    );
    process.stderr.write(
      `${JSON.stringify({ level: 'WARN', message: 'emfMetrics: metrics could not be published; the handler result is unaffected', error: detail })}\n`,
    );
  };
}

/**
 * Middy middleware: per invocation, publishes Duration, CpuTime,
 * EventLoopDelayMax, MemoryUsed, ColdStart and Errors in one EMF document,
 * plus one `SecurityEvents` document per event type; checks budgets first so
 * a `budget_exceeded` event is counted. Publishes in `after`, in `onError`,
 * and shortly before the Lambda timeout — once. A durable invocation that suspends
 * (under `sentinelDurableExecution()`) is published as it ends, with `outcome: "suspended"`
 * and `durable_suspended: "true"`.
 */
export function emfMetrics(options: EmfMetricsOptions): MiddlewareObj {
  checkOptions(options);
  const { metrics } = options;
  const resources = checkBoolean(options, 'resources');
  const securityEvents = checkBoolean(options, 'securityEvents');
  const coldStart = checkBoolean(options, 'coldStart');
  const tenantDimension = checkBoolean(options, 'tenantDimension', false);
  const limits = compileBudgets(options.budgets);
  if (!resources) {
    // Without the resource figures these budgets could never be exceeded: say so now.
    const unmeasured = limits.find(([name]) => name !== 'durationMs');
    if (unmeasured) {
      throw new SentinelConfigError(
        `budgets.${unmeasured[0]}`,
        'needs the resource metrics (CpuTime, EventLoopDelayMax, MemoryUsed), which resources: false turns off',
      );
    }
  }
  const cpuMicros = cpuClock(options.cpuTime ?? 'thread');
  const margin = options.publishBeforeTimeoutMs ?? 500;
  const loopMonitor = new EventLoopMonitor(options.eventLoopSampleMs ?? 5);
  // One timer for every in-flight invocation's "shortly before the timeout" (see Deadlines).
  const deadlines = new Deadlines();
  // The metrics' own redactor when it has one (same rules), else the defaults.
  const report =
    options.onFailure ??
    defaultReporter(options.metrics instanceof SentinelMetrics ? options.metrics.redactor : createRedactor());
  // A key per middleware instance, so two instances never share a slot.
  const key = Symbol('@lambda-sentinel/metrics');
  // The invocations this middleware is measuring now (more than one only on
  // Lambda Managed Instances): used to flag process-wide figures as shared.
  const inFlight = new Set<InvocationMeasure>();

  const safely = (step: () => void): void => {
    try {
      step();
    } catch (error) {
      try {
        report(error);
      } catch {
        // A failing reporter must not break the function either.
      }
    }
  };

  const measureOf = (request: Request): InvocationMeasure | undefined =>
    (request.internal as Record<symbol, InvocationMeasure | undefined> | undefined)?.[key];

  const publish = (request: Request, outcome: Outcome): void => {
    const measure = measureOf(request);
    if (!measure) return;
    if (measure.published) {
      // Published at the timeout margin; flush what the handler added since.
      if (outcome !== 'near_timeout')
        safely(() => metrics.hasStoredMetrics() && metrics.publishStoredMetrics());
      return;
    }
    measure.published = true;
    if (measure.onDeadline) deadlines.cancel(measure.onDeadline);
    inFlight.delete(measure);
    const state = invocationState(request);
    const requestId = state.requestId ?? request.context?.awsRequestId;

    const durationMs = performance.now() - measure.startedAt;
    const cpuMs =
      measure.cpuAtStartUs !== undefined ? (cpuMicros() - measure.cpuAtStartUs) / 1000 : undefined;
    // Peak RSS: resourceUsage() is one getrusage() (~1–5 µs); memoryUsage.rss() reads /proc (~10–30 µs).
    const usage = resources ? process.resourceUsage() : undefined;
    const eventLoopDelayMs = measure.loop ? loopMonitor.close(measure.loop) : undefined;
    // Peak resident set size of the process (KiB), like Lambda's "Max Memory Used".
    const memoryMb = usage ? usage.maxRSS / 1024 : undefined;

    safely(() => {
      for (const overrun of overruns(limits, { durationMs, cpuMs, eventLoopDelayMs, memoryMb })) {
        recordSecurityEvent(
          {
            type: 'budget_exceeded',
            severity: 'high',
            message: `${overrun.budget} budget exceeded: measured ${round(overrun.measured)}, limit ${overrun.limit}`,
            detail: {
              budget: overrun.budget,
              limit: overrun.limit,
              measured: round(overrun.measured),
              // Other invocations ran meanwhile: CPU, loop delay and memory were shared with them.
              ...(measure.peakConcurrency > 1 && overrun.budget !== 'durationMs'
                ? { concurrent_invocations: measure.peakConcurrency }
                : {}),
            },
            recordedBy: 'metrics',
            // Measured on this invocation, replay or not.
            keepWhenReplaying: true,
          },
          request,
        );
      }
    });

    // Add and publish in one synchronous run: no other invocation can add to
    // a shared Metrics store in between (on Managed Instances Powertools also
    // keeps stored metrics per invocation).
    safely(() => {
      const figures: ExtraFigures['metrics'][number][] = [
        [METRIC_NAMES.duration, MetricUnit.Milliseconds, round(durationMs)],
      ];
      if (cpuMs !== undefined) figures.push([METRIC_NAMES.cpuTime, MetricUnit.Milliseconds, round(cpuMs)]);
      if (eventLoopDelayMs !== undefined) {
        figures.push([METRIC_NAMES.eventLoopDelayMax, MetricUnit.Milliseconds, round(eventLoopDelayMs)]);
      }
      if (memoryMb !== undefined)
        figures.push([METRIC_NAMES.memoryUsed, MetricUnit.Megabytes, round(memoryMb)]);
      if (coldStart && state.coldStart) figures.push([METRIC_NAMES.coldStart, MetricUnit.Count, 1]);
      // A refused invocation (the allowlist recorded `source_rejected` and threw) is a security
      // event, counted in SecurityEvents; the handler never ran, so it is no function error.
      const refused = outcome === 'error' && state.securityEvents.some((e) => e.type === 'source_rejected');
      if (outcome === 'near_timeout') figures.push([METRIC_NAMES.nearTimeout, MetricUnit.Count, 1]);
      else figures.push([METRIC_NAMES.errors, MetricUnit.Count, outcome === 'error' && !refused ? 1 : 0]);
      // Metadata, not dimensions: searchable in Logs Insights, free in CloudWatch.
      const metadata: Record<string, string> = {};
      if (requestId) metadata.request_id = requestId;
      metadata.outcome = refused ? 'refused' : outcome;
      if (measure.peakConcurrency > 1) metadata.concurrent_invocations = String(measure.peakConcurrency);
      // A durable function resuming: its figures are real, but it began by replaying.
      if (state.durableReplay) metadata.durable_replay = 'true';
      // A durable function suspended (a wait, a callback): real figures of an invocation that
      // ended without its handler settling.
      if (outcome === 'suspended') metadata.durable_suspended = 'true';
      // Two dimension sets: the usual one (an empty set is the default dimensions alone) and the
      // same by tenant. The tenant id is validated by core; SentinelMetrics redacts it.
      if (tenantDimension && state.tenantId !== undefined) {
        metrics.addDimensions({});
        metrics.addDimensions({ [TENANT_DIMENSION]: state.tenantId });
      }
      if (metrics instanceof SentinelMetrics) {
        // One document, without a trip through Powertools' stores per figure.
        metrics.publishStoredMetricsWith({ metrics: figures, metadata });
        return;
      }
      try {
        for (const [name, unit, value] of figures) metrics.addMetric(name, unit, value);
        for (const [key, value] of Object.entries(metadata)) metrics.addMetadata(key, value);
      } finally {
        metrics.publishStoredMetrics();
      }
    });

    if (securityEvents) {
      safely(() => {
        for (const [type, count] of countByType(state.securityEvents)) {
          const single = metrics.singleMetric().addDimension(EVENT_TYPE_DIMENSION, type);
          if (requestId) single.addMetadata('request_id', requestId);
          if (single instanceof SentinelMetrics)
            single.addOwnMetric(METRIC_NAMES.securityEvents, MetricUnit.Count, count);
          else single.addMetric(METRIC_NAMES.securityEvents, MetricUnit.Count, count);
        }
      });
    }
  };

  // A durable invocation that suspends runs no after/onError: its document is published here.
  const finishSuspended = (request: unknown): void => safely(() => publish(request as Request, 'suspended'));

  const before = (request: Request): void => {
    safely(() => {
      invocationState(request);
      finishIfSuspended(request, finishSuspended);
      const measure: InvocationMeasure = {
        startedAt: performance.now(),
        cpuAtStartUs: resources ? cpuMicros() : undefined,
        loop: resources ? loopMonitor.open() : undefined,
        onDeadline: undefined,
        published: false,
        peakConcurrency: 1,
      };
      inFlight.add(measure);
      for (const other of inFlight) other.peakConcurrency = Math.max(other.peakConcurrency, inFlight.size);
      (request.internal as Record<symbol, InvocationMeasure>)[key] = measure;

      const remaining = request.context?.getRemainingTimeInMillis?.();
      if (margin !== false && typeof remaining === 'number' && Number.isFinite(remaining)) {
        measure.onDeadline = () => safely(() => publish(request, 'near_timeout'));
        deadlines.add(measure.onDeadline, Math.max(0, remaining - margin));
      }
    });
  };

  return {
    before,
    // Response streaming: Duration covers the streamed body; a stream that fails is an error.
    after: (request) =>
      safely(() => {
        finishWhenInvocationEnds(request, finishSuspended, (error) =>
          safely(() => publish(request, error === undefined ? 'success' : 'error')),
        );
      }),
    onError: (request) =>
      safely(() => {
        if (claimInvocationEnd(request, finishSuspended)) publish(request, 'error');
      }),
  };
}
