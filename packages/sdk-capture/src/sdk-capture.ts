import type { Tracer } from '@aws-lambda-powertools/tracer';
import { invocationState, SentinelConfigError } from '@lambda-sentinel/core';
import { createRedactor } from '@lambda-sentinel/redact';
import type { MiddlewareObj, Request } from '@middy/core';
import { captureClient, isAwsClient } from './capture-client.ts';
import { ensureHttpCapture } from './capture-http.ts';
import {
  closeHandlerSegment,
  HANDLER_SEGMENT_SLOT,
  type OpenedHandlerSegment,
  openHandlerSegment,
} from './invocation-segment.ts';
import { redactError } from './redacted-error.ts';

/** A redactor as `@lambda-sentinel/redact`'s `createRedactor()` returns it. */
export interface SdkCaptureRedactor {
  (value: unknown): unknown;
  redactString(value: string): string;
}

export interface SdkCaptureOptions {
  /** The Powertools Tracer of the function. */
  tracer: Tracer;
  /** AWS SDK v3 clients to capture now (same as `captureClient` on each). */
  clients?: readonly unknown[];
  /** Record the handler's response (redacted) as metadata. Off by default: responses carry personal data. */
  captureResponse?: boolean;
  /** Trace outbound `http`/`https` and `fetch`. Default true. */
  captureHttp?: boolean;
  /** Redactor applied to recorded errors and responses. Default: `createRedactor()`. */
  redact?: SdkCaptureRedactor;
}

const INTERNAL_KEY = '@lambda-sentinel/sdk-capture';

function internal(request: Request): Record<string, unknown> {
  return request.internal as Record<string, unknown>;
}

function checkOptions(options: SdkCaptureOptions): void {
  if (!options || typeof options !== 'object') {
    throw new SentinelConfigError('options', 'expected an object with at least { tracer }');
  }
  const tracer = options.tracer as Partial<Tracer> | undefined;
  if (!tracer || typeof tracer.getSegment !== 'function' || typeof tracer.isTracingEnabled !== 'function') {
    throw new SentinelConfigError(
      'tracer',
      'expected a Powertools Tracer (new Tracer() from @aws-lambda-powertools/tracer)',
    );
  }
  if (options.clients !== undefined) {
    if (!Array.isArray(options.clients))
      throw new SentinelConfigError('clients', 'expected an array of AWS SDK v3 clients');
    options.clients.forEach((client, i) => {
      if (!isAwsClient(client)) {
        throw new SentinelConfigError(
          'clients',
          `item ${i} is not an AWS SDK v3 client (no middlewareStack)`,
        );
      }
    });
  }
  for (const flag of ['captureResponse', 'captureHttp'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new SentinelConfigError(flag, 'expected a boolean');
    }
  }
  if (options.redact !== undefined && typeof options.redact?.redactString !== 'function') {
    throw new SentinelConfigError('redact', 'expected a redactor from createRedactor()');
  }
}

function handlerName(request: Request): string {
  return `## ${process.env._HANDLER || request.context?.functionName || 'handler'}`;
}

/**
 * Opens the `## <handler>` subsegment for each invocation and closes it in
 * `after` and `onError`, so AWS SDK, HTTP and SQL subsegments of the
 * invocation nest under it — per invocation, also when Lambda Managed
 * Instances run several at once. Responses are not recorded unless asked;
 * errors are recorded redacted. A no-op when tracing is disabled.
 */
export function sdkCapture(options: SdkCaptureOptions): MiddlewareObj {
  checkOptions(options);
  const { tracer } = options;
  const captureResponse = options.captureResponse ?? false;
  const redactor = options.redact ?? (createRedactor() as SdkCaptureRedactor);
  for (const client of options.clients ?? []) captureClient(tracer, client);
  if (options.captureHttp ?? true) ensureHttpCapture(tracer);
  let warned = false;

  // Rule 1: whatever the SDK does, the handler's result and error pass through.
  const guarded = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (!warned) {
        warned = true;
        console.warn(`[sdk-capture] tracing failed (${what}); the invocation continues untraced`, error);
      }
    }
  };

  const opened = (request: Request): OpenedHandlerSegment | undefined =>
    internal(request)[INTERNAL_KEY] as OpenedHandlerSegment | undefined;

  const close = (request: Request): void => {
    const segment = opened(request);
    if (!segment) return;
    internal(request)[INTERNAL_KEY] = undefined;
    guarded('close', () => closeHandlerSegment(tracer, segment));
  };

  return {
    before(request) {
      if (!tracer.isTracingEnabled()) return;
      guarded('open', () => {
        const segment = openHandlerSegment(tracer, handlerName(request));
        if (!segment) return;
        internal(request)[INTERNAL_KEY] = segment;
        invocationState(request).slots.set(HANDLER_SEGMENT_SLOT, segment.handler);
      });
    },
    after(request) {
      const segment = opened(request);
      if (!segment) return;
      if (captureResponse && request.response !== undefined) {
        guarded('response', () =>
          segment.handler.addMetadata(
            `${handlerName(request).slice(3)} response`,
            redactor(request.response),
          ),
        );
      }
      close(request);
    },
    onError(request) {
      const segment = opened(request);
      if (!segment) return;
      guarded('error', () => segment.handler.addError(redactError(request.error, redactor) as never));
      close(request);
    },
  };
}
