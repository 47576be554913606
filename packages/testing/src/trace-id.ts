import { randomBytes } from 'node:crypto';

const ROOT_PATTERN = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/** A new X-Ray root id: `1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>`. */
export function newRootTraceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `1-${epoch}-${randomBytes(12).toString('hex')}`;
}

/**
 * The `_X_AMZN_TRACE_ID` header of an invocation: `Root=...;Parent=<16 hex>;Sampled=1`.
 * `given` may be a full header (kept as is) or a bare root (a parent is added).
 */
export function newTraceHeader(given?: string): string {
  if (given?.includes('Root=')) return given;
  if (given !== undefined && !ROOT_PATTERN.test(given)) {
    throw new TypeError(
      `traceId: expected "Root=1-...;Parent=...;Sampled=1" or "1-xxxxxxxx-<24 hex>", got ${JSON.stringify(given)}`,
    );
  }
  return `Root=${given ?? newRootTraceId()};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
}

/** The `Root=` part of a trace header. */
export function rootOf(header: string): string {
  return /Root=([^;]+)/.exec(header)?.[1] ?? '';
}

/** The `Parent=` part of a trace header. */
export function parentOf(header: string): string | undefined {
  return /Parent=([^;]+)/.exec(header)?.[1];
}
