import { classifyEvent } from './classify.ts';
import type { InvocationSource } from './source-kinds.ts';
import { invocationState, type RequestLike } from './state.ts';

/**
 * The classified source of `request`'s invocation, computed once and shared
 * by every middleware (allowlist, annotations, logger).
 */
export function invocationSource(request: RequestLike & { event?: unknown }): InvocationSource {
  const state = invocationState(request);
  state.source ??= classifyEvent(request.event, request.context);
  return state.source;
}
