// runtimeGuard's cost on a handler doing typical I/O: 10 DynamoDB GetItem calls (dynalite on loopback,
// awaited one after another) and one small new file written under /tmp, per invocation. Bare Middy
// against the same handler with every policy on (childProcess, fileWrite, fileRead, outbound) in block
// mode, in alert mode, and with an allow-mode guard. The outbound allowlist includes dynalite's
// host:port and the file lands in /tmp (default fileWrite allow), so nothing is blocked or reported:
// this measures the checking, not the failure path. Then the per-call check cost of one sync file
// write and one sync file read, with and without the hook.
//
// The baseline before hooks. Hooks are process-wide and stay installed once a guard has installed
// them (release() only stops a guard governing code outside its invocations; the hooks then pass
// calls straight through). A guard constructed at import time, as other suites construct their
// middlewares, would tax the bare baseline -- and every suite that runs after this one. So:
// - No guard is constructed at import. Each guarded case constructs its guard in its mitata generator
//   setup, which runs just before that case is measured, and releases it in the teardown. mitata
//   runs cases in registration order, so "bare Middy, first", registered first, is measured before
//   any hook exists (import time checks no earlier suite installed them, and the case's name says so
//   if one did). The setup also runs pre-flight checks: the guarded handler works, records no
//   security event, and (block mode) the hooks really govern its writeFile import and new sockets.
// - From the block case on, the hooks stay for the rest of the process. The allow-mode guard
//   installs nothing itself, but every watched call (fs, connect) still runs through a hook that
//   looks up the active policy, finds 'allow' and passes through: one lookup per watched call,
//   compared with the hook-free baseline as it is.
// - Order matters for another reason: on this handler the same case measured again later in the
//   process runs faster (JIT and dynalite keep warming for many seconds; 20-25% between the
//   first and fifth of five identical cases here, after warm-up). That favours every case measured
//   after the baseline, so "bare Middy, last" measures the baseline again at the end. Its only
//   difference is one sub-microsecond policy lookup on its one watched call (see the per-call
//   figures): the spread between the two bare figures is the resolution of this comparison. The
//   guard's real per-invocation cost is the per-call figures times the watched calls (here one
//   write; the sockets are reused).
// - The per-call cases run after that, so their "no hook" case calls the original fs functions,
//   which the hooks keep (under Symbol.for('@lambda-sentinel/runtime-guard.original')). With string
//   data and utf8, Node's writeFileSync / readFileSync go straight to the binding, through no other
//   public fs function, so the originals run no hook code.
// - Outbound is checked once per NEW socket, in net.Socket.prototype.connect: the SDK keeps its
//   connection alive (pre-flight checks it), so these cases pay the outbound check close to never --
//   as a warm Lambda function does.
// dynalite runs in this process and its work is the same in every case, so against a real DynamoDB
// round trip (milliseconds each) the relative overhead would be smaller still.
import { subscribe } from 'node:diagnostics_channel';
import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { invocationState } from '@lambda-sentinel/core';
import { type RuntimeGuardOptions, runtimeGuard } from '@lambda-sentinel/runtime-guard';
import { startDynalite } from '@lambda-sentinel/testing';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { bench, group, summary } from 'mitata';
import { apiGatewayRestEvent, lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';

await lambdaBenchEnvironment();

const ORIGINAL = Symbol.for('@lambda-sentinel/runtime-guard.original');
type AnyFunction = (...args: never[]) => unknown;
const isHooked = (fn: unknown): boolean => typeof fn === 'function' && ORIGINAL in fn;
/** The function a hook replaced, or the function itself when it is not hooked. */
const unwrap = <F extends AnyFunction>(fn: F): F =>
  isHooked(fn) ? ((fn as unknown as Record<symbol, F>)[ORIGINAL] ?? fn) : fn;

// Captured before any guard of this suite exists.
const hooksBeforeThisSuite = isHooked(fs.writeFileSync) || isHooked(net.Socket.prototype.connect);
const unhooked = { writeFileSync: unwrap(fs.writeFileSync), readFileSync: unwrap(fs.readFileSync) };

// New client sockets, to check the SDK's keep-alive (the outbound check runs once per new socket).
let socketsOpened = 0;
subscribe('net.client.socket', () => {
  socketsOpened += 1;
});

// Lambda's writable directory, as the handler would use it (the default fileWrite allow is /tmp/**).
const dir = fs.mkdtempSync('/tmp/sentinel-bench-runtime-guard-');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const smallFile = join(dir, 'small.txt');
const smallPayload = 'x'.repeat(64);
fs.writeFileSync(smallFile, smallPayload);

const db = await startDynalite();
const client = new DynamoDBClient(db.clientConfig);
let dynaliteOpen = true;
/** Idempotent; the server would otherwise keep the bench process alive after the run. */
async function closeDynalite(): Promise<void> {
  if (!dynaliteOpen) return;
  dynaliteOpen = false;
  client.destroy();
  await db.close();
}

const TableName = 'bench-orders';
const Key = { id: { S: 'order-42' } };
try {
  await client.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new PutItemCommand({
      TableName,
      Item: { ...Key, sku: { S: 'UNICORN-7' }, quantity: { N: '2' }, status: { S: 'PENDING' } },
    }),
  );
} catch (error) {
  await closeDynalite();
  throw error;
}

