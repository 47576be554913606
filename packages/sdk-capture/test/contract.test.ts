// The tracing contract: the same tests, unchanged, against the X-Ray adapter
// (segment documents over the daemon's UDP protocol) and the OpenTelemetry
// adapter (OTLP datagrams to the daemon), each read back by a real receiver
// of its wire format and viewed as X-Ray would show it.
import './lambda-env.ts';
import { once } from 'node:events';
import http, { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TraceSink } from '@lambda-sentinel/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceBackend } from '../src/port.ts';

const { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand } = await import(
  '@aws-sdk/client-dynamodb'
);
const { default: middy } = await import('@middy/core');
const { invoke, invokeConcurrently, startDynalite } = await import('@lambda-sentinel/testing');
const { recordSecurityEvent } = await import('@lambda-sentinel/core');
const { activeTrace, captureClient, sdkCapture, traceSql } = await import('../src/index.ts');
const { KINDS, sinkAndBackend } = await import('./backends.ts');
const { testRedactor } = await import('./redactor.ts');

const SECRET = 'hunter2-s3cr3t-value';
const WEBHOOK_TOKEN = 'Xq7RtY2uP9wK3mN8vB4cL1dF';
const TABLE = 'orders';

let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let server: Server;
let serverUrl: string;
const seenHeaders: IncomingHttpHeaders[] = [];
let ddb: InstanceType<typeof DynamoDBClient>;

beforeAll(async () => {
  dynalite = await startDynalite();
  ddb = captureClient(new DynamoDBClient(dynalite.clientConfig));
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  server = createServer((req, res) => {
    seenHeaders.push(req.headers);
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ body: `response-body-${req.url}` }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await dynalite?.close();
  server?.close();
});

const putOrder = (id: string) =>
  ddb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: id }, note: { S: 'order note' } } }));

function parentOf(header: string): string {
  return /Parent=([0-9a-f]{16})/.exec(header)?.[1] ?? '';
}

