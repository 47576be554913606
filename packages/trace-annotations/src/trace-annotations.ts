import type { Tracer } from '@aws-lambda-powertools/tracer';
import {
  functionIdentity,
  invocationSource,
  invocationState,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import type { MiddlewareObj, Request } from '@middy/core';
import { type AnnotatableSegment, AnnotationWriter } from './annotation-writer.ts';
import type { AnnotationValue } from './limits.ts';
import { principalAnnotation } from './principal.ts';
import { mostSevereType } from './security-event.ts';

export interface TraceAnnotationsOptions {
  /** The Powertools Tracer of the function. */
  tracer: Tracer;
  /** `Service` annotation; default the tracer's service name, then `POWERTOOLS_SERVICE_NAME`, then the function name. */
  serviceName?: string;
  /** Ownership tags (`owner`, `environment`, `lifecycle`, ...); they override `SENTINEL_TAGS`. */
  tags?: Record<string, string>;
  /** Record the principal as a SHA-256 pseudonym instead of as is. Default false. */
  hashPrincipal?: boolean;
  /** Your own annotations for the invocation, added after the built-in ones. */
  annotations?: (request: Request) => Record<string, AnnotationValue>;
}

/**
 * The slot `sdkCapture` publishes the invocation's `## handler` subsegment
 * in (core's per-invocation state), so the two packages meet there and not
 * in each other's code.
 */
const HANDLER_SEGMENT_SLOT = 'sdk-capture.handlerSegment';
const INTERNAL_KEY = '@lambda-sentinel/trace-annotations';

function internal(request: Request): Record<string, unknown> {
  return request.internal as Record<string, unknown>;
}

/** The Tracer's service name (private in its types), unless it is Powertools' placeholder. */
function tracerServiceName(tracer: Tracer): string | undefined {
  const name = (tracer as unknown as { serviceName?: unknown }).serviceName;
  return typeof name === 'string' && name !== 'service_undefined' ? name : undefined;
}
/** Tags that become annotations; every other tag goes to metadata. */
const ANNOTATED_TAGS = ['environment', 'owner', 'lifecycle'] as const;

function checkOptions(options: TraceAnnotationsOptions): void {
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
  if (options.hashPrincipal !== undefined && typeof options.hashPrincipal !== 'boolean') {
    throw new SentinelConfigError('hashPrincipal', 'expected a boolean');
  }
  if (options.annotations !== undefined && typeof options.annotations !== 'function') {
    throw new SentinelConfigError(
      'annotations',
      'expected a function (request) => Record<string, string | number | boolean>',
    );
  }
  // Validates serviceName, tags and SENTINEL_TAGS now rather than at the first invocation.
  functionIdentity(undefined, process.env, { serviceName: options.serviceName, tags: options.tags });
}

function isAnnotatable(segment: unknown): segment is AnnotatableSegment {
  const s = segment as Partial<AnnotatableSegment> | undefined;
  return typeof s?.addAnnotation === 'function' && typeof s.addMetadata === 'function';
}

/**
 * Annotates the invocation's `## handler` subsegment so traces answer who
 * called (source kind and account, principal), which function (service,
 * version, cold start) and whose function (environment, owner, lifecycle),
 * and flags invocations that recorded a security event. Place it inside
 * `sdkCapture`. A no-op when tracing is disabled.
 */
export function traceAnnotations(options: TraceAnnotationsOptions): MiddlewareObj {
  checkOptions(options);
  const { tracer, tags } = options;
  const hashPrincipal = options.hashPrincipal ?? false;
  const serviceName = options.serviceName ?? tracerServiceName(tracer);
  const metadataNamespace = (): string =>
    serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'lambda-sentinel';
  let warned = false;

  // Rule 1: annotation trouble is reported once and never reaches the handler.
  const guarded = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (!warned) {
        warned = true;
        console.warn(`[trace-annotations] could not annotate the trace (${what})`, error);
      }
    }
  };

  const findWriter = (request: Request): AnnotationWriter | undefined => {
    const existing = internal(request)[INTERNAL_KEY] as AnnotationWriter | undefined;
    if (existing) return existing;
    let segment = invocationState(request).slots.get(HANDLER_SEGMENT_SLOT);
    // Without sdkCapture (e.g. with Powertools' captureLambdaHandler), the
    // tracer's current subsegment; never the Lambda facade segment.
    if (!isAnnotatable(segment)) segment = tracer.getSegment();
    if (!isAnnotatable(segment) || (segment as { facade?: boolean }).facade) return undefined;
    const writer = new AnnotationWriter(segment);
    internal(request)[INTERNAL_KEY] = writer;
    return writer;
  };

  const annotateSecurityEvents = (request: Request): void => {
    if (!tracer.isTracingEnabled()) return;
    guarded('security_event', () => {
      const events = invocationState(request).securityEvents;
      if (events.length === 0) return;
      const writer = findWriter(request);
      if (!writer) return;
      writer.put('security_event', mostSevereType(events));
      writer.segment.addMetadata(
        'security_events',
        events.map((event) => event.type),
        metadataNamespace(),
      );
    });
  };

  return {
    before(request) {
      if (!tracer.isTracingEnabled()) return;
      guarded('identity', () => {
        const writer = findWriter(request);
        if (!writer) return;
        const state = invocationState(request);
        const identity = functionIdentity(request.context, process.env, { serviceName, tags });
        const source = invocationSource(request);
        writer.put('Service', identity.service);
        writer.put('ColdStart', state.coldStart);
        for (const tag of ANNOTATED_TAGS) writer.put(tag, identity[tag]);
        writer.put('function_version', identity.functionVersion);
        writer.put('source_kind', source.kind);
        writer.put('source_account', source.accountId);
        writer.put('principal', principalAnnotation(source.principal, hashPrincipal));
        const otherTags = Object.entries(identity.tags).filter(
          ([key]) => !(ANNOTATED_TAGS as readonly string[]).includes(key),
        );
        if (otherTags.length > 0) {
          writer.segment.addMetadata('tags', Object.fromEntries(otherTags), metadataNamespace());
        }
      });
      if (options.annotations) {
        const userAnnotations = options.annotations;
        guarded('annotations callback', () => {
          const writer = findWriter(request);
          const values = userAnnotations(request);
          if (writer && values && typeof values === 'object') writer.putAll(values);
        });
      }
    },
    // Security events recorded by the handler and inner middlewares count too.
    after: annotateSecurityEvents,
    onError: annotateSecurityEvents,
  };
}
