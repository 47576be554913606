export { activeTrace } from './active-trace.ts';
export { type AwsClientLike, captureClient } from './capture-client.ts';
export { type CaptureMysqlOptions, captureMysql, type SqlTarget, traceSql } from './capture-mysql.ts';
export type { OtelBackendOptions, OtelExporterChoice } from './otel/otel-backend.ts';
export type { AwsCredentials } from './otel/otlp-http-exporter.ts';
export type {
  AnnotationValue,
  InvocationStart,
  InvocationTrace,
  Outcome,
  RedactedError,
  SpanAttributes,
  SpanKind,
  TraceBackend,
  TraceSpan,
} from './port.ts';
export { redactError, type StringRedactor } from './redacted-error.ts';
export { sanitizeSql } from './sanitize-sql.ts';
export { sanitizeUrl } from './sanitize-url.ts';
export {
  DURABLE_SUSPENDED,
  INVOCATION_TRACE_SLOT,
  type SdkCaptureOptions,
  type SdkCaptureRedactor,
  sdkCapture,
} from './sdk-capture.ts';
export type { BackendSettings, TracingChoice } from './select-backend.ts';
export type { PowertoolsTracerLike, XrayBackendOptions } from './xray/xray-backend.ts';
