import type { InvocationSource } from './source-kinds.ts';

/**
 * Per-invocation state (design rule 2). Lambda Managed Instances run many
 * invocations concurrently in one process, so nothing here lives in a module
 * variable keyed by "the current invocation". The state object hangs off
 * `request.internal` for middlewares, and off the runtime's invocation store
 * (`globalThis.awslambda.InvokeStore`, an AsyncLocalStorage under
 * concurrency) for handler code that has no `request`.
 */

/** How serious a security event is; alarms and dashboards can filter on it. */
export type SecuritySeverity = 'low' | 'medium' | 'high' | 'critical';

/** Known event types; any snake_case name is accepted. */
export type SecurityEventType =
  | 'source_rejected'
  | 'secret_redacted'
  | 'budget_exceeded'
  | 'guard_violation'
  | 'function_expired'
  | (string & {});

/** Facts about a security event: flat scalars only, so they log and annotate as they are. */
export type SecurityEventDetail = Record<string, string | number | boolean | undefined>;

/** What {@link recordSecurityEvent} takes. */
export interface SecurityEventInput {
  /** snake_case, at most 64 characters: it becomes a metric dimension value and an annotation. */
  type: SecurityEventType;
  /** Default `medium`. */
  severity?: SecuritySeverity;
  /** A short human sentence. Never put the secret itself here. */
  message: string;
  /** Non-secret facts (kind, ARN, budget name, measured value...). Flat, small. */
  detail?: SecurityEventDetail;
  /** Which component recorded it, e.g. `source-allowlist`. */
  recordedBy?: string;
  /**
   * Keep the event even while a durable function replays ({@link isReplaying}): it reports
   * something that really happened again in this invocation (code outside durable steps runs
   * again on every replay: a blocked child process, a measured budget), not a replay of work
   * already recorded. Default false: recorded during a replay, the event is dropped.
   */
  keepWhenReplaying?: boolean;
}

/**
 * A recorded security event, as the logger (one WARN line), metrics (`SecurityEvents` by
 * `event_type`) and trace annotations (`security_event`) read it from the invocation state.
 */
export interface SecurityEvent extends Required<Pick<SecurityEventInput, 'type' | 'severity' | 'message'>> {
  /** The input's detail with non-scalar values dropped. */
  detail: SecurityEventDetail;
  /** Which component recorded it, e.g. `source-allowlist`. */
  recordedBy?: string;
  /** Epoch milliseconds. */
  time: number;
  /** True when recorded outside any invocation (at init) and carried into this one. */
  duringInit?: boolean;
  /**
   * True on the event {@link recordSecurityEvent} returns when the invocation was replaying a
   * durable function's recorded work ({@link isReplaying}): such an event is not kept, because
   * it was recorded (logged, counted, annotated) when the work first ran.
   */
  replayed?: boolean;
}

/**
 * What the Sentinel middlewares of one invocation share: created by the first of them
 * ({@link invocationState}), read by handler code through {@link currentInvocationState}.
 */
export interface InvocationState {
  /** The Lambda request id (`context.awsRequestId`). */
  readonly requestId?: string;
  /**
   * The tenant of this invocation when the function runs in tenant isolation mode
   * (`context.tenantId`, else the runtime's invoke store), read once when the state is created.
   * Only a string of 1 to {@link MAX_TENANT_ID_LENGTH} characters with no control characters
   * is kept: anything else (hostile or malformed) leaves it absent, so it never reaches a log
   * line, an annotation or a metric dimension raw.
   */
  readonly tenantId?: string;
  /** Epoch milliseconds when the first Sentinel middleware saw the invocation. */
  readonly startedAt: number;
  /** True for the first invocation this process served. */
  readonly coldStart: boolean;
  /** Security events recorded during this invocation (and any recorded at init, carried into the first). At most 100. */
  readonly securityEvents: SecurityEvent[];
  /** Redactions performed during this invocation, by rule family (never the values). */
  readonly redactions: Record<string, number>;
  /**
   * True when this invocation is a durable function resuming: it began by replaying work an
   * earlier invocation of the same durable execution already did (the durable context's
   * `durableExecutionMode` was `ReplayMode` when the first Sentinel middleware saw it). Absent
   * otherwise. {@link isReplaying} tells whether the invocation is replaying at a given moment.
   */
  readonly durableReplay?: boolean;
  /**
   * True when this invocation of a durable function ended suspended (at a wait, a callback or a
   * retry delay, the SDK answering `PENDING`) and Sentinel's end-of-invocation work was run for
   * it by `finishSuspendedInvocation` instead of `after`. Absent otherwise.
   */
  readonly durableSuspended?: boolean;
  /** The classified source, cached so classification runs once per invocation. */
  source?: InvocationSource;
  /** Namespaced slots for middlewares that need to hand data to each other (e.g. `metrics.timer`). */
  readonly slots: Map<string, unknown>;
}

