// Lambda Managed Instances as the Node.js runtime runs them: worker threads in
// one execution environment, each importing the bundled handler itself (init
// once per worker), many invocations at once in each. sdkCapture alone, with
// each tracing backend: every invocation's handler span is on its own trace
// under its own parent, and the calls it makes — a DynamoDB PutItem (dynalite)
// and a fetch to a loopback server — land under that span, with the callee
// seeing that trace's header.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type Bundle,
  bundleHandler,
  type DynaliteServer,
  invokeManagedInstance,
  managedPlan,
  startDynalite,
  startTraceSinks,
  type TraceSinks,
} from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SDK_CAPTURE = resolve(import.meta.dirname, '../src/index.ts');
const TABLE = 'orders';
const WORKERS = 3;
const PER_WORKER = 10;

const handlerSource = `
import { threadId } from 'node:worker_threads';
import middy from '@middy/core';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { activeTrace, sdkCapture } from ${JSON.stringify(SDK_CAPTURE)};

const ddb = new DynamoDBClient({
  endpoint: process.env.DDB_ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDLOCALDYNALITE', secretAccessKey: 'local-dynalite-secret' },
});
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = middy(async (event) => {
  const n = event.n;
  await pause((n * 7) % 11);
  activeTrace()?.annotate('n', n);
  await ddb.send(new PutItemCommand({ TableName: ${JSON.stringify(TABLE)}, Item: { id: { S: 'order-' + n } } }));
  await pause((n * 3) % 7);
  await (await fetch(process.env.SERVER_URL + '/n/' + n)).text();
  return { n, worker: threadId };
}).use(sdkCapture({ clients: [ddb] }));
`;

let bundle: Bundle;
let dynalite: DynaliteServer;
let server: Server;
let serverUrl: string;
/** The `X-Amzn-Trace-Id` the loopback server received, by the `n` in the path. */
const received = new Map<number, string>();
let sinks: TraceSinks;

beforeAll(async () => {
  dynalite = await startDynalite();
  await new DynamoDBClient(dynalite.clientConfig).send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  server = createServer((req, res) => {
    const n = Number(/^\/n\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
    received.set(n, String(req.headers['x-amzn-trace-id'] ?? ''));
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sinks = await startTraceSinks();
  bundle = await bundleHandler({ source: handlerSource, resolveDir: import.meta.dirname, format: 'esm' });
}, 60_000);

afterAll(async () => {
  await sinks?.close();
  await dynalite?.close();
  server?.close();
});

describe.each(['xray', 'otel'] as const)('sdkCapture on Lambda Managed Instances, %s backend', (kind) => {
  it(`${WORKERS} workers × ${PER_WORKER} concurrent invocations: every span on its own invocation's trace`, async () => {
    const sink = sinks[kind];
    sink.clear();
    received.clear();
    const plan = managedPlan(WORKERS, PER_WORKER, (n) => ({ event: { n } }));
    const workers = await invokeManagedInstance(bundle.file, plan, {
      functionName: 'lmi-sdk-capture',
      xrayDaemonAddress: sink.address,
      env: { SENTINEL_TRACING: kind, DDB_ENDPOINT: dynalite.endpoint, SERVER_URL: serverUrl },
      deadlineMs: 30_000,
    });
    expect(new Set(workers.map((w) => w.threadId)).size).toBe(WORKERS);
    const roots = new Set(workers.flatMap((w) => w.invocations.map((i) => i.rootTraceId)));
    expect(roots.size).toBe(WORKERS * PER_WORKER);

    let spans = 0;
    for (const [w, worker] of workers.entries()) {
      for (const [i, invocation] of worker.invocations.entries()) {
        const n = w * PER_WORKER + i;
        expect(invocation.error, `invocation ${n}`).toBeUndefined();
        expect(invocation.result).toEqual({ n, worker: worker.threadId });
        const trace = await sink.trace(invocation.rootTraceId, 3);
        const { handler } = trace;
        // The handler span: under this invocation's own parent, annotated with its own n.
        expect(handler.traceId).toBe(invocation.rootTraceId);
        expect(handler.parentId, `invocation ${n}`).toBe(invocation.parentId);
        expect(handler.annotations.n).toBe(n);
        // Exactly its own calls, under its own handler span.
        const children = trace.spans.filter((span) => span !== handler);
        expect(children.map((span) => span.parentId)).toEqual([handler.id, handler.id]);
        const aws = children.find((span) => span.namespace === 'aws');
        expect(aws?.aws).toMatchObject({ operation: 'PutItem', tableName: TABLE });
        const remote = children.find((span) => span.namespace === 'remote');
        expect(remote?.http?.url).toBe(`${serverUrl}/n/${n}`);
        // The callee got this invocation's trace, naming its own HTTP span as the parent.
        expect(received.get(n)).toContain(`Root=${invocation.rootTraceId};Parent=${remote?.id}`);
        spans += trace.spans.length;
      }
    }
    // Nothing else arrived: no span outside these traces, none twice.
    expect(spans).toBe(WORKERS * PER_WORKER * 3);
    expect(sink.count()).toBe(spans);
    expect(received.size).toBe(WORKERS * PER_WORKER);
  }, 60_000);
});
