import { Readable } from 'node:stream';
import { recordSecurityEvent } from '@lambda-sentinel/core';
import {
  captureOutput,
  fixtures,
  installStreamingRuntime,
  invokeStreaming,
  startTraceSink,
  type TraceSink,
} from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { executionModeStreamifyResponse } from '@middy/core/StreamifyResponse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Middy 7's real streamify execution mode. Lambda's `awslambda.streamifyResponse` and
// `awslambda.HttpResponseStream` exist only inside the Lambda runtime: the testing kit's
// `installStreamingRuntime()` is a stand-in written to the runtime's documented behaviour, and
// `invokeStreaming` hands the handler a response stream that records what it receives.

process.env.LAMBDA_TASK_ROOT = '/var/task';
process.env.AWS_LAMBDA_FUNCTION_NAME = 'reports';
process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
installStreamingRuntime();
const { createLogger, ERROR_MESSAGE } = await import('@lambda-sentinel/logger');
const { createMetrics } = await import('@lambda-sentinel/metrics');
const { xrayBackend } = await import('@lambda-sentinel/sdk-capture/xray');
const { sentinel } = await import('../src/index.ts');

const URL_ID = 'reportsurl0123456789abcdefghijkl';
const CHUNK_GAP_MS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sink: TraceSink;
beforeAll(async () => {
  sink = await startTraceSink('xray');
});
afterAll(async () => {
  await sink?.close();
});

/** A body streamed in three chunks; a security event is recorded while it streams; it may fail. */
function slowBody(fail = false): Readable {
  return Readable.from(
    (async function* () {
      yield 'part-1;';
      await sleep(CHUNK_GAP_MS);
      recordSecurityEvent({ type: 'export_watermarked', message: 'recorded while streaming' });
      yield 'part-2;';
      await sleep(CHUNK_GAP_MS);
      if (fail) throw new Error('the report source went away');
      yield 'part-3;';
      await sleep(CHUNK_GAP_MS);
    })(),
  );
}

function streamingHandler(handled: { count: number }) {
  const logger = createLogger({ serviceName: 'reports' });
  const metrics = createMetrics({ serviceName: 'reports', namespace: 'StreamingTest' });
  return middy<{ body?: string }>({ executionMode: executionModeStreamifyResponse })
    .use(
      sentinel({
        serviceName: 'reports',
        logger,
        metrics,
        tracing: xrayBackend({ daemonAddress: sink.address }),
        allow: [{ kind: 'function-url' }],
      }),
    )
    .handler(async (event: { body?: string }) => {
      handled.count++;
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain' },
        body: slowBody(event.body === 'fail'),
      };
    });
}

/** Streams one invocation; the response stream's first body byte and end become marker lines. */
function stream(handler: ReturnType<typeof streamingHandler>, event: unknown) {
  return captureOutput(() =>
    invokeStreaming(handler as never, event, {
      functionName: 'reports',
      xrayDaemonAddress: sink.address,
      onEvent: (what) => process.stdout.write(`${JSON.stringify({ stream_marker: what })}\n`),
    }),
  );
}

const markerAt = (lines: string[], what: string) =>
  lines.findIndex((line) => line.includes(`"stream_marker":"${what}"`));

describe('sentinel() under Middy’s streamify execution mode', () => {
  it('publishes metrics, logs and the span after the body has streamed, with what happened meanwhile', async () => {
    const handled = { count: 0 };
    const { result, lines, logs, emf } = await stream(
      streamingHandler(handled),
      fixtures.functionUrl({ urlId: URL_ID, body: 'ok' }),
    );
    const run = result!;
    expect(run.error).toBeUndefined();
    expect(run.response.prelude?.statusCode).toBe(200);
    expect(run.response.body.toString()).toBe('part-1;part-2;part-3;');
    expect(run.response.ended).toBe(true);

    const [doc, ...others] = emf.filter((d) => d.Duration !== undefined);
    expect(others).toHaveLength(0);
    // Published once the body had streamed: after its first byte, and timing all of it.
    const docAt = lines.findIndex((line) => line.includes('"Duration"'));
    expect(docAt).toBeGreaterThan(markerAt(lines, 'first-body-byte'));
    expect(doc?.Duration as number).toBeGreaterThanOrEqual(3 * CHUNK_GAP_MS - 5);
    expect(doc?.Errors).toBe(0);

    // The event recorded while the body streamed: one WARN line, one count, the annotation.
    const warned = logs.filter(
      (line) => (line.security_event as { type?: string } | undefined)?.type === 'export_watermarked',
    );
    expect(warned).toHaveLength(1);
    expect(emf.find((d) => d.event_type === 'export_watermarked')?.SecurityEvents).toBe(1);
    const { handler: span } = await sink.trace(run.rootTraceId);
    expect(span.annotations.security_event).toBe('export_watermarked');
    expect((span.end ?? 0) - (span.start ?? 0)).toBeGreaterThanOrEqual((3 * CHUNK_GAP_MS - 5) / 1000);
  });

  it('a body stream that fails is an error for the logger, metrics and the span', async () => {
    const handled = { count: 0 };
    const { result, logs, emf } = await stream(
      streamingHandler(handled),
      fixtures.functionUrl({ urlId: URL_ID, body: 'fail' }),
    );
    const run = result!;
    expect((run.error as Error | undefined)?.message).toBe('the report source went away');
    expect(logs.filter((line) => line.message === ERROR_MESSAGE)).toHaveLength(1);
    const [doc] = emf.filter((d) => d.Duration !== undefined);
    expect(doc?.Errors).toBe(1);
    expect(doc?.outcome).toBe('error');
    const { handler: span } = await sink.trace(run.rootTraceId);
    expect(span.fault || span.error).toBe(true);
  });

  it('refuses an unlisted caller before the first byte: the handler never runs, only the 403 is written', async () => {
    const handled = { count: 0 };
    const { result, lines, logs } = await stream(
      streamingHandler(handled),
      fixtures.apigatewayHttp({ body: 'ok' }),
    );
    const run = result!;
    expect(handled.count).toBe(0);
    expect(run.response.prelude?.statusCode).toBe(403);
    expect(run.response.body.toString()).not.toContain('part-');
    // Every Sentinel line about the refusal comes before the response ends.
    const refusedAt = lines.findIndex((line) => line.includes('source_rejected'));
    expect(refusedAt).toBeGreaterThanOrEqual(0);
    expect(refusedAt).toBeLessThan(markerAt(lines, 'end'));
    expect(
      logs.filter(
        (line) => (line.security_event as { type?: string } | undefined)?.type === 'source_rejected',
      ),
    ).toHaveLength(1);
  });
});
