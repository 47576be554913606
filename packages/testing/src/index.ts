export { type DynaliteOptions, type DynaliteServer, startDynalite } from './dynalite.ts';
export * as fixtures from './fixtures/index.ts';
export {
  type InvokeOptions,
  type InvokeResult,
  invoke,
  invokeConcurrently,
  type LambdaHandler,
} from './invoke.ts';
export {
  type CapturedOutput,
  type CaptureOptions,
  captureOutput,
  type EmfDocument,
  type LogRecord,
} from './output.ts';
export { renderTrace } from './render-trace.ts';
export { startXRayCollector, type TraceDocument, type XRayCollector } from './xray-collector.ts';
