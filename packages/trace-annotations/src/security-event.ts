import type { SecurityEvent, SecuritySeverity } from '@lambda-sentinel/core';

const RANK: Record<SecuritySeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The type of the most severe event (the first one recorded among equals). */
export function mostSevereType(events: readonly SecurityEvent[]): string | undefined {
  let worst: SecurityEvent | undefined;
  for (const event of events) {
    if (!worst || RANK[event.severity] > RANK[worst.severity]) worst = event;
  }
  return worst?.type;
}
