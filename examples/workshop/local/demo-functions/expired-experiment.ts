/**
 * A function the demo adds (not part of the app): an experiment whose
 * `expires` date has passed and that nobody removed. Its first invocation
 * (per cold start) records a function_expired security event — a WARN line,
 * SecurityEvents{event_type=function_expired}, the alarm alarmDefinitions()
 * makes for it.
 */
import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import { guardOptions } from '../../src/shared/guard.ts';
import { instrumentation } from '../../src/shared/observability.ts';

export const handler = middy(async () => ({ price: 42 })).use(
  sentinel({
    ...instrumentation('pricing-experiment'),
    serviceName: 'pricing-experiment',
    allow: [{ kind: 'unknown' }],
    tags: { lifecycle: 'experimental', expires: '2025-06-30' },
    guard: guardOptions(),
  }),
);
