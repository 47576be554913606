import type { SourceKind } from '@lambda-sentinel/core';

const BODY = JSON.stringify({ message: 'Forbidden' });

/**
 * The 403 for an HTTP kind, in the response shape that kind's integration
 * expects. Generic on purpose: nothing that tells an attacker which rule failed.
 */
export function forbiddenResponse(kind: SourceKind, event: unknown): Record<string, unknown> {
  const response: Record<string, unknown> = { statusCode: 403, isBase64Encoded: false, body: BODY };
  // ALB with multi-value headers enabled rejects a `headers` response, and vice versa.
  const multiValue =
    kind === 'alb' &&
    event !== null &&
    typeof event === 'object' &&
    (event as { multiValueHeaders?: unknown }).multiValueHeaders !== undefined;
  if (multiValue) response.multiValueHeaders = { 'content-type': ['application/json'] };
  else response.headers = { 'content-type': 'application/json' };
  // ALB and VPC Lattice expect a status line description beside the code.
  if (kind === 'alb' || kind === 'vpc-lattice') response.statusDescription = '403 Forbidden';
  return response;
}
