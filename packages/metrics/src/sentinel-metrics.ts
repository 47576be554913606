import { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  Dimensions,
  MetricResolution,
  MetricsOptions,
  MetricUnit,
} from '@aws-lambda-powertools/metrics/types';
import { countRedactions, isReplaying, ownOutput } from '@lambda-sentinel/core';
import { createRedactor, type Redactor } from '@lambda-sentinel/redact';
import {
  dimensionNameProblem,
  dimensionValueProblem,
  metricNameProblem,
  metricValueProblem,
  RESERVED_KEY,
} from './emf-rules.ts';

/**
 * @internal Figures published together with the stored metrics, in the same EMF document
 * (`SentinelMetrics.publishStoredMetricsWith`).
 */
export interface ExtraFigures {
  /** Metrics as `[name, unit, value]`, in the document's order. */
  metrics: ReadonlyArray<readonly [name: string, unit: MetricUnit, value: number]>;
  /**
   * Metadata (properties, not dimensions), printed as given: the caller's own facts, never user
   * data (`emfMetrics`' request id — which Powertools' logger prints unredacted on every line —
   * outcome word and overlap count). Anything else goes through `addMetadata`, which redacts.
   */
  metadata: Readonly<Record<string, string>>;
}

function checkMetric(name: string, value: number): void {
  const label = typeof name === 'string' ? JSON.stringify(name.slice(0, 60)) : String(name);
  const nameProblem = metricNameProblem(name);
  if (nameProblem) throw new RangeError(`addMetric: metric name ${label} ${nameProblem}`);
  const valueProblem = metricValueProblem(value);
  if (valueProblem) throw new RangeError(`addMetric(${label}): value ${valueProblem}, got ${String(value)}`);
}

/** CloudWatch reads at most 100 metrics from one EMF directive. */
const MAX_METRICS_PER_DOCUMENT = 100;

interface WarnLogger {
  warn: (...args: unknown[]) => void;
}

// Looks the global console up per call: Lambda's runtime (and test
// harnesses) replace it after this module is loaded.
const consoleLogger: WarnLogger = { warn: (...args) => globalThis.console.warn(...args) };

/** Options of the {@link SentinelMetrics} constructor; {@link createMetrics} resolves them for you. */
export interface SentinelMetricsOptions extends MetricsOptions {
  /** Resolved namespace (required here so single-metric children inherit it exactly). */
  namespace: string;
  /** Resolved service name. */
  serviceName: string;
  /** Redacts metadata and dimension values (rule 4). Default: `createRedactor()`. */
  redactor?: Redactor;
}

interface SentinelSettings {
  /**
   * `POWERTOOLS_DEV` was set when this instance was built: Powertools then prints through the
   * global console, as it decided in its constructor, so `publishStoredMetricsWith` takes the
   * long way. Read once, as Powertools reads it (`process.env` is slow to read on every publish).
   */
  devMode: boolean;
  namespace: string;
  serviceName: string;
  logger: WarnLogger;
  defaults: Dimensions;
  redactor: Redactor;
}

/**
 * A metadata or dimension value as it may be printed: the key rules see its
 * name (`addMetadata('token', …)`), the detectors its text. Redactions count
 * toward the current invocation's summary.
 */
function redactedValue(redactor: Redactor, name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const { value: out, counts } = redactor.withCounts({ [name]: value });
  countRedactions(counts);
  return (out as Record<string, unknown>)[name];
}

function redactDimensions(redactor: Redactor, dimensions: Dimensions | undefined): Dimensions {
  const out: Dimensions = {};
  for (const [name, value] of Object.entries(dimensions ?? {}))
    out[name] = redactedValue(redactor, name, value) as string;
  return out;
}

