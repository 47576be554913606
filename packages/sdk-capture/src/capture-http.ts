import type { Tracer } from '@aws-lambda-powertools/tracer';

// Once per tracer: Powertools subscribes to undici's diagnostics channel per
// call, so a second call would record every fetch twice.
const instrumented = new WeakSet<Tracer>();

/**
 * Makes sure outbound `http`/`https` requests and `fetch` are traced as
 * `remote` subsegments. A Tracer built with `captureHTTPsRequests` (the
 * Powertools default) has done it already. The recorded URLs carry neither
 * `user:password@` nor the query string: the X-Ray SDK and Powertools both
 * drop them, and the tests hold them to it.
 */
export function ensureHttpCapture(tracer: Tracer): void {
  if (instrumented.has(tracer) || !tracer.isTracingEnabled()) return;
  instrumented.add(tracer);
  // Private in the Tracer's types, public at runtime; read, never written.
  if ((tracer as unknown as { captureHTTPsRequests?: boolean }).captureHTTPsRequests) return;
  tracer.provider.captureHTTPsGlobal();
  tracer.provider.instrumentFetch();
}
