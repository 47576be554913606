// The OpenTelemetry exporters on the wire (OTLP datagrams, OTLP/HTTP, SigV4
// to the X-Ray OTLP endpoint), and what the function sees when the daemon or
// collector is down, failing or slow: its own result, and one warning.
import './lambda-env.ts';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const { default: middy } = await import('@middy/core');
const { invoke, startOtlpReceiver } = await import('@lambda-sentinel/testing');
const { SignatureV4 } = await import('@smithy/signature-v4');
const { Hash } = await import('@smithy/hash-node');
const { activeTrace, sdkCapture } = await import('../src/index.ts');
const { otelBackend } = await import('../src/otel.ts');
const { xrayBackend } = await import('../src/xray.ts');
const { testRedactor } = await import('./redactor.ts');

type Receiver = Awaited<ReturnType<typeof startOtlpReceiver>>;
type Backend = ReturnType<typeof otelBackend>;

// AWS's documented example credentials (IAM User Guide), never real ones.
const EXAMPLE_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'example-session-token',
};

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver?.close());
beforeEach(() => {
  receiver.clear();
  receiver.respondWith(200);
});

const handlerWith = (backend: Backend, fn: () => Promise<unknown> = async () => 'ok') =>
  middy(fn).use(sdkCapture({ backend, redact: testRedactor }));

/** Runs `fn` with console.warn captured; returns the [sdk-capture] warnings. */
async function warnings(fn: () => Promise<void>): Promise<string[]> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    await fn();
    return warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('[sdk-capture]'));
  } finally {
    warn.mockRestore();
  }
}

describe('OTLP over UDP to the X-Ray daemon', () => {
  it('splits a batch too large for one datagram and loses no span', async () => {
    const backend = otelBackend({ exporter: 'xray-udp', endpoint: receiver.udpAddress });
    // ~100 KB of spans: more than one datagram, less than the loopback socket buffers.
    const handler = handlerWith(backend, async () => {
      const trace = activeTrace();
      for (let i = 0; i < 120; i++) {
        trace?.startSpan(`step-${i}`, 'internal', { note: 'x'.repeat(700) }).end();
      }
      return 'ok';
    });
    const run = await invoke(handler, {});
    expect(run.result).toBe('ok');
    await receiver.waitFor(() => receiver.byTrace(run.rootTraceId).length === 121);
    expect(receiver.datagrams.length).toBeGreaterThan(1);
    for (const datagram of receiver.datagrams) expect(datagram.length).toBeLessThanOrEqual(65_507);
    expect(receiver.malformed).toEqual([]);
  });
});

describe('X-Ray segments over UDP to the daemon', () => {
  it('sends every invocation its handler subsegment, all over one socket kept for the process', async () => {
    const daemon = createSocket('udp4');
    const received: Array<{ packet: string; from: number }> = [];
    daemon.on('message', (message, from) =>
      received.push({ packet: message.toString('utf8'), from: from.port }),
    );
    daemon.bind(0, '127.0.0.1');
    await once(daemon, 'listening');
    try {
      const backend = xrayBackend({ daemonAddress: `127.0.0.1:${(daemon.address() as AddressInfo).port}` });
      for (let i = 0; i < 3; i++) expect((await invoke(handlerWith(backend), {})).result).toBe('ok');
      await vi.waitFor(() => expect(received).toHaveLength(3));
      for (const { packet } of received) {
        const [header, body] = packet.split('\n');
        expect(JSON.parse(header as string)).toEqual({ format: 'json', version: 1 });
        expect(JSON.parse(body as string)).toMatchObject({ type: 'subsegment', name: expect.any(String) });
      }
      // The X-Ray SDK opens a socket per send in Lambda; this adapter keeps one.
      expect(new Set(received.map(({ from }) => from)).size).toBe(1);
    } finally {
      daemon.close();
    }
  });
});

