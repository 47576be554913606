import './lambda-env.ts';
import { once } from 'node:events';
import http, { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const { Tracer } = await import('@aws-lambda-powertools/tracer');
const { default: AWSXRay } = await import('aws-xray-sdk-core');
const { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand } = await import(
  '@aws-sdk/client-dynamodb'
);
const { default: middy } = await import('@middy/core');
const { invoke, invokeConcurrently, startDynalite, startXRayCollector } = await import(
  '@lambda-sentinel/testing'
);
const { recordSecurityEvent, SentinelConfigError } = await import('@lambda-sentinel/core');
const { captureClient, sdkCapture } = await import('../src/index.ts');
const { testRedactor } = await import('./redactor.ts');

type Collector = Awaited<ReturnType<typeof startXRayCollector>>;
type Doc = Collector['documents'][number];

const SECRET = 'hunter2-s3cr3t-value';
const TABLE = 'orders';

let collector: Collector;
let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let server: Server;
let serverUrl: string;
const tracer = new Tracer({ serviceName: 'orders' });
let ddb: InstanceType<typeof DynamoDBClient>;

beforeAll(async () => {
  collector = await startXRayCollector();
  AWSXRay.setDaemonAddress(collector.address);
  dynalite = await startDynalite();
  ddb = captureClient(tracer, new DynamoDBClient(dynalite.clientConfig));
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ body: `response-body-${req.url}` }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await collector?.close();
  await dynalite?.close();
  server?.close();
});

beforeEach(() => collector.clear());

/** Waits until the `## index.handler` subsegment of `rootTraceId` and `count` docs in all arrived. */
async function traceOf(rootTraceId: string, minDocs = 1): Promise<Doc[]> {
  await collector.waitFor(() => {
    const docs = collector.byTrace(rootTraceId);
    return docs.length >= minDocs && docs.some((d) => d.name === '## index.handler' && !d.in_progress);
  });
  return collector.byTrace(rootTraceId);
}

function parentOf(header: string): string {
  return /Parent=([0-9a-f]{16})/.exec(header)?.[1] ?? '';
}

const putOrder = (id: string) =>
  ddb.send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: id }, note: { S: 'order note' } } }));

