import { classifyEvent, type InvocationSource } from '@lambda-sentinel/core';
import { fixtures } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvocationSourceRejectedError, sourceAllowlist } from '../src/index.ts';

const OWN = '123456789012';
const API = { apiId: 'abc1234567', stage: 'prod' };
const handler = middy(async () => 'handled').use(
  sourceAllowlist({
    allow: [
      { kind: 'sqs', arn: `arn:aws:sqs:us-east-1:${OWN}:orders-*` },
      { kind: 'apigateway-rest', ...API },
    ],
  }),
);
const context = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${OWN}:function:f`,
  awsRequestId: 'r',
} as Context;

/** The rules above, written out by hand, independent of the compiler and matcher. */
function referenceAllows(source: InvocationSource, event: unknown): boolean {
  const sameAccount = (account: string | undefined) => account === undefined || account === OWN;
  if (source.kind === 'sqs') {
    const records = source.records ?? [];
    const raw = (event as { Records?: unknown[] }).Records;
    if (records.length === 0 || (Array.isArray(raw) && raw.length > records.length)) return false;
    return records.every((record) => {
      const arn = record.arn ?? source.arn;
      const fromOrders = arn?.startsWith(`arn:aws:sqs:us-east-1:${OWN}:orders-`) ?? false;
      return fromOrders && sameAccount(record.accountId ?? source.accountId);
    });
  }
  if (source.kind === 'apigateway-rest') {
    return source.apiId === API.apiId && source.stage === API.stage && sameAccount(source.accountId);
  }
  return false;
}

/** Every path into a JSON value, containers included. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.push(...paths(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
    }
  }
  return out;
}

const DELETE = Symbol('delete');
const interesting = fc.oneof(
  fc.constantFrom<unknown>(
    DELETE,
    null,
    '',
    0,
    [],
    {},
    'prod',
    'dev',
    API.apiId,
    'evil000000',
    OWN,
    '999999999999',
    'aws:sqs',
    'aws:sns',
    `arn:aws:sqs:us-east-1:${OWN}:orders-eu`,
    `arn:aws:sqs:us-east-1:${OWN}:payments`,
    'arn:aws:sqs:us-east-1:999999999999:orders-eu',
    `arn:aws:sqs:eu-west-1:${OWN}:orders-eu`,
    `arn:aws:sqs:us-east-1:${OWN}:orders-*`,
    '__proto__',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

function mutate(event: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value === DELETE ? undefined : value;
  let target = event as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === DELETE) delete target[last];
  else target[last] = value;
  return event;
}

const allowedEvents = [
  () => fixtures.sqs({ queueName: 'orders-eu', records: 3 }),
  () => fixtures.apigatewayRest({ ...API, method: 'POST', path: '/orders' }),
];

describe('property: mutations of an allowed event', () => {
  it('are accepted exactly when the re-classified source still satisfies a rule, and never crash', async () => {
    const seen = { allowed: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1),
        fc.array(fc.tuple(fc.nat(), interesting), { minLength: 1, maxLength: 4 }),
        async (which, mutations) => {
          let event: unknown = allowedEvents[which]!();
          for (const [pick, value] of mutations) {
            const all = paths(event);
            event = mutate(event, all[pick % all.length]!, value);
          }
          // Lambda hands the function a JSON-parsed payload.
          event = event === undefined ? undefined : JSON.parse(JSON.stringify(event));
          const expected = referenceAllows(classifyEvent(event), event);
          seen[expected ? 'allowed' : 'refused'] += 1;
          let result: unknown;
          let error: unknown;
          try {
            result = await handler(event as never, context);
          } catch (e) {
            error = e;
          }
          if (expected) {
            expect(error).toBeUndefined();
            expect(result).toBe('handled');
          } else if (error === undefined) {
            expect(result).toMatchObject({ statusCode: 403 });
          } else {
            expect(error).toBeInstanceOf(InvocationSourceRejectedError);
          }
        },
      ),
      { numRuns: 500 },
    );
    // Both outcomes must really be exercised, or the property says nothing.
    expect(seen.allowed).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });
});
