import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import {
  apiGatewayRestEvent,
  lambdaContext,
  nextInvocation,
  setLambdaEnv,
  startUdpSink,
  traceHeader,
} from '../lambda-env.ts';

describe('bench lambda-env helpers', () => {
  it('builds trace headers in the runtime format, unique per call', () => {
    const header = traceHeader();
    expect(header).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
    expect(traceHeader()).not.toBe(header);
  });

  it('sets the Lambda variables and restores the previous environment', () => {
    const before = { ...process.env };
    process.env.AWS_REGION = 'eu-west-3';
    const restore = setLambdaEnv({ POWERTOOLS_SERVICE_NAME: 'probe' });
    expect(process.env.AWS_EXECUTION_ENV).toBe('AWS_Lambda_nodejs24.x');
    expect(process.env.LAMBDA_TASK_ROOT).toBe('/var/task');
    expect(process.env.POWERTOOLS_SERVICE_NAME).toBe('probe');
    expect(process.env.AWS_REGION).toBe('us-east-1');
    restore();
    expect(process.env.AWS_REGION).toBe('eu-west-3');
    process.env.AWS_REGION = before.AWS_REGION;
    if (before.AWS_REGION === undefined) delete process.env.AWS_REGION;
    expect(process.env).toEqual(before);
  });

  it('gives each invocation its own request id and trace id', () => {
    const restore = setLambdaEnv();
    const first = nextInvocation();
    const firstTrace = process.env._X_AMZN_TRACE_ID;
    const second = nextInvocation();
    expect(second.awsRequestId).not.toBe(first.awsRequestId);
    expect(process.env._X_AMZN_TRACE_ID).not.toBe(firstTrace);
    restore();
  });

  it('builds a complete context whose remaining time counts down', async () => {
    const context = lambdaContext();
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:bench-function');
    const remaining = context.getRemainingTimeInMillis();
    expect(remaining).toBeGreaterThan(2900);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(context.getRemainingTimeInMillis()).toBeLessThan(remaining);
  });

  it('builds a ~2 KB API Gateway REST event with the requested api id and stage', () => {
    const event = apiGatewayRestEvent({ apiId: 'zz99yy88xx', stage: 'dev' });
    expect(event.requestContext.apiId).toBe('zz99yy88xx');
    expect(event.requestContext.stage).toBe('dev');
    const size = JSON.stringify(event).length;
    expect(size).toBeGreaterThan(1800);
    expect(size).toBeLessThan(3000);
  });

  it('receives and counts datagrams on the UDP sink', async () => {
    const sink = await startUdpSink();
    const [host, port] = sink.address.split(':');
    const client = createSocket('udp4');
    await new Promise<void>((resolve, reject) =>
      client.send('{"format":"json","version":1}\n{}', Number(port), host, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    const deadline = Date.now() + 2000;
    while (sink.packets === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    client.close();
    await sink.close();
    expect(sink.packets).toBe(1);
  });
});