describe('sdkCapture', () => {
  it('opens ## handler under the invocation trace and nests aws, fetch and http subsegments under it', async () => {
    const handler = middy(async () => {
      await putOrder('o-1');
      await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'o-1' } } }));
      await (await fetch(`${serverUrl}/fetched?token=${SECRET}&page=2`)).text();
      await new Promise<void>((resolve, reject) => {
        // Through the module object: ESM named imports of builtins are bound before capture patches them.
        const req = http.request(
          `${serverUrl}/requested?X-Amz-Signature=${SECRET}`,
          { auth: `user:${SECRET}` },
          (res) => {
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', reject);
        req.end();
      });
      return { statusCode: 200, body: `customer card 4111 1111 1111 1111 ${SECRET}` };
    }).use(sdkCapture({ tracer, redact: testRedactor }));

    const run = await invoke(handler, { orderId: 'o-1' });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ statusCode: 200 });
    const docs = await traceOf(run.rootTraceId, 5);

    const handlerDoc = docs.find((d) => d.name === '## index.handler');
    expect(handlerDoc?.parent_id).toBe(parentOf(run.traceId));
    expect(handlerDoc?.trace_id).toBe(run.rootTraceId);

    const aws = docs.filter((d) => d.namespace === 'aws');
    expect(aws.map((d) => (d.aws as { operation?: string }).operation).sort()).toEqual([
      'GetItem',
      'PutItem',
    ]);
    for (const d of aws) {
      expect(d.name).toBe('DynamoDB');
      expect(d.parent_id).toBe(handlerDoc?.id);
      expect((d.aws as { table_name?: string }).table_name).toBe(TABLE);
    }

    const remote = docs.filter((d) => d.namespace === 'remote');
    expect(remote).toHaveLength(2);
    for (const d of remote) {
      expect(d.parent_id).toBe(handlerDoc?.id);
      const url = (d.http as { request: { url: string } }).request.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1(:\d+)?\/(fetched|requested)$/);
    }

    // Nothing secret, no response body, anywhere in what reached the daemon.
    const raw = JSON.stringify(collector.documents);
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain('response-body');
    expect(raw).not.toContain('4111');
    expect(raw).not.toContain('order note');
  });

  it('records the handler error redacted and closes the subsegment in onError', async () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const handler = middy(async () => {
      await putOrder('o-2');
      throw new Error(`login failed for token ${jwt}`, { cause: new Error(`AKIAIOSFODNN7EXAMPLE rejected`) });
    }).use(sdkCapture({ tracer, redact: testRedactor }));

    const run = await invoke(handler, {});
    expect((run.error as Error).message).toContain(jwt); // the handler's own error is untouched
    const docs = await traceOf(run.rootTraceId, 2);
    const handlerDoc = docs.find((d) => d.name === '## index.handler');
    expect(handlerDoc?.fault).toBe(true);
    const exceptions =
      (handlerDoc?.cause as { exceptions: { message: string }[] } | undefined)?.exceptions ?? [];
    expect(exceptions[0]?.message).toContain('login failed');
    const raw = JSON.stringify(collector.documents);
    expect(raw).not.toContain(jwt);
    expect(raw).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('does not capture the response unless asked, and redacts it when asked', async () => {
    const handler = middy(async () => ({ email: 'jane@example.com', total: 42 })).use(
      sdkCapture({ tracer, captureResponse: true, redact: testRedactor }),
    );
    const run = await invoke(handler, {});
    const docs = await traceOf(run.rootTraceId);
    const handlerDoc = docs.find((d) => d.name === '## index.handler');
    const metadata = JSON.stringify(handlerDoc?.metadata);
    expect(metadata).toContain('42');
    expect(metadata).not.toContain('jane@example.com');
  });

  it('keeps every subsegment on its own trace under 20 interleaved concurrent invocations', async () => {
    const handler = middy(async (event: { id: string }) => {
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      await putOrder(event.id);
      await (await fetch(`${serverUrl}/c/${event.id}`)).text();
      return event.id;
    }).use(sdkCapture({ tracer, redact: testRedactor }));

    const events = Array.from({ length: 20 }, (_, i) => ({ id: `c-${i}` }));
    const runs = await invokeConcurrently(handler, events);
    expect(runs.map((r) => r.result)).toEqual(events.map((e) => e.id));
    for (const run of runs) {
      const docs = await traceOf(run.rootTraceId, 3);
      const handlerDoc = docs.find((d) => d.name === '## index.handler');
      expect(handlerDoc?.parent_id).toBe(parentOf(run.traceId));
      const children = docs.filter((d) => d.parent_id === handlerDoc?.id);
      expect(children.map((d) => d.namespace).sort()).toEqual(['aws', 'remote']);
      const remote = children.find((d) => d.namespace === 'remote');
      const id = events[runs.indexOf(run)]?.id;
      expect((remote?.http as { request: { url: string } } | undefined)?.request.url).toMatch(
        new RegExp(`/c/${id}$`),
      );
      expect(docs).toHaveLength(3);
    }
    // No document was emitted under a trace id that is not one of ours.
    const ours = new Set(runs.map((r) => r.rootTraceId));
    for (const doc of collector.documents) expect(ours.has(doc.trace_id as string)).toBe(true);
  });

  it('is a no-op when tracing is disabled', async () => {
    const handler = middy(async () => {
      await putOrder('o-off');
      recordSecurityEvent({ type: 'guard_violation', message: 'x' });
      return 'ok';
    });
    const disabled = new Tracer({ enabled: false });
    handler.use(sdkCapture({ tracer: disabled, redact: testRedactor }));
    const run = await invoke(handler, {}, { env: { POWERTOOLS_TRACE_ENABLED: 'false' } });
    expect(run.result).toBe('ok');
    await new Promise((r) => setTimeout(r, 100));
    expect(collector.byTrace(run.rootTraceId).filter((d) => d.name === '## index.handler')).toEqual([]);
  });

  it('leaves the result unchanged when the daemon is unreachable', async () => {
    AWSXRay.setDaemonAddress('127.0.0.1:9'); // discard port: nothing listens
    try {
      const handler = middy(async () => {
        await putOrder('o-down');
        return { ok: true };
      }).use(sdkCapture({ tracer, redact: testRedactor }));
      const run = await invoke(handler, {});
      expect(run.error).toBeUndefined();
      expect(run.result).toEqual({ ok: true });
    } finally {
      AWSXRay.setDaemonAddress(collector.address);
    }
  });

  it('passes result and error through when the tracing SDK throws, warning once', async () => {
    const broken = new Tracer({ serviceName: 'orders' });
    broken.setSegment = () => {
      throw new Error('sdk bug');
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const failure = new Error('handler failure');
      const ok = middy(async () => 'ok').use(sdkCapture({ tracer: broken, redact: testRedactor }));
      const failing = middy(async () => {
        throw failure;
      }).use(sdkCapture({ tracer: broken, redact: testRedactor }));
      expect((await invoke(ok, {})).result).toBe('ok');
      expect((await invoke(ok, {})).result).toBe('ok');
      expect((await invoke(failing, {})).error).toBe(failure);
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('[sdk-capture]'))).toHaveLength(2); // once per middleware
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps the onion: outer after/onError run, handler error passes through unchanged', async () => {
    const seen: string[] = [];
    const failure = new Error('boom');
    const handler = middy(async () => {
      throw failure;
    })
      .use({ after: () => void seen.push('outer after'), onError: () => void seen.push('outer onError') })
      .use(sdkCapture({ tracer, redact: testRedactor }));
    const run = await invoke(handler, {});
    expect(run.error).toBe(failure);
    expect(seen).toEqual(['outer onError']);
  });

  it('captures a client once however often captureClient is called', async () => {
    const client = new DynamoDBClient(dynalite.clientConfig);
    captureClient(tracer, client);
    captureClient(tracer, client);
    const handler = middy(async () => {
      await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'none' } } }));
    }).use(sdkCapture({ tracer, clients: [client], redact: testRedactor }));
    const run = await invoke(handler, {});
    const docs = await traceOf(run.rootTraceId, 2);
    expect(docs.filter((d) => d.namespace === 'aws')).toHaveLength(1);
  });

  it('rejects bad options at construction, naming the option', () => {
    expect(() => sdkCapture({} as never)).toThrow(SentinelConfigError);
    expect(() => sdkCapture({} as never)).toThrow(/tracer/);
    expect(() => sdkCapture({ tracer, clients: [{}] })).toThrow(/clients/);
    expect(() => sdkCapture({ tracer, captureResponse: 'yes' as never })).toThrow(/captureResponse/);
    expect(() => sdkCapture({ tracer, redact: {} as never })).toThrow(/redact/);
  });
});
