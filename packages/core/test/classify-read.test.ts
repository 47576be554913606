import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountIdOrUndefined,
  applyAccountId,
  applyArn,
  applyRegion,
  arnResource,
  child,
  field,
  hostRegion,
  isArray,
  isObject,
  lengthOf,
  regionOrUndefined,
  text,
} from '../src/classify-read.ts';
import type { InvocationSource, SourceRecord } from '../src/source-kinds.ts';

// The readers classification is built on, against plain reference definitions.
// They are hand-written loops for speed, so the generators aim at their edges:
// lengths 5/6 and 32/33, one and three digits, doubled, leading and trailing
// hyphens, characters just outside a-z and 0-9.

const REGION = /^[a-z]+(?:-[a-z]+)+-\d{1,2}$/;
const referenceRegion = (value: string) => REGION.test(value) && value.length >= 6 && value.length <= 32;

/** Region-like strings and their near misses. */
const regionish = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-z`{]{0,9}$/), { minLength: 1, maxLength: 4 }),
    fc.stringMatching(/^[0-9/:]{0,3}$/),
    fc.constantFrom('', '-', 'A'),
  )
  .map(([groups, digits, edge]) => `${edge}${groups.join('-')}-${digits}`);
const real = fc.constantFrom(
  'us-east-1',
  'eu-central-2',
  'us-gov-west-1',
  'cn-northwest-1',
  'us-isob-east-1',
);

describe('regionOrUndefined', () => {
  it('accepts exactly <letters>(-<letters>)+-<1-2 digits> of 6 to 32 characters', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.oneof(regionish, real, fc.string({ maxLength: 40, size: 'max' })), (value) => {
        const expected = referenceRegion(value);
        seen.add(`${expected}`);
        if (value.length === 6 || value.length === 32) seen.add(`at ${value.length}`);
        expect(regionOrUndefined(value)).toBe(expected ? value : undefined);
      }),
      { numRuns: 2000 },
    );
    expect(seen).toEqual(new Set(['true', 'false', 'at 6', 'at 32']));
  });

  it('at the edges', () => {
    for (const ok of ['ab-c-1', 'us-east-12', 'us-east-10', 'eu-zurich-1', `${'a'.repeat(28)}-b-1`])
      expect(regionOrUndefined(ok)).toBe(ok);
    for (const bad of [
      'a-b-1', // 5 characters
      `${'a'.repeat(29)}-b-1`, // 33
      'us-east-123',
      'us-east-',
      'us-east',
      'useast-1',
      '-us-east-1',
      'us--east-1',
      'us-east--1',
      'us-East-1',
      'us-east-1a',
      'us-ea`t-1',
      'us-ea{t-1',
      'us-east-/',
      'us-east-:',
      42,
      undefined,
    ])
      expect(regionOrUndefined(bad)).toBeUndefined();
  });
});

describe('accountIdOrUndefined', () => {
  it('accepts exactly twelve ASCII digits', () => {
    const digitsish = fc.stringMatching(/^[0-9/:a]{10,14}$/);
    fc.assert(
      fc.property(fc.oneof(digitsish, fc.stringMatching(/^\d{11,13}$/), fc.anything()), (value) => {
        const expected = typeof value === 'string' && /^\d{12}$/.test(value);
        expect(accountIdOrUndefined(value)).toBe(expected ? value : undefined);
      }),
      { numRuns: 1000 },
    );
    expect(accountIdOrUndefined('123456789012')).toBe('123456789012');
    for (const bad of ['12345678901', '1234567890123', '12345678901/', '12345678901:', '１23456789012'])
      expect(accountIdOrUndefined(bad)).toBeUndefined();
  });
});