function httpGet(url: string, options: http.RequestOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    // Through the module object: capture is by diagnostics channel, nothing is patched.
    const req = http.request(url, options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A loopback port nothing listens on (a server bound and closed again). */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const sqlite = await import('node:sqlite');

describe.each(KINDS)('%s backend', (kind) => {
  let sink: TraceSink;
  let backend: TraceBackend;

  beforeAll(async () => {
    ({ sink, backend } = await sinkAndBackend(kind));
  });
  afterAll(() => sink?.close());
  beforeEach(() => {
    sink.clear();
    seenHeaders.length = 0;
  });

  const traced = <E, R>(fn: (event: E) => Promise<R>, options: Record<string, unknown> = {}) =>
    middy(fn).use(sdkCapture({ backend, redact: testRedactor, ...options }));

  it('opens the handler span under the function segment and nests AWS SDK, HTTP and SQL spans under it', async () => {
    const db = new sqlite.DatabaseSync(':memory:');
    db.exec('CREATE TABLE users (id INTEGER, email TEXT)');
    const target = { name: 'main@sqlite', system: 'sqlite', database: 'main' };
    const handler = traced(async () => {
      await putOrder('o-1');
      await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'o-1' } } }));
      await (await fetch(`${serverUrl}/fetched?token=${SECRET}&page=2`)).text();
      await httpGet(`${serverUrl}/services/T00000000/B00000000/${WEBHOOK_TOKEN}`, { auth: `user:${SECRET}` });
      await traceSql(target, "INSERT INTO users VALUES (1, 'jane@example.com')", async () =>
        db.prepare("INSERT INTO users VALUES (1, 'jane@example.com')").run(),
      );
      return { statusCode: 200, body: `customer card 4111 1111 1111 1111 ${SECRET}` };
    });

    const run = await invoke(handler, { orderId: 'o-1' });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ statusCode: 200 });
    const { handler: root, spans } = await sink.trace(run.rootTraceId, 6);

    expect(root.parentId).toBe(parentOf(run.traceId));
    expect(root.traceId).toBe(run.rootTraceId);
    expect(root.fault || root.error).toBe(false);

    const aws = spans.filter((s) => s.namespace === 'aws');
    expect(aws.map((s) => s.aws?.operation).sort()).toEqual(['GetItem', 'PutItem']);
    for (const span of aws) {
      expect(span.name).toBe('DynamoDB');
      expect(span.parentId).toBe(root.id);
      expect(span.aws).toMatchObject({ service: 'DynamoDB', tableName: TABLE, region: 'us-east-1' });
      expect(span.aws?.requestId).toMatch(/\w{8,}/);
    }

    const remote = spans.filter((s) => s.namespace === 'remote' && s.http);
    expect(remote.map((s) => s.http?.url).sort()).toEqual([
      `${serverUrl}/fetched`,
      `${serverUrl}/services/T00000000/B00000000/[REDACTED]`,
    ]);
    for (const span of remote) {
      expect(span.parentId).toBe(root.id);
      expect(span.name).toBe('127.0.0.1');
      expect(span.http?.status).toBe(200);
    }
    // The callee got this trace's header, naming the HTTP span as its parent.
    const propagated = seenHeaders.map((h) => String(h['x-amzn-trace-id'] ?? ''));
    expect(propagated).toHaveLength(2);
    for (const header of propagated) {
      expect(header).toContain(`Root=${run.rootTraceId}`);
      expect(remote.map((s) => s.id)).toContain(parentOf(header));
    }

    const sql = spans.find((s) => s.sql);
    expect(sql?.parentId).toBe(root.id);
    expect(sql?.sql).toMatchObject({ databaseType: 'sqlite', query: 'INSERT INTO users VALUES (?, ?)' });

    // Nothing secret, no response body, no item contents, anywhere that reached the daemon.
    const raw = sink.raw();
    for (const leaked of [SECRET, WEBHOOK_TOKEN, 'response-body', '4111', 'order note', 'jane@example.com']) {
      expect(raw).not.toContain(leaked);
    }
  });

  it('annotates the handler span searchably and records metadata', async () => {
    const handler = traced(async () => {
      activeTrace()?.annotate('order_id', 'o-9');
      activeTrace()?.annotate('items', 3);
      activeTrace()?.addMetadata('cart', { lines: 2 }, 'orders');
      return 'ok';
    });
    const run = await invoke(handler, {});
    const { handler: root } = await sink.trace(run.rootTraceId);
    expect(root.annotations).toEqual({ order_id: 'o-9', items: 3 });
    expect(sink.raw()).toContain('lines');
  });

  it('records the handler error redacted, with its cause chain, as a fault', async () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const failure = new Error(`login failed for token ${jwt}`, {
      cause: new Error('AKIAIOSFODNN7EXAMPLE rejected'),
    });
    const handler = traced(async () => {
      await putOrder('o-2');
      throw failure;
    });
    const run = await invoke(handler, {});
    expect(run.error).toBe(failure); // the handler's own error is untouched
    const { handler: root } = await sink.trace(run.rootTraceId, 2);
    expect(root.fault).toBe(true);
    expect(root.error).toBe(false);
    expect(root.exceptions.map((e) => e.message)).toEqual([
      expect.stringContaining('login failed'),
      expect.stringContaining('rejected'),
    ]);
    const raw = sink.raw();
    expect(raw).not.toContain(jwt);
    expect(raw).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('calls a refusal an error, not a fault; a 429 a throttle; a 5xx response a fault', async () => {
    const refused = middy(async () => 'never runs')
      .use(sdkCapture({ backend, redact: testRedactor }))
      .use({
        before: (request) => {
          recordSecurityEvent({ type: 'source_rejected', severity: 'high', message: 'refused' }, request);
          throw new Error('Invocation source not allowed');
        },
      });
    const unauthorized = traced(async () => {
      throw new Error('Unauthorized'); // API Gateway's authorizer contract: a 401
    });
    const throttled = traced(async () => ({ statusCode: 429, body: '' }));
    const broken = traced(async () => ({ statusCode: 503, body: '' }));
    const downstream4xx = traced(async () => {
      await fetch(`${serverUrl}/missing?status=404`);
      return 'ok';
    });

    const runs = {
      refused: await invoke(refused, {}),
      unauthorized: await invoke(unauthorized, {}),
      throttled: await invoke(throttled, {}),
      broken: await invoke(broken, {}),
      downstream4xx: await invoke(downstream4xx, {}),
    };
    const flags = async (run: { rootTraceId: string }, count = 1) => {
      const { handler: root, spans } = await sink.trace(run.rootTraceId, count);
      return { root, spans, f: { error: root.error, fault: root.fault, throttle: root.throttle } };
    };
    expect((await flags(runs.refused)).f).toEqual({ error: true, fault: false, throttle: false });
    expect((await flags(runs.refused)).root.http?.status).toBe(403);
    expect((await flags(runs.unauthorized)).f).toEqual({ error: true, fault: false, throttle: false });
    expect((await flags(runs.throttled)).f).toEqual({ error: true, fault: false, throttle: true });
    expect((await flags(runs.broken)).f).toEqual({ error: false, fault: true, throttle: false });
    const downstream = await flags(runs.downstream4xx, 2);
    expect(downstream.f).toEqual({ error: false, fault: false, throttle: false });
    const call = downstream.spans.find((s) => s.namespace === 'remote');
    expect({ error: call?.error, fault: call?.fault, status: call?.http?.status }).toEqual({
      error: true,
      fault: false,
      status: 404,
    });
  });

  it('records a failed AWS SDK call with its status and a redacted message, and a refused connection as a fault', async () => {
    const secretTable = `orders-${SECRET}`;
    const closedPort = await freePort();
    const handler = traced(async () => {
      await ddb
        .send(new GetItemCommand({ TableName: secretTable, Key: { id: { S: 'x' } } }))
        .catch(() => undefined);
      await httpGet(`http://127.0.0.1:${closedPort}/nothing-listens`).catch(() => undefined);
      return 'ok';
    });
    const run = await invoke(handler, {});
    expect(run.result).toBe('ok');
    const { spans } = await sink.trace(run.rootTraceId, 3);
    const call = spans.find((s) => s.namespace === 'aws');
    expect(call).toMatchObject({ error: true, fault: false, aws: { operation: 'GetItem' } });
    expect(call?.http?.status).toBe(400);
    expect(call?.exceptions[0]?.type).toBe('ResourceNotFoundException');
    const refused = spans.find((s) => s.namespace === 'remote');
    expect(refused).toMatchObject({ fault: true, error: false });
    expect(refused?.exceptions.length).toBeGreaterThan(0);
  });

  it('does not record the response unless asked, and redacts it when asked', async () => {
    const response = { email: 'jane@example.com', total: 42 };
    const quiet = traced(async () => response);
    const verbose = traced(async () => response, { captureResponse: true });
    const quietRun = await invoke(quiet, {});
    await sink.trace(quietRun.rootTraceId);
    expect(sink.raw()).not.toContain('total');
    const verboseRun = await invoke(verbose, {});
    await sink.trace(verboseRun.rootTraceId);
    const raw = sink.raw();
    expect(raw).toContain('total');
    expect(raw).not.toContain('jane@example.com');
  });

  it('leaves HTTP untraced for a middleware with captureHttp off, though another one turned it on', async () => {
    const withHttp = traced(async () => (await fetch(`${serverUrl}/on`)).text());
    const withoutHttp = traced(async () => (await fetch(`${serverUrl}/off`)).text(), { captureHttp: false });
    const [on, off] = await Promise.all([invoke(withHttp, {}), invoke(withoutHttp, {})]);
    expect((await sink.trace(on.rootTraceId, 2)).spans.filter((s) => s.http)).toHaveLength(1);
    const untraced = await sink.trace(off.rootTraceId);
    expect(untraced.spans.filter((s) => s.http)).toEqual([]);
    // Nor is the trace propagated on it.
    const sent = seenHeaders.map((headers) => JSON.stringify(headers));
    expect(sent.filter((h) => h.includes(on.rootTraceId))).toHaveLength(1);
    expect(sent.filter((h) => h.includes(off.rootTraceId))).toEqual([]);
  });

  it('keeps every span on its own trace under 64 interleaved concurrent invocations', async () => {
    const handler = traced(async (event: { id: string }) => {
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      activeTrace()?.annotate('order_id', event.id);
      await putOrder(event.id);
      await (await fetch(`${serverUrl}/c/${event.id}`)).text();
      return event.id;
    });
    const events = Array.from({ length: 64 }, (_, i) => ({ id: `c-${i}` }));
    const runs = await invokeConcurrently(handler, events);
    expect(runs.map((r) => r.result)).toEqual(events.map((e) => e.id));
    for (const [i, run] of runs.entries()) {
      const { handler: root, spans } = await sink.trace(run.rootTraceId, 3);
      expect(root.parentId).toBe(parentOf(run.traceId));
      expect(root.annotations.order_id).toBe(events[i]?.id);
      const children = spans.filter((s) => s.parentId === root.id);
      expect(children.map((s) => s.namespace).sort()).toEqual(['aws', 'remote']);
      expect(children.find((s) => s.namespace === 'remote')?.http?.url).toBe(
        `${serverUrl}/c/${events[i]?.id}`,
      );
      expect(spans).toHaveLength(3);
    }
    expect(sink.count()).toBeGreaterThanOrEqual(64 * 3);
  });

  it('never sends anything more under a later invocation’s trace when an earlier one left a span open', async () => {
    // The X-Ray adapter reuses an ended invocation's root segment. One with a span still open must
    // not be reused: ending that span later made the SDK send the later invocations' handler
    // documents again (and could have sent the span under their trace id).
    let late: ReturnType<NonNullable<ReturnType<typeof activeTrace>>['startSpan']> | undefined;
    const leaky = traced(async () => {
      late = activeTrace()?.startSpan('left-open', 'internal');
      return 'a';
    });
    const plain = traced(async () => 'b');
    const a = await invoke(leaky, {});
    const later = [await invoke(plain, {}), await invoke(plain, {})];
    expect(late).toBeDefined();
    late?.end();
    later.push(await invoke(plain, {}));
    await sink.trace(a.rootTraceId);
    for (const run of later) await sink.trace(run.rootTraceId);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Each later invocation sent exactly one document (span), its handler's, and nothing else
    // carries its trace id: the random part of the id appears once in everything received.
    const received = sink.raw();
    for (const run of later) {
      expect(sink.spans(run.rootTraceId).map((span) => span.name)).toEqual(['## index.handler']);
      expect(received.split(run.rootTraceId.slice(-24)).length - 1, run.rootTraceId).toBe(1);
    }
  });

  it('traces nothing and changes nothing without a usable trace header', async () => {
    const handler = traced(async () => {
      await putOrder('o-untraced');
      return 'ok';
    });
    const headers = [
      'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', // no Parent: Lambda PassThrough
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0',
      'Root=not-a-trace;Parent=53995c3f42cd8ad8;Sampled=1',
      `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;${'x'.repeat(5000)}`,
      ';;;=;Root=;Parent',
    ];
    for (const traceId of headers) {
      const run = await invoke(handler, {}, { traceId });
      expect(run.result).toBe('ok');
    }
    const withoutHeader = await invoke(handler, {}, { traceId: null });
    expect(withoutHeader.result).toBe('ok');
    // A traced invocation after them shows the sink was listening all along.
    const control = await invoke(handler, {});
    await sink.trace(control.rootTraceId, 2);
    expect(sink.count()).toBeLessThanOrEqual(2);
  });

  it('keeps the onion: outer after and onError run, an inner response stays in place', async () => {
    const seen: string[] = [];
    const failure = new Error('boom');
    const handler = middy(async () => {
      throw failure;
    })
      .use({ after: () => void seen.push('outer after'), onError: () => void seen.push('outer onError') })
      .use(sdkCapture({ backend, redact: testRedactor }))
      .use({
        onError: (request) => {
          // An inner error handler answers for the error, as http-error-handler would.
          request.response = { statusCode: 500, body: 'handled' };
        },
      });
    const run = await invoke(handler, {});
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ statusCode: 500, body: 'handled' });
    expect(seen).toEqual(['outer onError']);
    const { handler: root } = await sink.trace(run.rootTraceId);
    expect(root.fault).toBe(true);
  });
});

