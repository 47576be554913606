import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  invoke,
  invokeConcurrently,
  renderTrace,
  startXRayCollector,
  type XRayCollector,
} from '../src/index.ts';

type XRay = typeof import('aws-xray-sdk-core');

// The X-Ray SDK picks Lambda mode once, when it is loaded, from
// LAMBDA_TASK_ROOT: load it the way it would be inside a function.
async function loadXRayInLambdaMode(): Promise<XRay> {
  const previous = process.env.LAMBDA_TASK_ROOT;
  process.env.LAMBDA_TASK_ROOT = '/var/task';
  try {
    const module = (await import('aws-xray-sdk-core')) as XRay & { default?: XRay };
    return module.default ?? module;
  } finally {
    if (previous === undefined) delete process.env.LAMBDA_TASK_ROOT;
    else process.env.LAMBDA_TASK_ROOT = previous;
  }
}

function send(port: number, payload: string): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) =>
    socket.send(payload, port, '127.0.0.1', (error) => {
      socket.close();
      if (error) reject(error);
      else resolve();
    }),
  );
}

const HEADER = '{"format": "json", "version": 1}\n';

describe('startXRayCollector', () => {
  let collector: XRayCollector;
  let AWSXRay: XRay;

  beforeAll(async () => {
    collector = await startXRayCollector();
    AWSXRay = await loadXRayInLambdaMode();
    // The SDK reads AWS_XRAY_DAEMON_ADDRESS when it loads; point it at this collector explicitly.
    AWSXRay.setDaemonAddress(collector.address);
  });
  afterAll(() => collector.close());

  it('binds a loopback UDP port', () => {
    expect(collector.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(collector.port).toBeGreaterThan(0);
  });

  it('receives a subsegment emitted by the real X-Ray SDK with the invocation trace id and parent', async () => {
    collector.clear();
    const outcome = await invoke(
      async () => {
        const segment = AWSXRay.getSegment();
        if (!segment) throw new Error('no segment');
        const sub = segment.addNewSubsegment('work');
        sub.addAnnotation('step', 'one');
        const child = sub.addNewSubsegment('inner');
        child.namespace = 'remote';
        child.close();
        sub.close();
        return 'ok';
      },
      {},
      { xrayDaemonAddress: collector.address },
    );
    expect(outcome.error).toBeUndefined();
    await collector.waitFor((docs) => docs.some((doc) => doc.name === 'work' && !doc.in_progress));
    const trace = collector.byTrace(outcome.rootTraceId);
    const work = trace.find((doc) => doc.name === 'work');
    const inner = trace.find((doc) => doc.name === 'inner');
    expect(work?.trace_id).toBe(outcome.rootTraceId);
    expect(work?.parent_id).toBe(outcome.parentId);
    expect(outcome.traceId).toContain(`Parent=${outcome.parentId};`);
    expect(work?.type).toBe('subsegment');
    expect(work?.annotations).toEqual({ step: 'one' });
    expect(inner?.parent_id).toBe(work?.id);
    expect(inner?.trace_id).toBe(outcome.rootTraceId);
    expect(trace.every((doc) => doc.subsegments === undefined)).toBe(true);
    const rendered = renderTrace(trace);
    expect(rendered).toContain(`trace ${outcome.rootTraceId}`);
    expect(rendered).toMatch(/└─ work [\d.]+ ms \{step="one"\}\n {3}└─ inner \[remote\] [\d.]+ ms/);
  });

  it('keeps concurrent invocations apart by trace id', async () => {
    collector.clear();
    const results = await invokeConcurrently(
      async (event: { n: number }) => {
        await new Promise((resolve) => setTimeout(resolve, (event.n * 7) % 5));
        const sub = AWSXRay.getSegment()?.addNewSubsegment(`job-${event.n}`);
        sub?.close();
      },
      [0, 1, 2, 3].map((n) => ({ n })),
      { xrayDaemonAddress: collector.address },
    );
    await collector.waitFor((docs) => docs.filter((doc) => doc.name.startsWith('job-')).length === 4);
    for (const [n, result] of results.entries()) {
      expect(collector.byTrace(result.rootTraceId).map((doc) => doc.name)).toEqual([`job-${n}`]);
    }
  });

  it('merges streamed in-progress and completed versions of a document by id', async () => {
    collector.clear();
    const base = { id: 'aaaaaaaaaaaaaaaa', name: 'db', trace_id: '1-5759e988-bd862e3fe1be46a994272793' };
    await send(
      collector.port,
      HEADER + JSON.stringify({ ...base, type: 'subsegment', in_progress: true, start_time: 1 }),
    );
    await send(
      collector.port,
      HEADER + JSON.stringify({ ...base, type: 'subsegment', start_time: 1, end_time: 1.25, fault: true }),
    );
    await collector.waitFor((docs) => docs.length === 2);
    expect(collector.documents).toHaveLength(2);
    expect(collector.byTrace(base.trace_id)).toEqual([
      { ...base, type: 'subsegment', start_time: 1, end_time: 1.25, fault: true },
    ]);
    expect(renderTrace(collector.documents)).toBe(`trace ${base.trace_id}\n└─ db 250.0 ms FAULT`);
  });

  it('keeps malformed packets aside instead of failing', async () => {
    collector.clear();
    await send(collector.port, 'not the daemon protocol');
    await send(collector.port, `${HEADER}{broken`);
    await send(collector.port, `${HEADER}{"name":"no id"}`);
    await send(collector.port, `${HEADER}{"id":"ok","name":"fine"}`);
    await collector.waitFor((docs) => docs.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(collector.malformed).toHaveLength(3);
    expect(collector.documents.map((doc) => doc.name)).toEqual(['fine']);
  });

  it('waitFor rejects with what it saw when the condition never holds, and when the predicate throws', async () => {
    collector.clear();
    await expect(collector.waitFor(() => false, 30)).rejects.toThrow(/within 30 ms; received 0 document/);
    await expect(
      collector.waitFor(() => {
        throw new Error('bad predicate');
      }),
    ).rejects.toThrow('bad predicate');
  });
});
