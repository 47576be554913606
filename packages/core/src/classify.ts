import type { InvocationSource } from './source-kinds.ts';

/**
 * Names what invoked the function from the shape of `event`. Never throws:
 * anything malformed, hostile or unrecognised is `{ kind: 'unknown' }`.
 */
export function classifyEvent(_event: unknown, _context?: unknown): InvocationSource {
  return { kind: 'unknown' };
}