describe('failure isolation (rule 1)', () => {
  it('passes result and error through when the backend throws, reporting once', async () => {
    const broken = {
      name: 'broken',
      startInvocation: () => {
        throw new Error('backend bug');
      },
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const failure = new Error('handler failure');
      const ok = middy(async () => 'ok').use(sdkCapture({ backend: broken, redact: testRedactor }));
      const failing = middy(async () => {
        throw failure;
      }).use(sdkCapture({ backend: broken, redact: testRedactor }));
      expect((await invoke(ok, {})).result).toBe('ok');
      expect((await invoke(ok, {})).result).toBe('ok');
      expect((await invoke(failing, {})).error).toBe(failure);
      // Once per middleware, however often it fails.
      const reports = warn.mock.calls.filter((c) => String(c[0]).includes('[sdk-capture]'));
      expect(reports).toHaveLength(2);
      expect(String(reports[0]?.[0])).toContain('backend bug');
    } finally {
      warn.mockRestore();
    }
  });

  it('passes the result through when the trace cannot be ended', async () => {
    const trace = {
      traceId: '1-5759e988-bd862e3fe1be46a994272793',
      handlerSpan: { setAttributes() {}, recordError() {}, end() {}, traceHeader: () => '' },
      startSpan: () => trace.handlerSpan,
      annotate() {},
      addMetadata() {},
      recordError() {},
      end: () => Promise.reject(new Error('export exploded')),
    };
    const handler = middy(async () => 'ok').use(
      sdkCapture({ backend: { name: 'rejecting', startInvocation: () => trace }, redact: testRedactor }),
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect((await invoke(handler, {})).result).toBe('ok');
      expect(warn.mock.calls.some((c) => String(c[0]).includes('export exploded'))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
});
