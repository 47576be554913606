/**
 * `@lambda-sentinel/sdk-capture/otel`: the OpenTelemetry adapter and its
 * exporters, for building the backend yourself (`sdkCapture({ backend:
 * otelBackend({...}) })`) or reusing an exporter.
 *
 * @module
 */
export { XrayDaemonUdpExporter } from './otel/daemon-udp-exporter.ts';
export { type OtelBackendOptions, type OtelExporterChoice, otelBackend } from './otel/otel-backend.ts';
export {
  type AwsCredentials,
  OtlpHttpExporter,
  type OtlpHttpExporterOptions,
} from './otel/otlp-http-exporter.ts';