/**
 * The work under test: 10 sequential GetItem calls, then one small file written to /tmp -- a new file
 * per request (overwriting one file with truncation costs ~1 ms on this ext4 disk, which flushes a
 * truncated file on close, and would bury everything else).
 */
async function work(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  let item: GetItemCommandOutput['Item'];
  for (let i = 0; i < 10; i++) {
    item = (await client.send(new GetItemCommand({ TableName, Key }))).Item;
  }
  await writeFile(
    join(dir, `order-${context.awsRequestId}.json`),
    JSON.stringify({ path: event.path, item }),
  );
  return { statusCode: 200, body: JSON.stringify({ ok: true, sku: item?.sku?.S }) };
}

const event = apiGatewayRestEvent();
const dynaliteHost = new URL(db.endpoint).host; // 127.0.0.1:PORT
const allPolicies = (mode: 'block' | 'alert'): RuntimeGuardOptions => ({
  childProcess: { mode, allow: [] },
  fileWrite: { mode, allow: ['/tmp/**'] },
  fileRead: { mode }, // default deny: $LAMBDA_TASK_ROOT/** and /proc/*/environ
  outbound: { mode, allowHosts: ['*.amazonaws.com', '*.api.aws', dynaliteHost] },
});

/**
 * A broken setup must fail loudly, not be measured: the handler answers and writes its file, keeps
 * its DynamoDB connection alive, and (when a guard is given) raises no security event.
 */
async function preflight(name: string, handler: typeof bare, guard?: MiddlewareObj) {
  const context = nextInvocation();
  const result = await handler(event, context);
  const written = join(dir, `order-${context.awsRequestId}.json`);
  if (result?.statusCode !== 200 || !result.body.includes('UNICORN-7') || !fs.existsSync(written)) {
    throw new Error(`runtime-guard: ${name} returned ${JSON.stringify(result)}`);
  }
  const before = socketsOpened;
  for (let i = 0; i < 3; i++) await handler(event, nextInvocation());
  if (socketsOpened - before > 1) {
    throw new Error(
      `runtime-guard: ${name} opened ${socketsOpened - before} sockets in 30 calls (keep-alive?)`,
    );
  }
  if (guard) {
    let events = -1;
    const probed = middy(work)
      .use({
        after: (request) => {
          events = invocationState(request).securityEvents.length;
        },
      })
      .use(guard);
    await probed(event, nextInvocation());
    if (events !== 0) throw new Error(`runtime-guard: ${name} recorded ${events} security event(s)`);
  }
}

