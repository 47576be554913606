import {
  claimInvocationEnd,
  finishIfSuspended,
  finishWhenInvocationEnds,
  functionIdentity,
  invocationSource,
  invocationState,
  reportExpiry,
  SentinelConfigError,
} from '@lambda-sentinel/core';
import { createRedactor } from '@lambda-sentinel/redact';
import { INVOCATION_TRACE_SLOT, type InvocationTrace } from '@lambda-sentinel/sdk-capture';
import type { MiddlewareObj, Request } from '@middy/core';
import { AnnotationWriter } from './annotation-writer.ts';
import type { AnnotationValue } from './limits.ts';
import { principalAnnotation } from './principal.ts';
import { mostSevereType } from './security-event.ts';

/** Options of {@link traceAnnotations}; every one is optional. */
export interface TraceAnnotationsOptions {
  /**
   * @deprecated Not needed any more and ignored: annotations go on the trace
   * `sdkCapture` opened, whichever tracing backend it uses.
   */
  tracer?: unknown;
  /** `Service` annotation; default `POWERTOOLS_SERVICE_NAME`, then the function name. */
  serviceName?: string;
  /**
   * Ownership tags (`owner`, `environment`, `lifecycle`, `expires`, ...); they override
   * `SENTINEL_TAGS`. An invocation after the `expires` date records a `function_expired`
   * security event, once per cold start.
   */
  tags?: Record<string, string>;
  /**
   * Record the principal as a SHA-256 pseudonym (`sha256:<32 hex>`), which
   * still groups traces by caller. Default true: a principal is often an
   * e-mail address or a user name. `false` records it as is.
   */
  hashPrincipal?: boolean;
  /** Your own annotations for the invocation, added after the built-in ones; string values are redacted. */
  annotations?: (request: Request) => Record<string, AnnotationValue>;
  /** Redactor for your annotations' string values. Default: `createRedactor()`. */
  redact?: {
    /** Returns `value` with every secret and personal datum replaced. */
    redactString(value: string): string;
  };
}

const INTERNAL_KEY = '@lambda-sentinel/trace-annotations';

function internal(request: Request): Record<string, unknown> {
  return request.internal as Record<string, unknown>;
}

/** What an invocation's annotations say about the function itself. */
interface IdentityFacts {
  service: string;
  expiry: { expires?: string; owner?: string; lifecycle?: string };
  annotations: readonly (readonly [string, string | undefined])[];
  otherTags?: Record<string, string>;
}

/** Tags that become annotations; every other tag goes to metadata. */
const ANNOTATED_TAGS = ['environment', 'owner', 'lifecycle', 'expires'] as const;

function checkOptions(options: TraceAnnotationsOptions): void {
  if (!options || typeof options !== 'object') {
    throw new SentinelConfigError('options', "expected an object, e.g. { tags: { owner: 'team-a' } }");
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
  if (options.redact !== undefined && typeof options.redact?.redactString !== 'function') {
    throw new SentinelConfigError('redact', 'expected a redactor from createRedactor()');
  }
  // Validates serviceName, tags and SENTINEL_TAGS now rather than at the first invocation.
  functionIdentity(undefined, process.env, { serviceName: options.serviceName, tags: options.tags });
}

/** Your annotations with every string value passed through the redactor (rule 4). */
function redactedValues(
  values: Record<string, AnnotationValue>,
  redactor: { redactString(value: string): string },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = typeof value === 'string' ? redactor.redactString(value) : value;
  }
  return out;
}

/**
 * Annotates the invocation's handler span so traces answer who called
 * (source kind and account, principal, tenant id in tenant isolation mode), which function (service, version,
 * cold start) and whose function (environment, owner, lifecycle, expires), and flags
 * invocations that recorded a security event — with the X-Ray backend as
 * annotations, with OpenTelemetry as attributes X-Ray indexes. Place it
 * inside `sdkCapture`. A no-op when the invocation is not traced.
 */
