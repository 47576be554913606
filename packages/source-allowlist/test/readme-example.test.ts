import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtures, invoke } from '@lambda-sentinel/testing';
import { afterAll, expect, it } from 'vitest';
import { InvocationSourceRejectedError } from '../src/index.ts';

// The README's example, run as written: the docs must match the code.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const example = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
// Inside the package so '@middy/core' and the package's own name resolve.
const dir = mkdtempSync(join(packageDir, 'test', '.readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'example.ts');
writeFileSync(file, example);
const { handler } = await import(file);

it('allows the sources the README example names and refuses others', async () => {
  const api = await invoke(handler, fixtures.apigatewayRest({ apiId: 'a1b2c3d4e5', stage: 'staging' }));
  expect(api.result).toEqual({ statusCode: 200, body: '{"ok":true}' });
  const queue = await invoke(handler, fixtures.sqs({ queueName: 'orders-eu' }));
  expect(queue.error).toBeUndefined();
  const topic = await invoke(handler, fixtures.sns({ accountId: '210987654321', topicName: 'alerts' }));
  expect(topic.error).toBeUndefined();
  const forged = await invoke(handler, fixtures.apigatewayRest({ apiId: 'a1b2c3d4e5', stage: 'dev' }));
  expect(forged.result).toMatchObject({ statusCode: 403 });
  const foreign = await invoke(handler, fixtures.sqs({ queueName: 'orders-eu', accountId: '999999999999' }));
  expect(foreign.error).toBeInstanceOf(InvocationSourceRejectedError);
});
