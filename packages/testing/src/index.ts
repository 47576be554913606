export {
  type Bundle,
  type BundleInvocation,
  type BundleInvokeOptions,
  type BundleInvokeResult,
  type BundleOptions,
  bundleHandler,
  invokeBundle,
} from './bundle.ts';
export { type DynaliteOptions, type DynaliteServer, startDynalite } from './dynalite.ts';
export * as fixtures from './fixtures/index.ts';
export {
  type ConcurrentInvokeOptions,
  type InvokeOptions,
  type InvokeResult,
  invoke,
  invokeConcurrently,
  type LambdaHandler,
} from './invoke.ts';
export {
  invokeManagedInstance,
  type ManagedInstanceOptions,
  type ManagedInvocation,
  type ManagedInvocationResult,
  type ManagedWorkerResult,
  managedPlan,
  recordsByInvocation,
} from './managed-instances.ts';
export {
  type OtlpHttpRequest,
  type OtlpReceiver,
  type OtlpSpan,
  type OtlpValue,
  otelTraceId,
  startOtlpReceiver,
} from './otlp-receiver.ts';
export {
  type CapturedOutput,
  type CaptureOptions,
  captureOutput,
  type EmfDocument,
  type LogRecord,
  parseLines,
} from './output.ts';
export { renderSpans, renderTrace } from './render-trace.ts';
export { type SpanView, spanFromOtlp, spanFromXray } from './span-view.ts';
export {
  HANDLER_STREAMING,
  installStreamingRuntime,
  invokeStreaming,
  type ResponseStreamEvent,
  type StreamedResponse,
  type StreamingInvokeResult,
} from './streaming.ts';
export { startTraceSink, startTraceSinks, type TraceSink, type TraceSinks } from './trace-sink.ts';
export { startXRayCollector, type TraceDocument, type XRayCollector } from './xray-collector.ts';