/** The slice of a Middy request this module needs. */
export interface RequestLike {
  /** Middy's `request.internal`, where the state is kept. */
  internal?: Record<string, unknown>;
  /** The Lambda context; its request id names the state. */
  context?:
    | {
        /** The Lambda request id. */
        awsRequestId?: string;
        /** The tenant id, in tenant isolation mode (validated before use). */
        tenantId?: unknown;
        /**
         * Set by the AWS Durable Execution SDK's context (Middy's `executionModeDurableContext`
         * hands it to middlewares as `request.context`): `ReplayMode` while the invocation
         * replays operations already checkpointed, `ExecutionMode` once it runs new work.
         */
        durableExecutionMode?: unknown;
      }
    | undefined;
}

const INTERNAL_KEY = '@lambda-sentinel/state';
const STORE_KEY = Symbol.for('@lambda-sentinel/state');
const TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const SEVERITIES: ReadonlySet<string> = new Set(['low', 'medium', 'high', 'critical']);
const MAX_EVENTS_PER_INVOCATION = 100;
const MAX_PENDING_INIT_EVENTS = 100;
const REQUEST_ID_KEY = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
// `InvokeStoreBase.PROTECTED_KEYS.TENANT_ID` of `@aws/lambda-invoke-store` (0.3+): read by key,
// so a runtime whose store predates `getTenantId()` still answers.
const TENANT_ID_KEY = Symbol.for('_AWS_LAMBDA_TENANT_ID');
// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The longest tenant id Sentinel keeps (see {@link InvocationState.tenantId}). */
export const MAX_TENANT_ID_LENGTH = 256;

/**
 * `value` when it is a usable tenant id — a string of 1 to {@link MAX_TENANT_ID_LENGTH}
 * characters without control characters — else undefined. The invocation state applies it to
 * what Lambda passes; the logger applies it again to the context Powertools prints.
 */
export function validTenantId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TENANT_ID_LENGTH)
    return undefined;
  return CONTROL_CHARACTERS.test(value) ? undefined : value;
}

/** The slice of the Lambda runtime's invoke store (`@aws/lambda-invoke-store`) Sentinel uses. */
export interface InvokeStoreLike {
  /** True while an invocation runs in this async context. */
  hasContext(): boolean;
  /** A value of the running invocation, by key. */
  get<T>(key: symbol): T | undefined;
  /** Sets a value for the running invocation only. */
  set(key: symbol, value: unknown): void;
  /** The running invocation's `X-Amzn-Trace-Id`. */
  getXRayTraceId(): string | undefined;
}

/**
 * The runtime's invoke store (`globalThis.awslambda.InvokeStore`) while an
 * invocation is running in this async context; undefined outside one, or
 * where the runtime gives none. Under Lambda Managed Instances it is an
 * AsyncLocalStorage per invocation: the place for per-invocation data that
 * code without a `request` must find.
 */
export function invokeStore(): InvokeStoreLike | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStoreLike } }).awslambda?.InvokeStore;
  return store?.hasContext() ? store : undefined;
}

