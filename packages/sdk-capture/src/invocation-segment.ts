import { createRequire } from 'node:module';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import xraySdk from 'aws-xray-sdk-core';

const { Segment } = xraySdk;

type XraySegment = InstanceType<typeof xraySdk.Segment>;
export type XraySubsegment = InstanceType<typeof xraySdk.Subsegment>;
/** The parent an SDK, HTTP or SQL subsegment attaches to. */
export type TraceEntity = XraySegment | XraySubsegment;

/** Slot (core's `invocationState(request).slots`) holding this invocation's `## handler` subsegment. */
export const HANDLER_SEGMENT_SLOT = 'sdk-capture.handlerSegment';

// Our own key in the runtime's invoke store: the per-invocation active
// subsegment the X-Ray SDK's context lookup is redirected to.
const ACTIVE_SEGMENT_KEY = Symbol.for('@lambda-sentinel/sdk-capture.activeSegment');

interface InvokeStoreLike {
  hasContext(): boolean;
  get<T>(key: symbol): T | undefined;
  set(key: symbol, value: unknown): void;
  getXRayTraceId(): string | undefined;
}

function invokeStore(): InvokeStoreLike | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStoreLike } }).awslambda?.InvokeStore;
  return store?.hasContext() ? store : undefined;
}

/** The `Root=...;Parent=...;Sampled=...` header of the running invocation. */
export function currentTraceHeader(): string | undefined {
  return invokeStore()?.getXRayTraceId() ?? process.env._X_AMZN_TRACE_ID ?? undefined;
}

interface TraceHeader {
  root: string;
  parent?: string;
  sampled?: string;
}

function parseTraceHeader(header: string): TraceHeader | undefined {
  const fields: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  if (!fields.Root) return undefined;
  return { root: fields.Root, parent: fields.Parent, sampled: fields.Sampled };
}

const noop = (): void => {};

/**
 * A facade segment of our own for one invocation. The X-Ray SDK keeps ONE
 * facade per process and re-points its trace id whenever it sees a new
 * `_X_AMZN_TRACE_ID`; with several invocations in flight (Lambda Managed
 * Instances) a subsegment could be emitted under whichever trace id the
 * facade held last. Ours is fixed to this invocation's trace header. Like the
 * SDK's facade it is never emitted itself (Lambda emits the function segment)
 * and its counter stays high so every closed subsegment streams at once.
 */
function invocationFacade(header: TraceHeader): XraySegment {
  const facade = new Segment('facade', header.root);
  const mutable = facade as unknown as Record<string, unknown>;
  // The function segment Lambda emits has the header's Parent as its id:
  // our subsegments must point at it, as the SDK's facade does.
  if (header.parent) mutable.id = header.parent;
  mutable.counter = Number.MAX_SAFE_INTEGER;
  mutable.incrementCounter = noop;
  mutable.decrementCounter = noop;
  mutable.close = noop;
  mutable.flush = noop;
  mutable.isClosed = () => true;
  mutable.in_progress = false;
  // No Parent or Sampled (Lambda pass-through): propagate the header but record nothing.
  if (!header.parent || !header.sampled) mutable.noOp = true;
  mutable.notTraced = header.sampled !== '1';
  return facade;
}

let contextRedirected = false;

/**
 * Makes the X-Ray SDK's own context lookup (used by its AWS SDK v3 and
 * `http`/`https` patchers, and by user code calling `AWSXRay.getSegment()`)
 * return this invocation's active subsegment from the runtime's invoke store
 * when there is one. The SDK's CLS context is process-wide under concurrent
 * invocations, so without this a DynamoDB call could attach to another
 * invocation's trace. Installed once per process; otherwise falls through.
 */
function redirectSdkContext(): void {
  if (contextRedirected) return;
  contextRedirected = true;
  const require = createRequire(import.meta.url);
  const contextUtils = require('aws-xray-sdk-core/dist/lib/context_utils.js') as {
    getSegment: () => TraceEntity | undefined;
  };
  const sdk = xraySdk as unknown as { getSegment: () => TraceEntity | undefined };
  const original = contextUtils.getSegment;
  const redirected = function getSegment(this: unknown): TraceEntity | undefined {
    const active = invokeStore()?.get<TraceEntity>(ACTIVE_SEGMENT_KEY);
    return active ?? original.call(contextUtils);
  };
  contextUtils.getSegment = redirected;
  sdk.getSegment = redirected;
}

/** The subsegment SDK/HTTP/SQL calls of the running invocation should nest under. */
export function activeSegment(tracer: Tracer): TraceEntity | undefined {
  const fromStore = invokeStore()?.get<TraceEntity>(ACTIVE_SEGMENT_KEY);
  if (fromStore) return fromStore;
  try {
    return tracer.getSegment() as TraceEntity | undefined;
  } catch {
    return undefined;
  }
}

export interface OpenedHandlerSegment {
  handler: XraySubsegment;
  /** What `tracer.getSegment()` returned before, restored on close. */
  previous: TraceEntity | undefined;
}

/**
 * Opens `## <handler>` under this invocation's facade and makes it the active
 * segment for Powertools (`tracer.setSegment`), the X-Ray SDK (via the invoke
 * store) and our own capture. Undefined when there is no trace header.
 */
export function openHandlerSegment(tracer: Tracer, name: string): OpenedHandlerSegment | undefined {
  const header = currentTraceHeader();
  const parsed = header ? parseTraceHeader(header) : undefined;
  if (!parsed) return undefined;
  redirectSdkContext();
  const previous = activeSegment(tracer);
  const facade = invocationFacade(parsed);
  const handler = facade.addNewSubsegment(name);
  tracer.setSegment(handler);
  invokeStore()?.set(ACTIVE_SEGMENT_KEY, handler);
  return { handler, previous };
}

/** Closes the handler subsegment (which streams it to the daemon) and restores the previous segment. */
export function closeHandlerSegment(tracer: Tracer, opened: OpenedHandlerSegment): void {
  const store = invokeStore();
  try {
    if (!opened.handler.isClosed()) opened.handler.close();
  } finally {
    if (store?.get(ACTIVE_SEGMENT_KEY) === opened.handler) store.set(ACTIVE_SEGMENT_KEY, undefined);
    if (opened.previous) tracer.setSegment(opened.previous);
  }
}
