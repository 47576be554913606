import { SentinelConfigError } from '@lambda-sentinel/core';
import type { OtelBackendOptions } from './otel/otel-backend.ts';
import type { TraceBackend } from './port.ts';
import type { PowertoolsTracerLike, XrayBackendOptions } from './xray/xray-backend.ts';

/** Which tracing backend: a built-in adapter by name, your own `TraceBackend`, or `false` for none. */
export type TracingChoice = 'xray' | 'otel' | false | TraceBackend;

/** What building a backend by name may use. */
export interface BackendSettings {
  /** Powertools Tracer kept in step with the handler span (`xray` only). */
  tracer?: PowertoolsTracerLike | undefined;
  /** Options of the `xray` adapter. */
  xray?: Omit<XrayBackendOptions, 'tracer'> | undefined;
  /** Options of the `otel` adapter. */
  otel?: OtelBackendOptions | undefined;
}

const OFF = new Set(['false', 'off', 'none', '0']);

function isBackend(value: unknown): value is TraceBackend {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as TraceBackend).startInvocation === 'function'
  );
}

/**
 * The backend asked for: the option when given, else `SENTINEL_TRACING`
 * (`xray`, `otel`, or `off`), else `xray`. Throws `SentinelConfigError`
 * naming the option (or the variable) for anything else — at construction,
 * never mid-invocation.
 */
export function resolveTracingChoice(
  option: unknown,
  optionName: string,
  env: NodeJS.ProcessEnv = process.env,
): TracingChoice {
  if (option === undefined) {
    const fromEnv = env.SENTINEL_TRACING?.trim().toLowerCase();
    if (!fromEnv) return 'xray';
    if (OFF.has(fromEnv)) return false;
    if (fromEnv === 'xray' || fromEnv === 'otel') return fromEnv;
    throw new SentinelConfigError(
      'SENTINEL_TRACING',
      `expected xray, otel or off; got ${JSON.stringify(env.SENTINEL_TRACING)}`,
    );
  }
  if (option === false || option === 'xray' || option === 'otel' || isBackend(option)) return option;
  throw new SentinelConfigError(
    optionName,
    `expected 'xray', 'otel', false or a TraceBackend; got ${JSON.stringify(option)}`,
  );
}

const EXPORTERS = new Set(['xray-udp', 'otlp-http', 'xray-otlp']);

function expect(condition: boolean, option: string, message: string): void {
  if (!condition) throw new SentinelConfigError(option, message);
}

/**
 * Checks the adapters' options now, at construction (rule 5), although the
 * adapter itself is loaded later. `prefix` names where they were given, e.g.
 * `otel` or `tracingOptions.otel`.
 */
export function checkBackendSettings(settings: BackendSettings, prefix = ''): void {
  const name = (option: string) => `${prefix}${option}`;
  const { otel, xray } = settings;
  if (xray !== undefined) {
    expect(typeof xray === 'object' && xray !== null, name('xray'), 'expected an object');
    const address = xray.daemonAddress;
    expect(
      address === undefined || (typeof address === 'string' && /^[^\s:]+:\d{1,5}$/.test(address)),
      name('xray.daemonAddress'),
      `expected "host:port"; got ${JSON.stringify(address)}`,
    );
  }
  if (otel === undefined) return;
  expect(typeof otel === 'object' && otel !== null, name('otel'), 'expected an object');
  const exporter = otel.exporter ?? process.env.SENTINEL_OTEL_EXPORTER;
  const exporterName = otel.exporter === undefined ? 'SENTINEL_OTEL_EXPORTER' : name('otel.exporter');
  expect(
    exporter === undefined ||
      exporter === '' ||
      (typeof exporter === 'string' && EXPORTERS.has(exporter)) ||
      (typeof exporter === 'object' && exporter !== null && typeof exporter.export === 'function'),
    exporterName,
    `expected ${[...EXPORTERS].join(', ')} or an OpenTelemetry SpanExporter; got ${JSON.stringify(exporter)}`,
  );
  for (const key of ['endpoint', 'region', 'serviceName'] as const) {
    const value = otel[key];
    expect(
      value === undefined || (typeof value === 'string' && value !== ''),
      name(`otel.${key}`),
      'expected a non-empty string',
    );
  }
  if (exporter === 'xray-otlp') {
    expect(
      Boolean(otel.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION),
      name('otel.region'),
      'the X-Ray OTLP endpoint needs a region (or AWS_REGION)',
    );
  }
  const timeout = otel.exportTimeoutMs;
  expect(
    timeout === undefined || (Number.isFinite(timeout) && timeout > 0),
    name('otel.exportTimeoutMs'),
    'expected a positive number of milliseconds',
  );
  expect(
    otel.credentials === undefined || typeof otel.credentials === 'function',
    name('otel.credentials'),
    'expected a function returning Promise<{ accessKeyId, secretAccessKey, sessionToken? }>',
  );
}

/**
 * Builds the chosen backend. The adapters are imported on demand: a function
 * that traces with OpenTelemetry never evaluates the X-Ray SDK, and the other
 * way round (bundlers keep both in the bundle, lazily initialised).
 */
export async function loadBackend(
  choice: TracingChoice,
  settings: BackendSettings,
): Promise<TraceBackend | undefined> {
  if (choice === false) return undefined;
  if (choice === 'xray') {
    const { xrayBackend } = await import('./xray/xray-backend.ts');
    return xrayBackend({ ...settings.xray, ...(settings.tracer ? { tracer: settings.tracer } : {}) });
  }
  if (choice === 'otel') {
    const { otelBackend } = await import('./otel/otel-backend.ts');
    return otelBackend(settings.otel);
  }
  return choice;
}