// Process-level facts, not per-invocation state: whether this process has
// served an invocation yet, events recorded before the first one (at init),
// and — only where the runtime gives no invocation store, which means one
// invocation at a time — the most recent invocation's state.
let processHasInvoked = false;
let pendingInitEvents: SecurityEvent[] = [];
let lastStateWithoutStore: InvocationState | undefined;

// The durable execution SDK's modes in which already-recorded work is being replayed
// (`DurableExecutionMode` of `@aws/durable-execution-sdk-js`). Any other value, or none, is
// taken as new work: a garbled mode leads to a signal sent twice, never to one lost.
const REPLAY_MODES: ReadonlySet<string> = new Set(['ReplayMode', 'ReplaySucceededContext']);
// The durable context each invocation state reads its mode from, live (the SDK switches the
// mode from `ReplayMode` to `ExecutionMode` as the handler passes its last recorded operation).
// Keyed by the state, so concurrent invocations never share an entry.
const durableContexts = new WeakMap<InvocationState, object>();

/** The durable context in `context`, or undefined: an object carrying `durableExecutionMode`. */
function durableContextOf(context: unknown): object | undefined {
  try {
    if (context !== null && typeof context === 'object' && 'durableExecutionMode' in context) return context;
  } catch {
    // A hostile context (a Proxy whose `has` throws) is no durable context (rule 1).
  }
  return undefined;
}

function replayingMode(context: object): boolean {
  try {
    const mode = (context as { durableExecutionMode?: unknown }).durableExecutionMode;
    return typeof mode === 'string' && REPLAY_MODES.has(mode);
  } catch {
    return false; // a throwing getter: detection failed, so nothing is suppressed
  }
}

function attachDurableContext(state: InvocationState, context: unknown): void {
  if (durableContexts.has(state)) return;
  const durable = durableContextOf(context);
  if (!durable) return;
  durableContexts.set(state, durable);
  if (replayingMode(durable)) (state as { durableReplay?: boolean }).durableReplay = true;
}

/**
 * True while the invocation of `request` (or, without one, the invocation running in this async
 * context) is replaying work a durable function already did in an earlier invocation: the AWS
 * Durable Execution SDK's context reports `durableExecutionMode` `ReplayMode` (or
 * `ReplaySucceededContext`). Log lines, user metrics and security events produced meanwhile
 * were produced the first time already; Sentinel drops them instead of sending them twice.
 * False outside durable functions, outside an invocation, and whenever the mode cannot be read
 * or is not one the SDK documents (so a detection failure never hides a signal).
 */
export function isReplaying(request?: RequestLike): boolean {
  const state = request ? invocationState(request) : currentInvocationState();
  return state !== undefined && stateReplaying(state);
}

/**
 * True when the invocation of `state` runs in a durable function (its context is the durable
 * SDK's). Internal to core: only such an invocation can end suspended.
 */
export function isDurableInvocation(state: InvocationState): boolean {
  return durableContexts.has(state);
}

function stateReplaying(state: InvocationState): boolean {
  const durable = durableContexts.get(state);
  return durable !== undefined && replayingMode(durable);
}

