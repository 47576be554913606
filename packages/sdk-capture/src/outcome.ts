import type { Outcome } from './port.ts';

/** X-Ray's reading of an HTTP status: 429 throttle, other 4xx error, 5xx fault. */
export function outcomeOfStatus(status: number | undefined): Outcome {
  if (status === undefined) return 'ok';
  if (status === 429) return 'throttle';
  if (status >= 500 && status <= 599) return 'fault';
  if (status >= 400 && status <= 499) return 'error';
  return 'ok';
}

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
    ? value
    : undefined;
}

/** `statusCode` of an HTTP-shaped handler response (API Gateway, ALB, Function URL, Lattice). */
export function responseStatus(response: unknown): number | undefined {
  if (response === null || typeof response !== 'object') return undefined;
  return numeric((response as { statusCode?: unknown }).statusCode);
}

/**
 * The status an error stands for: an http-errors / Middy `createError`
 * error's `statusCode` or `status`, an AWS SDK error's `$metadata`, and
 * API Gateway's authorizer contract, where `Error('Unauthorized')` is a 401.
 */
export function errorStatus(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { statusCode?: unknown; status?: unknown; message?: unknown; $metadata?: unknown };
  const status =
    numeric(e.statusCode) ??
    numeric(e.status) ??
    numeric((e.$metadata as { httpStatusCode?: unknown } | undefined)?.httpStatusCode);
  if (status !== undefined) return status;
  return e.message === 'Unauthorized' ? 401 : undefined;
}
