// The README example, verbatim (keeps the README true).
import { Logger } from '@aws-lambda-powertools/logger';
import { captureOutput, fixtures, invoke, startXRayCollector } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { afterAll, expect, it } from 'vitest';

// The X-Ray SDK picks Lambda mode when it loads: load it as inside a function.
process.env.LAMBDA_TASK_ROOT = '/var/task';
const { default: AWSXRay } = await import('aws-xray-sdk-core');
delete process.env.LAMBDA_TASK_ROOT;

const collector = await startXRayCollector();
AWSXRay.setDaemonAddress(collector.address); // see "X-Ray SDK and the daemon address"
afterAll(() => collector.close());

it('logs and traces one invocation', async () => {
  const handler = middy(async () => {
    new Logger().info('hello');
    AWSXRay.getSegment()?.addNewSubsegment('work').close();
    return 'ok';
  });
  const { result: outcome, logs } = await captureOutput(() =>
    invoke(handler, fixtures.sqs(), { xrayDaemonAddress: collector.address }),
  );
  expect(outcome?.result).toBe('ok');
  expect(logs[0]).toMatchObject({ level: 'INFO', message: 'hello' });
  await collector.waitFor((docs) => docs.some((doc) => doc.name === 'work'));
  const [work] = collector.byTrace(outcome?.rootTraceId ?? '');
  expect(work?.parent_id).toBe(outcome?.parentId);
});