describe('applyArn and arnResource', () => {
  /** arn:partition:service:region:account:resource, split the obvious way. */
  function reference(arn: string): { arn: string; region?: string; accountId?: string; resource?: string } {
    const parts = arn.split(':');
    if (parts[0] !== 'arn' || parts.length < 6) return { arn };
    const out: { arn: string; region?: string; accountId?: string; resource?: string } = {
      arn,
      resource: parts.slice(5).join(':'),
    };
    if (referenceRegion(parts[3] as string)) out.region = parts[3] as string;
    if (/^\d{12}$/.test(parts[4] as string)) out.accountId = parts[4] as string;
    return out;
  }
  const part = fc.oneof(
    fc.constantFrom('', 'aws', 'sqs', 'eu-west-1', 'us-gov-west-1', '123456789012', 'queue', 'a:b', 'x/y'),
    fc.stringMatching(/^[a-z0-9-]{0,8}$/),
  );
  const arnish = fc
    .tuple(fc.constantFrom('arn', 'arn', 'urn', 'ARN', ''), fc.array(part, { maxLength: 7 }))
    .map(([head, parts]) => [head, ...parts].join(':'));

  it('takes region and account from a well-formed ARN, the resource after the fifth colon', () => {
    fc.assert(
      fc.property(arnish, (arn) => {
        const { resource, ...expected } = reference(arn);
        const target: SourceRecord = {};
        applyArn(target, arn);
        expect(target).toStrictEqual(expected);
        expect(arnResource(arn)).toBe(resource);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps what the target already has, and ignores an undefined ARN', () => {
    const target: SourceRecord = { region: 'ap-south-1', accountId: '111111111111' };
    applyArn(target, 'arn:aws:sqs:eu-west-1:222222222222:queue');
    expect(target).toStrictEqual({
      arn: 'arn:aws:sqs:eu-west-1:222222222222:queue',
      region: 'ap-south-1',
      accountId: '111111111111',
    });
    const untouched: SourceRecord = {};
    applyArn(untouched, undefined);
    expect(untouched).toStrictEqual({});
    // too few colons: the ARN is kept, nothing is read from it
    const short: SourceRecord = {};
    applyArn(short, 'arn:aws:sqs:eu-west-1');
    expect(short).toStrictEqual({ arn: 'arn:aws:sqs:eu-west-1' });
    expect(arnResource('arn:aws:sqs:eu-west-1')).toBeUndefined();
    expect(arnResource('arn:aws:sqs:eu-west-1:222222222222:')).toBe('');
  });

  it('applyRegion and applyAccountId fill only what is missing, only with valid values', () => {
    const target: InvocationSource = { kind: 'unknown' };
    applyRegion(target, 'not a region');
    applyAccountId(target, '12');
    expect(target).toStrictEqual({ kind: 'unknown' });
    applyRegion(target, 'eu-west-1');
    applyAccountId(target, '123456789012');
    applyRegion(target, 'us-east-1');
    applyAccountId(target, '999999999999');
    expect(target).toStrictEqual({ kind: 'unknown', region: 'eu-west-1', accountId: '123456789012' });
  });
});

describe('hostRegion', () => {
  it('reads the label after the service label, when there is one before it and a dot after', () => {
    expect(hostRegion('abc.execute-api.us-east-1.amazonaws.com', '.execute-api.')).toBe('us-east-1');
    expect(hostRegion('abc.lambda-url.eu-west-1.on.aws', '.lambda-url.')).toBe('eu-west-1');
    expect(hostRegion('.execute-api.us-east-1.amazonaws.com', '.execute-api.')).toBeUndefined();
    expect(hostRegion('abc.execute-api.us-east-1', '.execute-api.')).toBeUndefined();
    expect(hostRegion('abc.execute-api.nowhere.amazonaws.com', '.execute-api.')).toBeUndefined();
    expect(hostRegion('abc.other.us-east-1.amazonaws.com', '.execute-api.')).toBeUndefined();
  });
});

describe('guarded reads', () => {
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
    },
  );
  const throwingArray = new Proxy([], {
    getPrototypeOf() {
      throw new Error('trap');
    },
  });

  it('read only objects, and answer undefined where a read throws', () => {
    for (const value of [null, undefined, 'text', 42, true]) {
      expect(isObject(value)).toBe(false);
      expect(field(value, 'length')).toBeUndefined();
    }
    expect(isObject({})).toBe(true);
    expect(isObject([])).toBe(true);
    expect(field(hostile, 'x')).toBeUndefined();
    expect(field({ x: 0 }, 'x')).toBe(0);
    expect(text({ x: '' }, 'x')).toBeUndefined();
    expect(text({ x: 'y' }, 'x')).toBe('y');
    expect(text({ x: 1 }, 'x')).toBeUndefined();
    expect(child({ x: null }, 'x')).toBeUndefined();
    expect(child({ x: 'y' }, 'x')).toBeUndefined();
    expect(child({ x: [] }, 'x')).toEqual([]);
    expect(isArray([])).toBe(true);
    expect(isArray({ length: 1 })).toBe(false);
    expect(isArray(throwingArray)).toBe(true);
    const revoked = Proxy.revocable([], {});
    revoked.revoke();
    expect(isArray(revoked.proxy)).toBe(false);
  });

  it('lengthOf caps the length and counts nothing that is not a positive number', () => {
    expect(lengthOf([1, 2, 3], 10)).toBe(3);
    expect(lengthOf([1, 2, 3], 2)).toBe(2);
    expect(lengthOf([], 10)).toBe(0);
    for (const length of [-1, 0, '3', Number.NaN, undefined])
      expect(lengthOf({ length } as unknown as unknown[], 10)).toBe(0);
    expect(lengthOf({ length: 1e9 } as unknown as unknown[], 10)).toBe(10);
  });
});
