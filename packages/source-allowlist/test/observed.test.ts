import { invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { InvocationSourceRejectedError, sourceAllowlist } from '../src/index.ts';
import { observedSource, SeenSignatures } from '../src/observe.ts';

// What an observe-mode line says about a source: exactly the origin fields it
// has, in a fixed order (the line's JSON is its signature), and for a batch
// each distinct record origin once.

const OWN = '123456789012';
const queue = (n: number) => `arn:aws:sqs:us-east-1:${OWN}:q-${n}`;

describe('observedSource', () => {
  it('keeps exactly the origin fields the source has, and nothing else', () => {
    expect(
      observedSource({
        kind: 'apigateway-rest',
        accountId: OWN,
        region: 'eu-west-1',
        apiId: 'a1',
        stage: 'prod',
        method: 'GET',
        path: '/users/42',
        principal: 'alice',
      }),
    ).toStrictEqual({
      kind: 'apigateway-rest',
      accountId: OWN,
      region: 'eu-west-1',
      apiId: 'a1',
      stage: 'prod',
    });
    expect(observedSource({ kind: 'eventbridge', arn: 'arn:aws:events:::rule/r' })).toStrictEqual({
      kind: 'eventbridge',
      arn: 'arn:aws:events:::rule/r',
    });
    expect(observedSource({ kind: 'unknown' })).toStrictEqual({ kind: 'unknown' });
  });

  it('keeps its fields in a fixed order, whatever order the source had them in', () => {
    const json = JSON.stringify(
      observedSource({
        kind: 'apigateway-http',
        stage: 's',
        apiId: 'a',
        region: 'eu-west-1',
        accountId: OWN,
      }),
    );
    expect(json).toBe(
      `{"kind":"apigateway-http","accountId":"${OWN}","region":"eu-west-1","apiId":"a","stage":"s"}`,
    );
  });

  it('lists each distinct record origin of a batch once, with only the fields it has', () => {
    const observed = observedSource({
      kind: 'sqs',
      arn: queue(1),
      records: [
        { arn: queue(1) },
        { arn: queue(1) },
        { arn: queue(2), region: 'eu-west-1' },
        { arn: queue(1) },
        { arn: queue(1), accountId: OWN },
        { arn: queue(1), region: 'eu-west-1' },
      ],
    });
    expect(observed).toStrictEqual({
      kind: 'sqs',
      arn: queue(1),
      records: [
        { arn: queue(1) },
        { arn: queue(2), region: 'eu-west-1' },
        { arn: queue(1), accountId: OWN },
        { arn: queue(1), region: 'eu-west-1' },
      ],
    });
    expect(observedSource({ kind: 'sqs' })).toStrictEqual({ kind: 'sqs', records: [] });
  });

  it('lists at most 100 origins', () => {
    const records = Array.from({ length: 150 }, (_, n) => ({ arn: queue(n) }));
    expect(observedSource({ kind: 'sqs', records }).records).toHaveLength(100);
  });
});

describe('SeenSignatures', () => {
  it('answers true once per signature, and starts over when full', () => {
    const seen = new SeenSignatures(2);
    expect([seen.firstTime('a'), seen.firstTime('a'), seen.firstTime('b'), seen.firstTime('b')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    // full: a third signature clears the memory, so "a" is new again
    expect(seen.firstTime('c')).toBe(true);
    expect(seen.firstTime('c')).toBe(false);
    expect(seen.firstTime('a')).toBe(true);
  });

  it('remembers 1 000 signatures by default', () => {
    const seen = new SeenSignatures();
    for (let i = 0; i < 1000; i++) seen.firstTime(String(i));
    expect(seen.firstTime('999')).toBe(false);
    expect(seen.firstTime('0')).toBe(false);
    expect(seen.firstTime('1000')).toBe(true);
    expect(seen.firstTime('0')).toBe(true);
  });
});

describe('a refusal names the source by exactly what is known of it', () => {
  async function refused(event: unknown, allow: unknown[]) {
    const calls: unknown[] = [];
    const handler = middy(async () => 'ran').use(
      sourceAllowlist({ allow: allow as never, onRefuse: (refusal) => calls.push(refusal) }),
    );
    const { error } = await invoke(handler, event);
    return { error: error as InvocationSourceRejectedError, calls };
  }

  it('a batch: the refused record’s origin, its index, no API fields', async () => {
    const other = `arn:aws:sqs:eu-west-1:210987654321:orders`;
    const { error, calls } = await refused(
      { Records: [{ eventSource: 'aws:sqs', eventSourceARN: other, awsRegion: 'eu-west-1', body: '' }] },
      [{ kind: 'sqs', arn: queue(1) }],
    );
    const source = { kind: 'sqs', arn: other, accountId: '210987654321', region: 'eu-west-1' };
    expect(error).toBeInstanceOf(InvocationSourceRejectedError);
    expect(error.source).toStrictEqual(source);
    expect(calls).toStrictEqual([{ source, reason: 'no_matching_rule', recordIndex: 0 }]);
  });

  it('a direct invocation: only its kind, and no record index', async () => {
    const { error, calls } = await refused({ hello: 'world' }, [{ kind: 'sqs' }]);
    expect(error.source).toStrictEqual({ kind: 'unknown' });
    expect(calls).toStrictEqual([{ source: { kind: 'unknown' }, reason: 'unknown_source' }]);
  });
});
