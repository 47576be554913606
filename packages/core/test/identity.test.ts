import { functionIdentity, ownAccountId, parseTags, SentinelConfigError } from '@lambda-sentinel/core';
import { invoke } from '@lambda-sentinel/testing';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const context = {
  functionName: 'orders-api',
  functionVersion: '7',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:orders-api:live',
};

function configError(fn: () => unknown): SentinelConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return error as SentinelConfigError;
  }
  throw new Error('expected a SentinelConfigError');
}

describe('functionIdentity', () => {
  it('takes the service from the option, then POWERTOOLS_SERVICE_NAME, then the function name', () => {
    const env = { POWERTOOLS_SERVICE_NAME: 'orders', AWS_LAMBDA_FUNCTION_NAME: 'env-name' };
    expect(functionIdentity(context, env, { serviceName: 'checkout' }).service).toBe('checkout');
    expect(functionIdentity(context, env).service).toBe('orders');
    expect(functionIdentity(context, {}).service).toBe('orders-api');
    expect(functionIdentity(undefined, { AWS_LAMBDA_FUNCTION_NAME: 'env-name' }).service).toBe('env-name');
    expect(functionIdentity(undefined, {}).service).toBe('service_undefined');
  });

  it('takes region and account from the invoked function ARN, name and version from the context', () => {
    expect(functionIdentity(context, { AWS_REGION: 'us-east-1' })).toStrictEqual({
      service: 'orders-api',
      functionName: 'orders-api',
      functionVersion: '7',
      region: 'eu-west-1',
      accountId: '210987654321',
      tags: {},
    });
    expect(ownAccountId(context)).toBe('210987654321');
    expect(ownAccountId({ invokedFunctionArn: 'not-an-arn' })).toBeUndefined();
    expect(ownAccountId(undefined)).toBeUndefined();
  });

  it('falls back to the runtime environment without a context', () => {
    const identity = functionIdentity(undefined, {
      AWS_LAMBDA_FUNCTION_NAME: 'f',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_REGION: 'ap-south-1',
    });
    expect(identity).toStrictEqual({
      service: 'f',
      functionName: 'f',
      functionVersion: '$LATEST',
      region: 'ap-south-1',
      tags: {},
    });
  });

  it('reads the identity of a real invocation from the harness context', async () => {
    const result = await invoke(
      async (_event: unknown, ctx: Context) =>
        functionIdentity(ctx, process.env, { tags: { owner: 'team-a' } }),
      {},
      {
        functionName: 'billing',
        accountId: '333344445555',
        region: 'sa-east-1',
        env: { SENTINEL_TAGS: 'lifecycle=production,environment=prod' },
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.result).toMatchObject({
      service: 'billing',
      functionName: 'billing',
      region: 'sa-east-1',
      accountId: '333344445555',
      owner: 'team-a',
      environment: 'prod',
      lifecycle: 'production',
      tags: { owner: 'team-a', environment: 'prod', lifecycle: 'production' },
    });
  });

  it('reads tags from SENTINEL_TAGS in both formats, options overriding', () => {
    const pairs = functionIdentity(undefined, {
      SENTINEL_TAGS: 'owner=payments, environment=prod,lifecycle=production,cost-center=42',
    });
    expect(pairs).toMatchObject({ owner: 'payments', environment: 'prod', lifecycle: 'production' });
    expect(pairs.tags).toStrictEqual({
      owner: 'payments',
      environment: 'prod',
      lifecycle: 'production',
      'cost-center': '42',
    });
    const json = functionIdentity(undefined, {
      SENTINEL_TAGS: '{"owner":"payments","lifecycle":"experimental"}',
    });
    expect(json.tags).toStrictEqual({ owner: 'payments', lifecycle: 'experimental' });
    const overridden = functionIdentity(
      undefined,
      { SENTINEL_TAGS: 'owner=payments,lifecycle=production' },
      { tags: { owner: 'platform', team: 'core' } },
    );
    expect(overridden.tags).toStrictEqual({ owner: 'platform', lifecycle: 'production', team: 'core' });
    expect(overridden.owner).toBe('platform');
    expect(Object.isFrozen(overridden.tags)).toBe(true);
  });

  it('rejects invalid SENTINEL_TAGS with an error naming the variable', () => {
    for (const bad of [
      'owner',
      '=x',
      'owner=ok,broken',
      '{"owner":',
      '["owner"]',
      '{"owner":42}',
      'bad*key=x',
      `k=${'v'.repeat(257)}`,
    ]) {
      const error = configError(() => functionIdentity(undefined, { SENTINEL_TAGS: bad }));
      expect(error.option).toBe('SENTINEL_TAGS');
      expect(error.message).toMatch(/^SENTINEL_TAGS: /);
    }
  });

  it('rejects bad options naming the option', () => {
    expect(configError(() => functionIdentity(undefined, {}, { serviceName: '' })).option).toBe(
      'serviceName',
    );
    expect(
      configError(() => functionIdentity(undefined, {}, { tags: { owner: 7 as unknown as string } })).option,
    ).toBe('tags');
    expect(
      configError(() =>
        functionIdentity(undefined, {}, { tags: 'owner=x' as unknown as Record<string, string> }),
      ).option,
    ).toBe('tags');
  });
});

describe('parseTags', () => {
  it('is empty for an absent or blank variable and ignores empty pairs', () => {
    expect({ ...parseTags(undefined) }).toStrictEqual({});
    expect({ ...parseTags('   ') }).toStrictEqual({});
    expect({ ...parseTags('a=1,,b=2,') }).toStrictEqual({ a: '1', b: '2' });
  });

  it('allows empty values and values with = in them', () => {
    expect({ ...parseTags('a=,b=x=y') }).toStrictEqual({ a: '', b: 'x=y' });
  });

  it('names the variable it was given', () => {
    expect(configError(() => parseTags('nope', 'MY_TAGS')).option).toBe('MY_TAGS');
  });

  it('cannot be polluted through __proto__', () => {
    const tags = parseTags('{"__proto__":"x","constructor":"y"}');
    expect(Object.getPrototypeOf(tags)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('round-trips any valid tags through both formats', () => {
    const tagChar = fc.constantFrom(...'abcXYZ019_.:/+-@ '.split(''));
    const key = fc
      .string({ unit: tagChar, minLength: 1, maxLength: 20 })
      .filter((k) => k.trim() === k && k !== '' && !k.includes('='));
    const value = fc.string({ unit: tagChar, maxLength: 30 }).filter((v) => v.trim() === v);
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (tags) => {
        const expected = { ...tags };
        expect({ ...parseTags(JSON.stringify(tags)) }).toStrictEqual(expected);
        const pairs = Object.entries(tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        expect({ ...parseTags(pairs) }).toStrictEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

// Exact messages and absent fields, found missing by mutation testing.
const message = (fn: () => unknown) => configError(fn).message;

describe('SENTINEL_TAGS errors say what is wrong', () => {
  it.each([
    ['owner', 'expected key=value pairs separated by commas, got "owner"'],
    ['=x', 'expected key=value pairs separated by commas, got "=x"'],
    ['a=1,   broken  ', 'expected key=value pairs separated by commas, got "broken"'],
    [`a=1,${'k'.repeat(50)}`, `expected key=value pairs separated by commas, got "${'k'.repeat(40)}"`],
    ['{"owner":', 'looks like JSON but does not parse; expected {"owner":"team",...}'],
    ['{"owner": 42}', 'tag "owner" must have a string value of at most 256 tag characters'],
    [`k=${'v'.repeat(257)}`, 'tag "k" must have a string value of at most 256 tag characters'],
    ['bad*key=x', 'tag key "bad*key" is not a valid AWS tag key'],
    [`${'x'.repeat(129)}=v`, `tag key "${'x'.repeat(40)}" is not a valid AWS tag key`],
  ])('%j: %s', (raw, says) => {
    expect(message(() => parseTags(raw))).toBe(`SENTINEL_TAGS: ${says}`);
  });

  it('JSON is what starts with {; anything else is pairs', () => {
    expect(message(() => parseTags('["owner"]'))).toBe(
      'SENTINEL_TAGS: expected key=value pairs separated by commas, got "[\\"owner\\"]"',
    );
    expect(message(() => parseTags('{"a":{"b":"c"}}'))).toBe(
      'SENTINEL_TAGS: tag "a" must have a string value of at most 256 tag characters',
    );
  });
});

describe('SENTINEL_TAGS parsing', () => {
  it('trims the whole variable, each key and each value, and skips blank pairs', () => {
    expect({ ...parseTags('  {"owner":"a"}  ') }).toStrictEqual({ owner: 'a' });
    expect({ ...parseTags(' a = x , , b=  y  ,') }).toStrictEqual({ a: 'x', b: 'y' });
  });
});

describe('functionIdentity: exact answers', () => {
  it('leaves out what it does not know, rather than setting it undefined', () => {
    expect(functionIdentity(undefined, {})).toStrictEqual({ service: 'service_undefined', tags: {} });
    expect(functionIdentity({ invokedFunctionArn: 'arn:aws:lambda' }, {})).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
  });

  it('reads region and account only from a well-formed ARN', () => {
    const identity = (invokedFunctionArn: string) => functionIdentity({ invokedFunctionArn }, {});
    // six parts are enough (arn:partition:service:region:account:resource)
    expect(identity('arn:aws:lambda:eu-west-1:210987654321:orders')).toMatchObject({
      region: 'eu-west-1',
      accountId: '210987654321',
    });
    expect(identity('arn:aws:lambda:eu-west-1:210987654321')).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
    expect(identity('urn:aws:lambda:eu-west-1:210987654321:function:orders')).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
    // empty region or account: left out
    expect(identity('arn:aws:lambda:::function:orders')).toStrictEqual({
      service: 'service_undefined',
      tags: {},
    });
  });

  it('names the option and says what it expects', () => {
    expect(message(() => functionIdentity(undefined, {}, { serviceName: '' }))).toBe(
      'serviceName: expected a non-empty string',
    );
    expect(message(() => functionIdentity(undefined, {}, { serviceName: 42 as never }))).toBe(
      'serviceName: expected a non-empty string',
    );
    expect(message(() => functionIdentity(undefined, {}, { tags: null as never }))).toBe(
      'tags: expected an object of string values',
    );
    expect(message(() => functionIdentity(undefined, {}, { tags: 'owner=x' as never }))).toBe(
      'tags: expected an object of string values',
    );
  });

  it('SentinelConfigError carries its name and option', () => {
    const error = configError(() => functionIdentity(undefined, {}, { serviceName: '' }));
    expect(error.name).toBe('SentinelConfigError');
    expect(error.option).toBe('serviceName');
  });
});

describe('the expires tag', () => {
  it('is part of the identity, from SENTINEL_TAGS or the tags option', () => {
    expect(functionIdentity(undefined, { SENTINEL_TAGS: 'owner=a,expires=2026-03-31' }).expires).toBe(
      '2026-03-31',
    );
    expect(
      functionIdentity(
        undefined,
        { SENTINEL_TAGS: 'expires=2026-03-31' },
        { tags: { expires: '2027-01-01' } },
      ).expires,
    ).toBe('2027-01-01');
    expect(functionIdentity(undefined, {}).expires).toBeUndefined();
  });

  it('is a config error naming the tag and where it came from when it is no date (rule 5)', () => {
    const fromEnv = configError(() => functionIdentity(undefined, { SENTINEL_TAGS: 'expires=31/03/2026' }));
    expect(fromEnv.option).toBe('SENTINEL_TAGS');
    expect(fromEnv.message).toBe(
      'SENTINEL_TAGS: tag "expires" must be an ISO 8601 date (2026-03-31) or a date-time with a zone (2026-03-31T18:00:00Z); got "31/03/2026"',
    );
    const fromOption = configError(() =>
      functionIdentity(undefined, { SENTINEL_TAGS: 'expires=2026-03-31' }, { tags: { expires: 'soon' } }),
    );
    expect(fromOption.option).toBe('tags.expires');
    expect(fromOption.message).toContain('tag "expires"');
  });
});