export function traceAnnotations(options: TraceAnnotationsOptions = {}): MiddlewareObj {
  checkOptions(options);
  const { serviceName, tags } = options;
  const hashPrincipal = options.hashPrincipal ?? true;
  const redactor = options.redact ?? createRedactor();
  const metadataNamespace = (): string =>
    serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'lambda-sentinel';
  let warned = false;

  // Rule 1: annotation trouble is reported once and never reaches the handler;
  // rule 4: the report is redacted like everything else that reaches stdout.
  const guarded = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (!warned) {
        warned = true;
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        console.warn(
          `[trace-annotations] could not annotate the trace (${what}): ${redactor.redactString(detail)}`,
        );
      }
    }
  };

  // Who the function is changes only with its context's version and alias; the environment is
  // fixed for the life of a Lambda process, so it is read when the middleware is first used, not
  // on every invocation (each process.env read is a call into the runtime).
  let identityMemo: { key: string; facts: IdentityFacts } | undefined;
  const identityFacts = (request: Request): IdentityFacts => {
    const context = request.context as Partial<Request['context']> | undefined;
    const key = `${context?.functionName}\u0000${context?.functionVersion}\u0000${context?.invokedFunctionArn}`;
    if (identityMemo?.key !== key) {
      const identity = functionIdentity(request.context, process.env, { serviceName, tags });
      const otherTags = Object.entries(identity.tags).filter(
        ([tag]) => !(ANNOTATED_TAGS as readonly string[]).includes(tag),
      );
      identityMemo = {
        key,
        facts: {
          service: identity.service,
          expiry: { expires: identity.expires, owner: identity.owner, lifecycle: identity.lifecycle },
          annotations: [
            ...ANNOTATED_TAGS.map((tag) => [tag, identity[tag]] as const),
            ['function_version', identity.functionVersion],
          ],
          ...(otherTags.length > 0 ? { otherTags: Object.fromEntries(otherTags) } : {}),
        },
      };
    }
    return identityMemo.facts;
  };

  // The trace sdkCapture opened for this invocation: the two packages meet
  // in core's per-invocation state, not in each other's code.
  const findWriter = (request: Request): AnnotationWriter | undefined => {
    const existing = internal(request)[INTERNAL_KEY] as AnnotationWriter | undefined;
    if (existing) return existing;
    const trace = invocationState(request).slots.get(INVOCATION_TRACE_SLOT) as InvocationTrace | undefined;
    if (!trace) return undefined;
    const writer = new AnnotationWriter(trace);
    internal(request)[INTERNAL_KEY] = writer;
    return writer;
  };

  const annotateSecurityEvents = (request: Request): void => {
    guarded('security_event', () => {
      const events = invocationState(request).securityEvents;
      if (events.length === 0) return;
      const writer = findWriter(request);
      if (!writer) return;
      writer.put('security_event', mostSevereType(events));
      writer.trace.addMetadata(
        'security_events',
        events.map((event) => event.type),
        metadataNamespace(),
      );
    });
  };

  // Durable functions: an invocation that suspends runs no after/onError; its security events
  // are annotated here, before sdkCapture ends the span (finishers run inside out).
  const finishSuspended = (request: unknown): void => annotateSecurityEvents(request as Request);

  return {
    before(request) {
      guarded('durable', () => finishIfSuspended(request, finishSuspended));
      // Traced or not, an invocation after the `expires` date is a security event.
      let facts: IdentityFacts | undefined;
      guarded('expiry', () => {
        facts = identityFacts(request);
        reportExpiry(facts.expiry, request);
      });
      guarded('identity', () => {
        const writer = findWriter(request);
        if (!writer) return;
        const state = invocationState(request);
        facts ??= identityFacts(request);
        const source = invocationSource(request);
        writer.put('Service', facts.service);
        writer.put('ColdStart', state.coldStart);
        for (const [key, value] of facts.annotations) writer.put(key, value);
        writer.put('source_kind', source.kind);
        writer.put('source_account', source.accountId);
        writer.put('principal', principalAnnotation(source.principal, hashPrincipal));
        // Tenant isolation mode: the state's tenant id is already validated; redacted like any value.
        if (state.tenantId !== undefined) writer.put('tenant_id', redactor.redactString(state.tenantId));
        // A durable function resuming: it replays recorded work before it runs anything new.
        if (state.durableReplay) writer.put('durable_replay', true);
        if (facts.otherTags) writer.trace.addMetadata('tags', facts.otherTags, metadataNamespace());
      });
      if (options.annotations) {
        const userAnnotations = options.annotations;
        guarded('annotations callback', () => {
          const writer = findWriter(request);
          if (!writer) return;
          const values = userAnnotations(request);
          if (values && typeof values === 'object') writer.putAll(redactedValues(values, redactor));
        });
      }
    },
    // Security events recorded by the handler and inner middlewares count too.
    after(request) {
      // Response streaming: events recorded while the body streams count too (before the span ends).
      finishWhenInvocationEnds(request, finishSuspended, () => annotateSecurityEvents(request));
    },
    onError(request) {
      if (claimInvocationEnd(request, finishSuspended)) annotateSecurityEvents(request);
    },
  };
}