function keepValidDimensions(dimensions: Dimensions, logger: WarnLogger): Dimensions {
  const kept: Dimensions = {};
  for (const [name, value] of Object.entries(dimensions ?? {})) {
    const problem = dimensionNameProblem(name) ?? dimensionValueProblem(value);
    if (problem) {
      logger.warn(`Dimension ${JSON.stringify(name.slice(0, 60))} dropped: ${problem}`);
      continue;
    }
    kept[name] = value;
  }
  return kept;
}

/**
 * A Powertools `Metrics` that refuses what CloudWatch would reject, so every
 * EMF document it prints is valid: bad metric names or values throw a
 * `RangeError` at the call; bad dimensions are dropped with a warning (the
 * Powertools convention for dimensions).
 */
export class SentinelMetrics extends Metrics {
  // `declare`: no class-field definition, so the value set after `super()`
  // is not clobbered and overrides called from Powertools' constructor see
  // `undefined` instead of throwing.
  declare private sentinel: SentinelSettings | undefined;

  constructor(options: SentinelMetricsOptions) {
    const { redactor = createRedactor(), ...metricsOptions } = options;
    const logger: WarnLogger = options.logger ?? consoleLogger;
    const extra = keepValidDimensions(redactDimensions(redactor, options.defaultDimensions), logger);
    super({ ...metricsOptions, defaultDimensions: extra });
    this.sentinel = {
      devMode: Boolean(process.env.POWERTOOLS_DEV),
      namespace: options.namespace,
      serviceName: options.serviceName,
      logger,
      defaults: { service: options.serviceName, ...extra },
      redactor,
    };
  }

  /** The redactor metadata and dimension values pass through. */
  get redactor(): Redactor {
    return this.settings().redactor;
  }

  /**
   * Adds a metric as Powertools' `addMetric` does, but throws a `RangeError` at the call when
   * CloudWatch would reject the name or the value, instead of printing a broken EMF document.
   * While a durable function replays work it already did (core's `isReplaying()`), the metric
   * was counted when that work first ran: it is checked, then dropped.
   */
  override addMetric(name: string, unit: MetricUnit, value: number, resolution?: MetricResolution): this {
    if (isReplaying()) {
      checkMetric(name, value);
      return this;
    }
    return this.addOwnMetric(name, unit, value, resolution);
  }

  /**
   * @internal `emfMetrics`' own figures (Duration, SecurityEvents, ...): measured for this
   * invocation, so added even while a durable function replays. Checked like `addMetric`.
   */
  addOwnMetric(name: string, unit: MetricUnit, value: number, resolution?: MetricResolution): this {
    checkMetric(name, value);
    // A single metric prints here; its dimensions and metadata went through the redactor.
    return ownOutput(() => super.addMetric(name, unit, value, resolution));
  }

  /**
   * Prints the stored metrics as Powertools does, marked as output Sentinel has redacted
   * already (dimension and metadata values pass through the redactor when they are added), so
   * `redactConsole` does not parse and redact the EMF document a second time.
   */
  override publishStoredMetrics(): this {
    return ownOutput(() => super.publishStoredMetrics());
  }

