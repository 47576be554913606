import { invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { expiryTime } from '../src/index.ts';

/** A fresh copy of core's modules: a process that has not reported its expiry yet. */
async function coldCore() {
  vi.resetModules();
  return import('../src/index.ts');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const isoDay = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

describe('expiryTime', () => {
  it('lets a function run through its expires day (UTC); a date-time is the instant itself', () => {
    expect(expiryTime('2026-03-31')).toBe(Date.UTC(2026, 3, 1));
    expect(expiryTime('2024-02-29')).toBe(Date.UTC(2024, 2, 1));
    expect(expiryTime('2026-12-31')).toBe(Date.UTC(2027, 0, 1));
    expect(expiryTime('2026-03-31T18:00:00Z')).toBe(Date.UTC(2026, 2, 31, 18));
    expect(expiryTime('2026-03-31T18:00+02:00')).toBe(Date.UTC(2026, 2, 31, 16));
    expect(expiryTime('2026-03-31T18:00:00.250Z')).toBe(Date.UTC(2026, 2, 31, 18, 0, 0, 250));
  });

  it('refuses what is not a real day or has no zone', () => {
    for (const bad of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-00-10',
      '31/03/2026',
      '2026-3-31',
      '2026-03-31T18:00:00', // no zone: whose 18:00?
      '2026-03-31T24:00Z',
      '2026-02-30T10:00Z',
      'tomorrow',
      '',
      ' 2026-03-31',
    ]) {
      expect(expiryTime(bad), bad).toBeUndefined();
    }
    expect(expiryTime(20260331 as unknown as string)).toBeUndefined();
  });

  it('maps every real day to the midnight after it (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00Z'),
          max: new Date('9999-12-30T00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
          expect(expiryTime(isoDay(date))).toBe(day + 86_400_000);
          expect(expiryTime(date.toISOString())).toBe(date.getTime());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('accepts only the two documented shapes (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        if (expiryTime(text) !== undefined)
          expect(text).toMatch(/^\d{4}-\d\d-\d\d(T\d\d:\d\d.*(Z|[+-]\d\d:\d\d))?$/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('reportExpiry', () => {
  const facts = { expires: '2026-03-31', owner: 'team-a', lifecycle: 'experimental' };

  it('records nothing before the date, or without one', async () => {
    const { reportExpiry } = await coldCore();
    expect(reportExpiry(facts, undefined, Date.UTC(2026, 2, 31, 23, 59))).toBeUndefined();
    expect(reportExpiry({}, undefined, Date.UTC(2030, 0, 1))).toBeUndefined();
    // Still reportable: nothing was recorded.
    expect(reportExpiry(facts, undefined, Date.UTC(2026, 3, 1))?.type).toBe('function_expired');
  });

  it('records one function_expired event per cold start, on the invocation that gets there first', async () => {
    const cold = await coldCore();
    const handler = middy(async () => 'ok').use({
      before: (request) => {
        cold.reportExpiry(facts, request, Date.UTC(2026, 3, 2));
      },
      after: (request) => {
        request.response = cold.invocationState(request).securityEvents.map((e) => ({
          type: e.type,
          severity: e.severity,
          detail: e.detail,
          recordedBy: e.recordedBy,
        }));
      },
    });
    const first = await invoke(handler, {});
    expect(first.result).toEqual([
      {
        type: 'function_expired',
        severity: 'medium',
        detail: { expires: '2026-03-31', owner: 'team-a', lifecycle: 'experimental' },
        recordedBy: 'lifecycle',
      },
    ]);
    expect((await invoke(handler, {})).result).toEqual([]);
  });

  it('records exactly one event among 40 concurrent invocations of a fresh process (rule 2)', async () => {
    const cold = await coldCore();
    const handler = middy(async (event: { n: number }) => {
      await sleep(event.n % 3);
      return 'ok';
    }).use({
      before: async (request) => {
        await sleep((request.event as { n: number }).n % 4);
        cold.reportExpiry(facts, request, Date.UTC(2027, 0, 1));
      },
      after: (request) => {
        request.response = cold.invocationState(request).securityEvents.map((e) => e.type);
      },
    });
    const results = await invokeConcurrently(
      handler,
      Array.from({ length: 40 }, (_, n) => ({ n })),
    );
    const counts = results.map((r) => (r.result as string[]).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(results.flatMap((r) => r.result as string[])).toEqual(['function_expired']);
  });
});