/** Connects and disconnects: 'connected' or the error's code. */
const tryConnect = (port: number, host: string) =>
  new Promise<string | undefined>((resolve) => {
    const socket = net.connect(port, host, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: { code?: string }) => resolve(error.code));
  });

/**
 * Block mode, outside an invocation (governed by the guard of the most recent one): the handler's own
 * `writeFile` import and a new socket to a host not allowed are stopped -- the hooks are in its path
 * -- while a new socket to dynalite is allowed (the SDK's socket is reused, so otherwise the allowlist
 * would only be exercised if that socket were renewed mid-run).
 */
async function hooksGovernTheHandler(): Promise<void> {
  const written = await writeFile('/nonexistent-sentinel-bench/probe.json', '').then(
    () => 'written',
    (error: { code?: string }) => error.code,
  );
  const dynalitePort = Number(new URL(db.endpoint).port);
  for (const [what, outcome, expected] of [
    ['writeFile outside /tmp', written, 'ERR_RUNTIME_GUARD_VIOLATION'],
    ['connect to 127.0.0.2:9', await tryConnect(9, '127.0.0.2'), 'ERR_RUNTIME_GUARD_VIOLATION'],
    [`connect to ${dynaliteHost}`, await tryConnect(dynalitePort, '127.0.0.1'), 'connected'],
  ]) {
    if (outcome !== expected) throw new Error(`runtime-guard: ${what} gave ${outcome}, expected ${expected}`);
  }
}

/** Expects `action` to fail with `code` (the guard's violation error, or the OS error without it). */
function expectFailure(what: string, code: string, action: () => unknown) {
  try {
    action();
  } catch (error) {
    if ((error as { code?: unknown }).code === code) return;
    throw new Error(`runtime-guard: ${what} failed with ${String(error)}, expected ${code}`);
  }
  throw new Error(`runtime-guard: ${what} succeeded, expected ${code}`);
}

const bare = middy(work);
await preflight('bare Middy', bare);
// Warm up (JIT, the SDK, dynalite) before the first measured case: the baseline is measured first
// and cannot be measured again without hooks, so it must not carry the process's warm-up.
const measureInvocation = (handler: typeof bare) => async () => {
  await handler(event, nextInvocation());
  await settle();
};
const warmUp = measureInvocation(bare);
for (const until = performance.now() + 3000; performance.now() < until; ) await warmUp();

/**
 * A case whose guard exists only while it is measured: constructed (hooks installed on first use)
 * in the setup, released in the teardown.
 */
function guardedCase(name: string, options: RuntimeGuardOptions, check?: () => Promise<void>) {
  return bench(name, async function* () {
    const guard = runtimeGuard(options);
    const handler = middy(work).use(guard);
    try {
      await preflight(name, handler, guard);
      await check?.();
      yield measureInvocation(handler);
    } finally {
      guard.release();
    }
  });
}

group('runtime-guard: 10 DynamoDB GetItem + one /tmp write per invocation', () => {
  summary(() => {
    bench(
      hooksBeforeThisSuite
        ? 'bare Middy, first (!! hooks already installed by an earlier suite)'
        : 'bare Middy, first (no hooks yet)',
      measureInvocation(bare),
    ).baseline(true);
    guardedCase('+ runtimeGuard, all policies block', allPolicies('block'), hooksGovernTheHandler);
    guardedCase('+ runtimeGuard, all policies alert', allPolicies('alert'));
    // Installs no hook itself; pays one policy lookup per watched call because the cases above did.
    guardedCase("+ runtimeGuard({ mode: 'allow' }) (hooks installed)", { mode: 'allow' });
    // The baseline again, last (see the header). Without Lambda's invocation store a handler with no
    // guard is governed by the most recent invocation's guard -- here the allow-mode one -- so its
    // one watched call per invocation pays a policy lookup and nothing else.
    bench('bare Middy, last (hooks installed, no guard)', measureInvocation(bare));
    // Block once more, right after the bare re-run: the pair measured side by side once the drift has
    // settled is the fairest per-invocation comparison this machine gives.
    bench('+ runtimeGuard, all policies block, again', async function* () {
      const guard = runtimeGuard(allPolicies('block'));
      const handler = middy(work).use(guard);
      try {
        await preflight('block, again', handler, guard);
        yield measureInvocation(handler);
      } finally {
        guard.release();
        await closeDynalite(); // the last case that uses it
      }
    });
  });
});

