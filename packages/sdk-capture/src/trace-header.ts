import { invokeStore } from '@lambda-sentinel/core';

/** The parts of an `X-Amzn-Trace-Id` header that tracing needs. */
export interface TraceContext {
  /** `1-xxxxxxxx-<24 hex>`. */
  root: string;
  /** The id of the segment the invocation runs under (Lambda's function segment), 16 hex. */
  parent: string;
  sampled: boolean;
}

const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
// Real headers are well under 256 bytes; anything far longer is not one.
const MAX_HEADER_LENGTH = 1024;

/**
 * Parses `Root=...;Parent=...;Sampled=1[;Lineage=...]`. Undefined for a
 * missing, malformed or oversized header, or one without a `Parent` (Lambda's
 * PassThrough mode: nothing to attach spans to). Linear in the header.
 */
export function parseTraceHeader(header: string | undefined): TraceContext | undefined {
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) return undefined;
  let root: string | undefined;
  let parent: string | undefined;
  let sampled: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'Root') root = value;
    else if (key === 'Parent') parent = value;
    else if (key === 'Sampled') sampled = value;
  }
  if (!root || !ROOT.test(root) || !parent || !SPAN_ID.test(parent)) return undefined;
  return { root, parent, sampled: sampled === '1' };
}

/** The header a downstream call made within span `spanId` carries. */
export function formatTraceHeader(root: string, spanId: string, sampled: boolean): string {
  return `Root=${root};Parent=${spanId};Sampled=${sampled ? '1' : '0'}`;
}

/**
 * The running invocation's trace header: from the runtime's invoke store
 * first (the only place it lives under Lambda Managed Instances, where
 * several invocations share the process), then `_X_AMZN_TRACE_ID`.
 */
export function currentTraceHeader(): string | undefined {
  return invokeStore()?.getXRayTraceId() ?? process.env._X_AMZN_TRACE_ID ?? undefined;
}