function createState(requestId: string | undefined, tenantId: string | undefined): InvocationState {
  const state: InvocationState = {
    startedAt: Date.now(),
    coldStart: !processHasInvoked,
    securityEvents: pendingInitEvents,
    redactions: Object.create(null),
    slots: new Map(),
    ...(requestId ? { requestId } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
  processHasInvoked = true;
  pendingInitEvents = [];
  return state;
}

/**
 * The state of the invocation `request` belongs to, created on first use by
 * whichever Sentinel middleware runs first.
 */
export function invocationState(request: RequestLike): InvocationState {
  request.internal ??= {};
  const existing = request.internal[INTERNAL_KEY] as InvocationState | undefined;
  if (existing) return existing;
  const store = invokeStore();
  const fromStore = store?.get<InvocationState>(STORE_KEY);
  const state =
    fromStore ??
    createState(
      request.context?.awsRequestId,
      validTenantId(request.context?.tenantId ?? store?.get(TENANT_ID_KEY)),
    );
  request.internal[INTERNAL_KEY] = state;
  attachDurableContext(state, request.context);
  if (store) {
    if (!fromStore) store.set(STORE_KEY, state);
  } else {
    lastStateWithoutStore = state;
  }
  return state;
}

/**
 * The state of the invocation running in this async context, for code that
 * has no `request` (handler code). Undefined outside an invocation.
 */
export function currentInvocationState(): InvocationState | undefined {
  const store = invokeStore();
  if (store) return store.get<InvocationState>(STORE_KEY) ?? createStateInStore(store);
  return lastStateWithoutStore;
}

// Inside an invocation (the store has a context) but before any middleware
// touched the state — plain handlers, or code running ahead of the first
// Sentinel middleware: create the state here, so the event stays in this
// invocation instead of being taken for an init event and carried into
// another one. `invocationState(request)` later finds it in the store.
function createStateInStore(store: InvokeStoreLike): InvocationState {
  const requestId = store.get<string>(REQUEST_ID_KEY);
  const state = createState(requestId, validTenantId(store.get(TENANT_ID_KEY)));
  store.set(STORE_KEY, state);
  return state;
}

function normaliseEvent(input: SecurityEventInput): SecurityEvent {
  if (!input || typeof input !== 'object') throw new TypeError('recordSecurityEvent: expected an object');
  if (typeof input.type !== 'string' || !TYPE_PATTERN.test(input.type)) {
    throw new TypeError(
      `recordSecurityEvent: type must be snake_case (a-z, 0-9, _), at most 64 characters; got ${JSON.stringify(String(input.type).slice(0, 70))}`,
    );
  }
  const severity = input.severity ?? 'medium';
  if (!SEVERITIES.has(severity)) {
    throw new TypeError(
      `recordSecurityEvent: severity must be low, medium, high or critical; got ${JSON.stringify(severity)}`,
    );
  }
  const detail: SecurityEventDetail = {};
  for (const [key, value] of Object.entries(input.detail ?? {})) {
    if (
      value === undefined ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      detail[key] = value;
    }
  }
  const event: SecurityEvent = {
    type: input.type,
    severity,
    message: String(input.message ?? ''),
    detail,
    time: Date.now(),
  };
  if (input.recordedBy) event.recordedBy = input.recordedBy;
  return event;
}

/**
 * Records a security event on the current invocation (or on `request`'s
 * invocation when given). Outside any invocation — at init — the event is
 * kept and reported with the first invocation. The logger writes one WARN
 * line per event, metrics count them by type, annotations name them.
 *
 * While a durable function replays recorded work ({@link isReplaying}) the event is not kept:
 * it was recorded when that work first ran. The returned event then has `replayed: true`.
 *
 * Throws `TypeError` on a malformed event (a programming error); never
 * throws for lack of an invocation.
 */
export function recordSecurityEvent(input: SecurityEventInput, request?: RequestLike): SecurityEvent {
  const event = normaliseEvent(input);
  const state = request ? invocationState(request) : currentInvocationState();
  if (state) {
    // A durable function replaying: this event was recorded when the work first ran.
    if (input.keepWhenReplaying !== true && stateReplaying(state)) {
      event.replayed = true;
      return event;
    }
    if (state.securityEvents.length < MAX_EVENTS_PER_INVOCATION) state.securityEvents.push(event);
  } else if (pendingInitEvents.length < MAX_PENDING_INIT_EVENTS) {
    event.duringInit = true;
    pendingInitEvents.push(event);
  }
  return event;
}

/**
 * Adds to the redaction counters of the current (or given) invocation, by rule family;
 * the logger's summary line and the metrics read them. Outside an invocation it does nothing.
 */
export function countRedactions(counts: Readonly<Record<string, number>>, request?: RequestLike): void {
  const state = request ? invocationState(request) : currentInvocationState();
  if (!state) return;
  for (const [family, n] of Object.entries(counts)) {
    if (n > 0) state.redactions[family] = (state.redactions[family] ?? 0) + n;
  }
}
