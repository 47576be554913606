import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { captureOutput, invoke, invokeConcurrently } from '../src/index.ts';

describe('captureOutput', () => {
  it('captures a Powertools Logger line and a Powertools Metrics EMF document from inside an invocation', async () => {
    const captured = await captureOutput(() =>
      invoke(
        async () => {
          const logger = new Logger({ serviceName: 'orders' });
          const metrics = new Metrics({ namespace: 'Sentinel', serviceName: 'orders' });
          logger.info('order placed', { orderId: 'o-1' });
          metrics.addMetric('Orders', MetricUnit.Count, 1);
          metrics.publishStoredMetrics();
          return 'done';
        },
        {},
        { functionName: 'orders-fn' },
      ),
    );
    expect(captured.error).toBeUndefined();
    expect(captured.result?.result).toBe('done');
    expect(captured.logs).toHaveLength(1);
    expect(captured.logs[0]).toMatchObject({
      level: 'INFO',
      message: 'order placed',
      orderId: 'o-1',
      service: 'orders',
    });
    expect(captured.emf).toHaveLength(1);
    const emf = captured.emf[0];
    expect(emf?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Sentinel',
      Metrics: [{ Name: 'Orders', Unit: 'Count' }],
    });
    expect(emf?.Orders).toBe(1);
    expect(captured.records).toHaveLength(2);
  });

  it('splits partial writes into lines, keeps non-JSON lines, captures stderr and the global console', async () => {
    const captured = await captureOutput(() => {
      process.stdout.write('{"level":"WARN",');
      process.stdout.write(Buffer.from('"message":"joined"}\nplain text\n'));
      process.stderr.write('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"X":1}\n');
      console.log('{"level":"INFO","message":"from console"}');
      process.stdout.write('[1,2]\n{"no":"level"}\ntrailing');
      return 42;
    });
    expect(captured.result).toBe(42);
    expect(captured.lines).toEqual([
      '{"level":"WARN","message":"joined"}',
      'plain text',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"X":1}',
      '{"level":"INFO","message":"from console"}',
      '[1,2]',
      '{"no":"level"}',
      'trailing',
    ]);
    expect(captured.records).toHaveLength(4);
    expect(captured.logs.map((log) => log.message)).toEqual(['joined', 'from console']);
    expect(captured.emf).toHaveLength(1);
  });

  it('returns the error of fn instead of rejecting, and restores the streams and console', async () => {
    const write = process.stdout.write;
    const consoleBefore = globalThis.console;
    const failure = new Error('inside');
    const captured = await captureOutput(async () => {
      process.stdout.write('before failing\n');
      throw failure;
    });
    expect(captured.error).toBe(failure);
    expect(captured.lines).toEqual(['before failing']);
    expect(process.stdout.write).toBe(write);
    expect(globalThis.console).toBe(consoleBefore);
  });

  it('calls write callbacks so stream users do not hang', async () => {
    const captured = await captureOutput(
      () => new Promise<string>((resolve) => process.stdout.write('x\n', () => resolve('called back'))),
    );
    expect(captured.result).toBe('called back');
  });

  it('is not re-entrant: a nested capture rejects clearly, the outer one keeps working', async () => {
    const captured = await captureOutput(async () => {
      await expect(captureOutput(() => 1)).rejects.toThrow(/not re-entrant/);
      process.stdout.write('outer still captured\n');
    });
    expect(captured.lines).toEqual(['outer still captured']);
    expect((await captureOutput(() => 'again')).result).toBe('again');
  });

  it('captures every line of interleaved concurrent invocations inside one capture', async () => {
    const captured = await captureOutput(() =>
      invokeConcurrently(
        async (event: { n: number }) => {
          const logger = new Logger({ serviceName: 'many' });
          await new Promise((resolve) => setTimeout(resolve, (event.n * 3) % 4));
          logger.info('hello', { n: event.n });
        },
        Array.from({ length: 10 }, (_, n) => ({ n })),
      ),
    );
    expect(captured.logs.map((log) => log.n).sort((a, b) => Number(a) - Number(b))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });
});