describe('OTLP/HTTP', () => {
  it('posts protobuf to a collector and does not trace its own upload', async () => {
    const backend = otelBackend({ exporter: 'otlp-http', endpoint: receiver.httpUrl });
    const run = await invoke(handlerWith(backend), {});
    expect(run.result).toBe('ok');
    // Exported before the invocation returned.
    expect(receiver.byTrace(run.rootTraceId).map((span) => span.name)).toEqual(['## index.handler']);
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/x-protobuf');
    expect(receiver.requests[0]?.path).toBe('/v1/traces');
  });

  it('signs requests to the X-Ray OTLP endpoint with SigV4 (service xray)', async () => {
    const backend = otelBackend({
      exporter: 'xray-otlp',
      endpoint: receiver.httpUrl,
      region: 'eu-west-1',
      credentials: async () => EXAMPLE_CREDENTIALS,
    });
    const run = await invoke(handlerWith(backend), {});
    expect(receiver.byTrace(run.rootTraceId)).toHaveLength(1);
    const request = receiver.requests[0];
    if (!request) throw new Error('no request');
    const authorization = String(request.headers.authorization);
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/xray\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers['x-amz-security-token']).toBe('example-session-token');
    // Recompute the signature from what arrived: it must match exactly.
    const url = new URL(receiver.httpUrl);
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
    const amzDate = String(request.headers['x-amz-date']);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const verifier = new SignatureV4({
      service: 'xray',
      region: 'eu-west-1',
      credentials: EXAMPLE_CREDENTIALS,
      sha256: Hash.bind(null, 'sha256'),
    });
    const expected = await verifier.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers,
        body: new Uint8Array(request.body),
      },
      { signingDate },
    );
    expect(authorization).toBe(expected.headers.authorization);
  });
});

describe('daemon or collector down (rule 1)', () => {
  let silent: Server;
  let silentUrl: string;
  let closedUrl: string;
  beforeAll(async () => {
    // Accepts the upload and never answers.
    silent = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/traces`;
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/v1/traces`;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
  });

  const cases: [string, () => Backend, RegExp][] = [
    [
      'a collector nobody listens on',
      () => otelBackend({ exporter: 'otlp-http', endpoint: closedUrl }),
      /fetch failed|ECONNREFUSED/,
    ],
    [
      'a failing collector (503)',
      () => otelBackend({ exporter: 'otlp-http', endpoint: receiver.httpUrl }),
      /HTTP 503/,
    ],
    [
      'a collector that never answers',
      () => otelBackend({ exporter: 'otlp-http', endpoint: silentUrl, exportTimeoutMs: 300 }),
      /TimeoutError|within 300 ms/,
    ],
    [
      'a daemon host that does not resolve',
      () => otelBackend({ exporter: 'xray-udp', endpoint: 'daemon.invalid:2000' }),
      /ENOTFOUND|EAI_AGAIN/,
    ],
  ];

  it.each(cases)(
    '%s: the result is unchanged, one warning says why, the invocation does not wait long',
    async (_name, build, why) => {
      receiver.respondWith(503);
      const failure = new Error('handler failure');
      const backend = build();
      const ok = handlerWith(backend);
      const failing = handlerWith(backend, async () => {
        throw failure;
      });
      let runs: Awaited<ReturnType<typeof invoke>>[] = [];
      const started = Date.now();
      const reported = await warnings(async () => {
        runs = [await invoke(ok, {}), await invoke(failing, {}), await invoke(ok, {})];
      });
      expect(runs.map((run) => run.result ?? run.error)).toEqual(['ok', failure, 'ok']);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatch(why);
    },
  );

  it('the X-Ray adapter with an unresolvable daemon: the result is unchanged, one warning says why', async () => {
    const backend = xrayBackend({ daemonAddress: 'daemon.invalid:2000' });
    const reported = await warnings(async () => {
      const runs = [await invoke(handlerWith(backend), {}), await invoke(handlerWith(backend), {})];
      expect(runs.map((run) => run.result)).toEqual(['ok', 'ok']);
      // The send is not awaited by the invocation: the failure arrives after it.
      await vi.waitFor(() =>
        expect(vi.mocked(console.warn).mock.calls.flat().join('\n')).toMatch(/ENOTFOUND|EAI_AGAIN/),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatch(/X-Ray daemon failed.*(ENOTFOUND|EAI_AGAIN)/);
  });
});
