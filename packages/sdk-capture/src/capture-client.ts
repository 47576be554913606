import type { Tracer } from '@aws-lambda-powertools/tracer';

/** The slice of an AWS SDK v3 client capture needs. */
export interface AwsClientLike {
  middlewareStack: { add: unknown; remove: unknown };
}

// Process-wide on purpose: a client is captured once for its whole life,
// whichever invocation or module got to it first.
const capturedClients = new WeakSet<object>();

export function isAwsClient(value: unknown): value is AwsClientLike {
  const stack = (value as { middlewareStack?: { add?: unknown } } | null)?.middlewareStack;
  return typeof stack?.add === 'function';
}

/**
 * Traces every call of an AWS SDK v3 client as an `aws` subsegment (service,
 * operation, and the table name / queue URL / secret id the X-Ray SDK
 * records) under the running invocation's `## handler` subsegment. Call it
 * at module scope, where the client is created; calling it again on the
 * same client does nothing. A no-op when tracing is disabled.
 */
export function captureClient<T>(tracer: Tracer, client: T): T {
  if (!isAwsClient(client) || capturedClients.has(client) || !tracer.isTracingEnabled()) return client;
  capturedClients.add(client);
  try {
    tracer.captureAWSv3Client(client);
  } catch (error) {
    // Rule 1: an unexpected client shape leaves the client working, untraced.
    console.warn('[sdk-capture] could not capture AWS client; its calls are not traced', error);
  }
  return client;
}
