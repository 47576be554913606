import { type InvocationSource, invocationState } from '@lambda-sentinel/core';
import type { MiddlewareObj, Request } from '@middy/core';

/**
 * Seeds the per-invocation source cache from `event.__source`, standing in
 * for classification so middleware semantics can be tested on exact sources.
 */
export const seedSource: MiddlewareObj = {
  before: (request: Request) => {
    const seeded = (request.event as { __source?: InvocationSource } | null)?.__source;
    if (seeded) invocationState(request).source = seeded;
  },
};

export interface Recorded {
  phase: 'before' | 'after' | 'onError';
  response?: unknown;
  error?: unknown;
}

/** An outer middleware that records what it sees, like a logger or metrics publisher would. */
export function recorder(log: Recorded[]): MiddlewareObj {
  return {
    before: () => {
      log.push({ phase: 'before' });
    },
    after: (request: Request) => {
      log.push({ phase: 'after', response: request.response });
    },
    onError: (request: Request) => {
      log.push({ phase: 'onError', response: request.response, error: request.error });
    },
  };
}
