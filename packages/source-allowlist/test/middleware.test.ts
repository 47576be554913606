import { type InvocationSource, invocationState, type SecurityEvent } from '@lambda-sentinel/core';
import { captureOutput, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import {
  type AllowRule,
  InvocationSourceRejectedError,
  type Refusal,
  type SourceAllowlistOptions,
  sourceAllowlist,
} from '../src/index.ts';
import { type Recorded, recorder, seedSource } from './helpers.ts';

const OWN = '123456789012';
const ORDERS = `arn:aws:sqs:us-east-1:${OWN}:orders`;
const EVIL = 'arn:aws:sqs:us-east-1:999999999999:orders';
const allow: AllowRule[] = [
  { kind: 'sqs', arn: ORDERS },
  { kind: ['apigateway-rest', 'apigateway-http', 'alb', 'function-url', 'vpc-lattice'], apiId: 'abc123' },
  { kind: 'alb', arn: `arn:aws:elasticloadbalancing:us-east-1:${OWN}:targetgroup/web/*` },
  { kind: 'vpc-lattice', arn: `arn:aws:vpc-lattice:us-east-1:${OWN}:service/svc-*` },
  { kind: 'apigateway-authorizer-token', apiId: 'abc123' },
];

const sqsSource = (...arns: string[]): InvocationSource => ({
  kind: 'sqs',
  arn: arns[0],
  records: arns.map((arn) => ({ arn, accountId: arn.split(':')[4] })),
});
const event = (source: InvocationSource, extra: Record<string, unknown> = {}) => ({
  __source: source,
  payload: 'card 4111 1111 1111 1111',
  ...extra,
});

interface Harness {
  handler: ReturnType<typeof middy>;
  ran: unknown[];
  log: Recorded[];
  events: SecurityEvent[][];
}

function build(
  options: SourceAllowlistOptions = { allow },
  body: (event: any) => unknown = () => 'ok',
): Harness {
  const ran: unknown[] = [];
  const log: Recorded[] = [];
  const events: SecurityEvent[][] = [];
  const handler = middy(async (e: any) => {
    ran.push(e);
    return body(e);
  })
    .use(recorder(log))
    .use({
      after: (request) => {
        events.push([...invocationState(request).securityEvents]);
      },
      onError: (request) => {
        events.push([...invocationState(request).securityEvents]);
      },
    })
    .use(seedSource)
    .use(sourceAllowlist(options));
  return { handler, ran, log, events };
}

describe('sourceAllowlist, enforce mode', () => {
  it('lets an allowed source through untouched', async () => {
    const h = build();
    const { result, error } = await invoke(h.handler, event(sqsSource(ORDERS, ORDERS)));
    expect(error).toBeUndefined();
    expect(result).toBe('ok');
    expect(h.ran).toHaveLength(1);
    expect(h.log.map((r) => r.phase)).toEqual(['before', 'after']);
    expect(h.events).toEqual([[]]);
  });

  it('refuses a foreign batch with a non-retryable InvocationSourceRejectedError carrying the source, not the payload', async () => {
    const h = build();
    const { error } = await invoke(h.handler, event(sqsSource(ORDERS, EVIL)));
    expect(error).toBeInstanceOf(InvocationSourceRejectedError);
    const rejected = error as InvocationSourceRejectedError;
    expect(rejected.retryable).toBe(false);
    expect(rejected.name).toBe('InvocationSourceRejectedError');
    expect(rejected.reason).toBe('no_matching_rule');
    expect(rejected.source).toEqual({
      kind: 'sqs',
      arn: EVIL,
      accountId: '999999999999',
      region: 'us-east-1',
    });
    expect(JSON.stringify(rejected)).not.toContain('4111');
    expect(rejected.message).not.toContain('999999999999');
    expect(h.ran).toHaveLength(0);
    // The outer middleware's onError still ran (it would log, publish metrics, close the segment).
    expect(h.log.map((r) => r.phase)).toEqual(['before', 'onError']);
    expect(h.log[1]!.error).toBe(error);
  });

  it('records one source_rejected security event with kind, ARN and account only', async () => {
    const h = build();
    await invoke(h.handler, event(sqsSource(ORDERS, EVIL)));
    expect(h.events).toHaveLength(1);
    const [security] = h.events[0]!;
    expect(security).toMatchObject({
      type: 'source_rejected',
      severity: 'high',
      recordedBy: 'source-allowlist',
      detail: {
        kind: 'sqs',
        arn: EVIL,
        accountId: '999999999999',
        reason: 'no_matching_rule',
        recordIndex: 1,
      },
    });
    expect(JSON.stringify(security)).not.toContain('4111');
  });

  it('refuses an empty batch and unknown sources', async () => {
    const h = build();
    const empty = await invoke(h.handler, event({ kind: 'sqs', records: [] }));
    expect((empty.error as InvocationSourceRejectedError).reason).toBe('empty_batch');
    const unknown = await invoke(h.handler, event({ kind: 'unknown' }));
    expect((unknown.error as InvocationSourceRejectedError).reason).toBe('unknown_source');
    expect(h.ran).toHaveLength(0);
  });

  describe('HTTP kinds get a 403 response set in onError, never an early return', () => {
    const forged = { apiId: 'zzz999', accountId: OWN };
    const json = { 'content-type': 'application/json' };
    const body = '{"message":"Forbidden"}';
    it.each([
      ['apigateway-rest', {}, { statusCode: 403, headers: json, body, isBase64Encoded: false }],
      ['apigateway-http', {}, { statusCode: 403, headers: json, body, isBase64Encoded: false }],
      ['function-url', {}, { statusCode: 403, headers: json, body, isBase64Encoded: false }],
      [
        'alb',
        { headers: {} },
        { statusCode: 403, statusDescription: '403 Forbidden', headers: json, body, isBase64Encoded: false },
      ],
      [
        'alb',
        { multiValueHeaders: {} },
        {
          statusCode: 403,
          statusDescription: '403 Forbidden',
          multiValueHeaders: { 'content-type': ['application/json'] },
          body,
          isBase64Encoded: false,
        },
      ],
      [
        'vpc-lattice',
        {},
        { statusCode: 403, statusDescription: '403 Forbidden', headers: json, body, isBase64Encoded: false },
      ],
    ] as const)('%s %j', async (kind, extra, expected) => {
      const h = build();
      const { result, error } = await invoke(h.handler, event({ kind, ...forged }, extra));
      expect(error).toBeUndefined();
      expect(result).toEqual(expected);
      expect(h.ran).toHaveLength(0);
      // Outer onError sees the refusal and the response already in place.
      expect(h.log.map((r) => r.phase)).toEqual(['before', 'onError']);
      expect(h.log[1]!.response).toEqual(expected);
      expect(h.log[1]!.error).toBeInstanceOf(InvocationSourceRejectedError);
      expect(h.events[0]![0]).toMatchObject({ type: 'source_rejected', detail: { kind, apiId: 'zzz999' } });
    });

    it('a handler error on an allowed HTTP request passes through, not turned into a 403', async () => {
      const boom = new Error('handler failed');
      const h = build({ allow }, () => {
        throw boom;
      });
      const { result, error } = await invoke(
        h.handler,
        event({ kind: 'apigateway-rest', apiId: 'abc123', accountId: OWN }),
      );
      expect(error).toBe(boom);
      expect(result).toBeUndefined();
      expect(h.events).toEqual([[]]);
    });
  });

  it('authorizers throw exactly Error("Unauthorized")', async () => {
    const h = build();
    const { error } = await invoke(
      h.handler,
      event({ kind: 'apigateway-authorizer-token', apiId: 'zzz999' }),
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Unauthorized');
    expect(h.ran).toHaveLength(0);
    expect(h.log.map((r) => r.phase)).toEqual(['before', 'onError']);
    expect(h.events[0]![0]).toMatchObject({
      type: 'source_rejected',
      detail: { kind: 'apigateway-authorizer-token' },
    });
  });

  it('calls onRefuse with the refusal; its failure is reported once and changes nothing', async () => {
    const refusals: Refusal[] = [];
    const h = build({
      allow,
      onRefuse: (refusal) => {
        refusals.push(refusal);
        throw new Error('alerting down');
      },
    });
    const out = await captureOutput(async () => [
      await invoke(h.handler, event(sqsSource(EVIL))),
      await invoke(h.handler, event(sqsSource(EVIL))),
      await invoke(h.handler, event(sqsSource(ORDERS))),
    ]);
    const [first, second, allowed] = out.result!;
    expect(first!.error).toBeInstanceOf(InvocationSourceRejectedError);
    expect(second!.error).toBeInstanceOf(InvocationSourceRejectedError);
    expect(allowed!.result).toBe('ok');
    expect(refusals).toEqual([
      {
        source: { kind: 'sqs', arn: EVIL, accountId: '999999999999', region: 'us-east-1' },
        reason: 'no_matching_rule',
        recordIndex: 0,
      },
      {
        source: { kind: 'sqs', arn: EVIL, accountId: '999999999999', region: 'us-east-1' },
        reason: 'no_matching_rule',
        recordIndex: 0,
      },
    ]);
    const reports = out.logs.filter((l) => l.level === 'ERROR');
    expect(reports).toHaveLength(1);
    expect(String(reports[0]!.message)).toContain('onRefuse');
  });

  it('prints the failure reports redacted: an error that quotes a credential does not leak it', async () => {
    const token = `ghp_${'Q7xK9pLm2'.repeat(4)}`;
    const h = build({
      allow,
      onRefuse: () => {
        throw new Error(`webhook rejected Authorization: Bearer ${token} (password=hunter2-Q7x)`);
      },
    });
    const out = await captureOutput(() => invoke(h.handler, event(sqsSource(EVIL))));
    const [report] = out.logs.filter((l) => l.level === 'ERROR');
    expect(String(report!.error)).toContain('webhook rejected Authorization: Bearer [REDACTED:github-token]');
    expect(out.lines.join('\n')).not.toMatch(/ghp_|hunter2/);
  });

  it('keeps decisions per invocation under interleaved concurrent invocations', async () => {
    const h = build({ allow }, async (e) => {
      // Yield so invocations interleave between the allowlist and the handler.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return e.n;
    });
    const events = Array.from({ length: 40 }, (_, n) =>
      event(n % 3 === 0 ? sqsSource(ORDERS, EVIL) : sqsSource(ORDERS), { n }),
    );
    const results = await invokeConcurrently(h.handler, events);
    results.forEach((r, n) => {
      if (n % 3 === 0) expect(r.error, `#${n}`).toBeInstanceOf(InvocationSourceRejectedError);
      else expect(r.result, `#${n}`).toBe(n);
    });
    expect(h.ran).toHaveLength(26);
    const withEvents = h.events.filter((list) => list.length > 0);
    expect(withEvents).toHaveLength(14);
    for (const list of withEvents) expect(list).toHaveLength(1);
  });
});

describe('sourceAllowlist, observe mode', () => {
  it('refuses nothing and logs each distinct source once per process as a JSON line', async () => {
    const h = build({ mode: 'observe', allow });
    const out = await captureOutput(async () => {
      const results = [];
      for (const source of [
        sqsSource(ORDERS),
        sqsSource(ORDERS),
        sqsSource(EVIL),
        { kind: 'unknown' } as const,
      ]) {
        results.push(await invoke(h.handler, event(source)));
      }
      return results;
    });
    expect(out.result!.map((r) => r.result)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(h.events.every((list) => list.length === 0)).toBe(true);
    const lines = out.logs.filter((l) => l.message === 'sentinel source observed');
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'sentinel source observed',
        sentinel: 'source-allowlist',
        invocationSource: { kind: 'sqs', arn: ORDERS, records: [{ arn: ORDERS, accountId: OWN }] },
        allowed: true,
      },
      {
        level: 'INFO',
        message: 'sentinel source observed',
        sentinel: 'source-allowlist',
        invocationSource: { kind: 'sqs', arn: EVIL, records: [{ arn: EVIL, accountId: '999999999999' }] },
        allowed: false,
      },
      {
        level: 'INFO',
        message: 'sentinel source observed',
        sentinel: 'source-allowlist',
        invocationSource: { kind: 'unknown' },
        allowed: false,
      },
    ]);
    expect(out.lines.join('\n')).not.toContain('4111');
  });

  it('writes through a given logger; a throwing logger never breaks the handler', async () => {
    const calls: unknown[][] = [];
    const h = build({
      mode: 'observe',
      logger: {
        info: (...args: unknown[]) => {
          calls.push(args);
          throw new Error('logger broken');
        },
      },
    });
    const out = await captureOutput(() => invoke(h.handler, event(sqsSource(ORDERS))));
    expect(out.result!.result).toBe('ok');
    expect(calls).toEqual([
      [
        'sentinel source observed',
        {
          sentinel: 'source-allowlist',
          invocationSource: { kind: 'sqs', arn: ORDERS, records: [{ arn: ORDERS, accountId: OWN }] },
        },
      ],
    ]);
    expect(out.logs.filter((l) => l.level === 'ERROR')).toHaveLength(1);
  });

  it('logs distinct record origins of a batch once each, bounded', async () => {
    const h = build({ mode: 'observe' });
    const arns = Array.from({ length: 300 }, (_, i) => `${ORDERS}-${i % 150}`);
    const out = await captureOutput(() => invoke(h.handler, event(sqsSource(...arns))));
    const line = out.logs.find((l) => l.message === 'sentinel source observed') as any;
    expect(line.invocationSource.records).toHaveLength(100);
  });
});
