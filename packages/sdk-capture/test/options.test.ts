// Construction-time checks (rule 5), backend selection, Powertools Tracer
// interop and the deprecated tracer-first forms.
import './lambda-env.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const { Tracer } = await import('@aws-lambda-powertools/tracer');
const { DynamoDBClient, CreateTableCommand, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
const { default: middy } = await import('@middy/core');
const { invoke, startDynalite, startTraceSink } = await import('@lambda-sentinel/testing');
const { SentinelConfigError } = await import('@lambda-sentinel/core');
const { activeTrace, captureClient, sdkCapture } = await import('../src/index.ts');
const { xrayBackend } = await import('../src/xray.ts');
const { testRedactor } = await import('./redactor.ts');

describe('sdkCapture options', () => {
  it('rejects bad options at construction, naming the option', () => {
    const cases: [unknown, RegExp][] = [
      [null, /^options:/],
      [{ clients: [{}] }, /^clients: item 0/],
      [{ clients: 'ddb' }, /^clients:/],
      [{ captureResponse: 'yes' }, /^captureResponse:/],
      [{ captureHttp: 1 }, /^captureHttp:/],
      [{ redact: {} }, /^redact:/],
      [{ tracer: {} }, /^tracer:/],
      [{ backend: 'jaeger' }, /^backend: expected 'xray', 'otel', false or a TraceBackend/],
      [{ backend: true }, /^backend:/],
      [{ otel: { exporter: 'zipkin' } }, /^otel\.exporter:/],
      [{ otel: { endpoint: '' } }, /^otel\.endpoint:/],
      [{ otel: { exportTimeoutMs: -1 } }, /^otel\.exportTimeoutMs:/],
      [{ otel: { credentials: 'key' } }, /^otel\.credentials:/],
      [{ xray: { daemonAddress: 'localhost' } }, /^xray\.daemonAddress:/],
      [{ tracing: 'otel' }, /^tracing: unknown option/],
    ];
    for (const [options, message] of cases) {
      expect(() => sdkCapture(options as never), JSON.stringify(options)).toThrow(SentinelConfigError);
      expect(() => sdkCapture(options as never), JSON.stringify(options)).toThrow(message);
    }
  });

  it('needs a region for the X-Ray OTLP endpoint, from the option or AWS_REGION', () => {
    const region = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      expect(() => sdkCapture({ backend: 'otel', otel: { exporter: 'xray-otlp' } })).toThrow(
        /^otel\.region:/,
      );
      expect(() =>
        sdkCapture({ backend: 'otel', otel: { exporter: 'xray-otlp', region: 'eu-west-1' } }),
      ).not.toThrow();
    } finally {
      if (region !== undefined) process.env.AWS_REGION = region;
    }
  });

  describe('SENTINEL_TRACING', () => {
    let sink: Awaited<ReturnType<typeof startTraceSink>>;
    beforeAll(async () => {
      sink = await startTraceSink('otel');
    });
    afterAll(() => sink?.close());
    beforeEach(() => sink.clear());
    afterEach(() => {
      delete process.env.SENTINEL_TRACING;
    });

    it('selects the OpenTelemetry backend, which exports to AWS_XRAY_DAEMON_ADDRESS by default', async () => {
      process.env.SENTINEL_TRACING = 'OTel';
      process.env.AWS_XRAY_DAEMON_ADDRESS = sink.address;
      try {
        const handler = middy(async () => 'ok').use(sdkCapture({ redact: testRedactor }));
        const run = await invoke(handler, {});
        const { handler: root } = await sink.trace(run.rootTraceId);
        expect(root.parentId).toBe(run.parentId);
      } finally {
        delete process.env.AWS_XRAY_DAEMON_ADDRESS;
      }
    });

    it('turns tracing off, and names itself when it holds anything else', async () => {
      process.env.SENTINEL_TRACING = 'off';
      const handler = middy(async () => (activeTrace() ? 'traced' : 'untraced')).use(sdkCapture());
      expect((await invoke(handler, {})).result).toBe('untraced');
      process.env.SENTINEL_TRACING = 'datadog';
      expect(() => sdkCapture()).toThrow(/^SENTINEL_TRACING: expected xray, otel or off; got "datadog"/);
      // The option wins over the variable.
      expect(() => sdkCapture({ backend: false })).not.toThrow();
    });
  });
});

describe('AWS SDK and Powertools Tracer interop (xray)', () => {
  let sink: Awaited<ReturnType<typeof startTraceSink>>;
  let dynalite: Awaited<ReturnType<typeof startDynalite>>;
  let backend: ReturnType<typeof xrayBackend>;
  beforeAll(async () => {
    sink = await startTraceSink('xray');
    backend = xrayBackend({ daemonAddress: sink.address });
    dynalite = await startDynalite();
    await new DynamoDBClient(dynalite.clientConfig).send(
      new CreateTableCommand({
        TableName: 'things',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterAll(async () => {
    await sink?.close();
    await dynalite?.close();
  });
  beforeEach(() => sink.clear());

  it('captures a client once however often it is captured, in either form', async () => {
    const client = new DynamoDBClient(dynalite.clientConfig);
    captureClient(client);
    captureClient(new Tracer(), client); // the deprecated tracer-first form
    const handler = middy(async () => {
      await client.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'none' } } }));
    }).use(sdkCapture({ backend, clients: [client], redact: testRedactor }));
    const run = await invoke(handler, {});
    const { spans } = await sink.trace(run.rootTraceId, 2);
    expect(spans.filter((s) => s.namespace === 'aws')).toHaveLength(1);
  });

  it("points a Powertools Tracer at the handler span, so handler code's putAnnotation lands there", async () => {
    const tracer = new Tracer({ serviceName: 'orders', captureHTTPsRequests: false });
    const handler = middy(async () => {
      tracer.putAnnotation('from_tracer', 'yes');
      return 'ok';
    }).use(
      sdkCapture({ backend: xrayBackend({ tracer, daemonAddress: sink.address }), redact: testRedactor }),
    );
    const run = await invoke(handler, {});
    const { handler: root } = await sink.trace(run.rootTraceId);
    expect(root.annotations).toEqual({ from_tracer: 'yes' });
  });

  it('traces nothing when the Powertools Tracer is disabled', async () => {
    const tracer = new Tracer({ enabled: false });
    const handler = middy(async () => (activeTrace() ? 'traced' : 'untraced')).use(
      sdkCapture({ tracer, redact: testRedactor }),
    );
    expect((await invoke(handler, {})).result).toBe('untraced');
  });
});