/**
 * A per-call case: `call` runs outside any invocation, governed by this guard (the most recent
 * invocation's guard and the last one constructed). The setup runs one invocation through the guard
 * and checks the hook really governs the call.
 */
function perCallCase(name: string, options: RuntimeGuardOptions, call: () => unknown, check: () => void) {
  return bench(name, async function* () {
    await closeDynalite(); // no-op unless a case above failed before its teardown
    const guard = runtimeGuard(options);
    try {
      await middy(async () => ({ statusCode: 200, body: '' })).use(guard)(event, nextInvocation());
      if (!isHooked(fs.writeFileSync) || !isHooked(fs.readFileSync)) {
        throw new Error('runtime-guard: fs hooks are not installed');
      }
      check();
      yield call;
    } finally {
      guard.release();
    }
  });
}

const blockFiles: RuntimeGuardOptions = {
  fileWrite: { mode: 'block', allow: ['/tmp/**'] },
  fileRead: 'block',
  childProcess: 'allow',
  outbound: 'allow',
};
const outsideTmp = '/nonexistent-sentinel-bench/probe.txt';
const writeIsBlocked = () =>
  expectFailure('write outside /tmp', 'ERR_RUNTIME_GUARD_VIOLATION', () => fs.writeFileSync(outsideTmp, ''));
const writeIsNotChecked = () =>
  expectFailure('write outside /tmp', 'ENOENT', () => fs.writeFileSync(outsideTmp, ''));
const readIsBlocked = () =>
  expectFailure('read of /proc/self/environ', 'ERR_RUNTIME_GUARD_VIOLATION', () =>
    fs.readFileSync('/proc/self/environ'),
  );

// The same 64 bytes rewritten in place ('r+'): the default 'w' truncates, which on this ext4 disk
// flushes the file on close (~1 ms) and would bury the check. The check does not depend on the flag.
const inPlace = { flag: 'r+' } as const;

group('runtime-guard: per-call check, fs.writeFileSync of 64 B to /tmp', () => {
  summary(() => {
    bench('original writeFileSync (no hook)', () =>
      unhooked.writeFileSync(smallFile, smallPayload, inPlace),
    ).baseline(true);
    perCallCase(
      'hooked, allow-mode guard (policy lookup only)',
      { mode: 'allow' },
      () => fs.writeFileSync(smallFile, smallPayload, inPlace),
      writeIsNotChecked,
    );
    perCallCase(
      'hooked, fileWrite block, path allowed',
      blockFiles,
      () => fs.writeFileSync(smallFile, smallPayload, inPlace),
      writeIsBlocked,
    );
  });
});

group('runtime-guard: per-call check, fs.readFileSync of 64 B from /tmp', () => {
  summary(() => {
    bench('original readFileSync (no hook)', () => unhooked.readFileSync(smallFile, 'utf8')).baseline(true);
    perCallCase(
      'hooked, allow-mode guard (policy lookup only)',
      { mode: 'allow' },
      () => fs.readFileSync(smallFile, 'utf8'),
      writeIsNotChecked,
    );
    perCallCase(
      'hooked, fileRead block, path not denied',
      blockFiles,
      () => fs.readFileSync(smallFile, 'utf8'),
      readIsBlocked,
    );
  });
});
