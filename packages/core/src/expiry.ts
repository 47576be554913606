import { type RequestLike, recordSecurityEvent, type SecurityEvent } from './state.ts';

/**
 * Lifecycle expiry: a function tagged `expires=2026-03-31` should be gone by
 * then. The tag is an ISO 8601 date — the function may run through that day
 * (UTC) — or a date-time with a zone, which is the instant itself.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** The event type an invocation after the `expires` date records, once per cold start. */
export const FUNCTION_EXPIRED = 'function_expired';

function realDay(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Date.UTC rolls 2026-02-30 over to March 2nd: a real day comes back unchanged.
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

/**
 * The instant (epoch ms) from which a function tagged `expires=value` is
 * past its date: the midnight (UTC) after a date, the instant of a
 * date-time. Undefined when `value` is neither, or not a real day.
 */
export function expiryTime(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const date = DATE.exec(value);
  if (date) {
    const [, year, month, day] = date as unknown as [string, string, string, string];
    return realDay(year, month, day) ? Date.UTC(Number(year), Number(month) - 1, Number(day) + 1) : undefined;
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) return undefined;
  const [, year, month, day] = dateTime as unknown as [string, string, string, string];
  if (!realDay(year, month, day)) return undefined;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : undefined;
}

/** What {@link reportExpiry} reads of a function's identity. */
export interface ExpiryFacts {
  /** The `expires` tag, already checked by `functionIdentity`. */
  expires?: string;
  /** The `owner` tag, for the event's detail: who has to act. */
  owner?: string;
  /** The `lifecycle` tag, for the event's detail. */
  lifecycle?: string;
}

// A process-level fact, like "has this process served an invocation": the
// event is reported once per cold start (per process, or per worker thread
// on Managed Instances, where each worker runs init), not once per invocation.
let reported = false;

/**
 * Records a `function_expired` security event (severity `medium`) on the
 * invocation of `request` — or the current one — when `now` is past the
 * function's `expires` date and this process has not reported it yet: one
 * event per cold start, whichever invocation (of many concurrent ones) gets
 * here first. Returns the event when it recorded one.
 */
export function reportExpiry(
  facts: ExpiryFacts,
  request?: RequestLike,
  now: number = Date.now(),
): SecurityEvent | undefined {
  if (reported || facts.expires === undefined) return undefined;
  const at = expiryTime(facts.expires);
  if (at === undefined || now < at) return undefined;
  reported = true;
  return recordSecurityEvent(
    {
      type: FUNCTION_EXPIRED,
      severity: 'medium',
      message: `This function is past its expires date (${facts.expires}): its owner should remove it or renew the date`,
      detail: { expires: facts.expires, owner: facts.owner, lifecycle: facts.lifecycle },
      recordedBy: 'lifecycle',
      // Once per cold start: a resumed durable function in a fresh process is one.
      keepWhenReplaying: true,
    },
    request,
  );
}