  /**
   * @internal `emfMetrics`' publish: the stored metrics plus `extra` in one EMF document, as adding
   * each figure and then calling `publishStoredMetrics()` would, but without a trip through
   * Powertools' per-invocation stores for each figure (every such trip reads the environment), and
   * with `extra.metadata` printed as given (see `ExtraFigures`). Where the shortcut could
   * print something different — a name already in the document, more than 100 metrics, metrics
   * disabled, `POWERTOOLS_DEV`, `throwOnEmptyMetrics` with nothing stored — it takes the long way.
   */
  publishStoredMetricsWith(extra: ExtraFigures): this {
    if (this.isDisabled() || this.sentinel?.devMode !== false) return this.publishTheLongWay(extra);
    let document: ReturnType<Metrics['serializeMetrics']>;
    try {
      document = this.serializeMetrics();
    } catch {
      return this.publishTheLongWay(extra); // throwOnEmptyMetrics with nothing stored
    }
    const directive = document._aws.CloudWatchMetrics[0];
    const out = document as unknown as Record<string, unknown>;
    if (!directive || directive.Metrics.length + extra.metrics.length > MAX_METRICS_PER_DOCUMENT) {
      return this.publishTheLongWay(extra);
    }
    for (const [name, , value] of extra.metrics) {
      if (Object.hasOwn(out, name) || metricNameProblem(name) || metricValueProblem(value)) {
        return this.publishTheLongWay(extra);
      }
    }
    for (const key of Object.keys(extra.metadata)) {
      if (Object.hasOwn(out, key) || key === RESERVED_KEY) return this.publishTheLongWay(extra);
    }
    for (const [key, value] of Object.entries(extra.metadata)) out[key] = value;
    for (const [name, unit, value] of extra.metrics) {
      directive.Metrics.push({ Name: name, Unit: unit });
      out[name] = value;
    }
    try {
      const line = `${JSON.stringify(document)}\n`;
      ownOutput(() => process.stdout.write(line));
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }

  private publishTheLongWay(extra: ExtraFigures): this {
    try {
      for (const [name, unit, value] of extra.metrics) this.addOwnMetric(name, unit, value);
      for (const [key, value] of Object.entries(extra.metadata)) super.addMetadata(key, value);
    } finally {
      // What was stored is published even when one of the figures is refused (say, a name the
      // handler already used with another unit); the refusal still reaches the caller.
      this.publishStoredMetrics();
    }
    return this;
  }

  override addDimension(name: string, value: string): this {
    if (this.sentinel) value = redactedValue(this.sentinel.redactor, name, value) as string;
    const problem = dimensionNameProblem(name) ?? dimensionValueProblem(value);
    if (problem) {
      this.logger().warn(`Dimension ${JSON.stringify(String(name).slice(0, 60))} dropped: ${problem}`);
      return this;
    }
    return super.addDimension(name, value);
  }

  override addDimensions(dimensions: Dimensions): this {
    const redacted = this.sentinel ? redactDimensions(this.sentinel.redactor, dimensions) : dimensions;
    return super.addDimensions(keepValidDimensions(redacted, this.logger()));
  }

  override setDefaultDimensions(dimensions: Dimensions): this {
    // Powertools' constructor calls this before `sentinel` exists; the
    // constructor has already filtered what it passes.
    if (!this.sentinel) return super.setDefaultDimensions(dimensions);
    const kept = keepValidDimensions(
      redactDimensions(this.sentinel.redactor, dimensions),
      this.sentinel.logger,
    );
    super.setDefaultDimensions(kept);
    this.sentinel.defaults = { ...this.sentinel.defaults, ...kept };
    return this;
  }

  override clearDefaultDimensions(): void {
    super.clearDefaultDimensions();
    if (this.sentinel) this.sentinel.defaults = {};
  }

  override addMetadata(key: string, value: string): this {
    if (key === RESERVED_KEY || typeof key !== 'string' || key.length === 0) {
      throw new RangeError(
        `addMetadata(${JSON.stringify(key)}): key must be a non-empty string other than "${RESERVED_KEY}"`,
      );
    }
    const redactor = this.sentinel?.redactor;
    return super.addMetadata(key, redactor ? (redactedValue(redactor, key, value) as string) : value);
  }

  /** A child that publishes on every `addMetric`, validated like its parent. */
  override singleMetric(): SentinelMetrics {
    const settings = this.settings();
    const { service, ...extra } = settings.defaults;
    return new SentinelMetrics({
      namespace: settings.namespace,
      serviceName: service ?? settings.serviceName,
      defaultDimensions: extra,
      singleMetric: true,
      logger: settings.logger as NonNullable<MetricsOptions['logger']>,
      redactor: settings.redactor,
    });
  }

  private settings(): SentinelSettings {
    if (!this.sentinel) throw new Error('SentinelMetrics used before construction finished');
    return this.sentinel;
  }

  private logger(): WarnLogger {
    return this.sentinel?.logger ?? consoleLogger;
  }
}
