import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { invocationState, type SecurityEvent } from '@lambda-sentinel/core';
import { type DynaliteServer, invoke, startDynalite } from '@lambda-sentinel/testing';
import middy, { type MiddlewareObj } from '@middy/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostKey } from '../src/globs.ts';
import {
  type RuntimeGuardMiddleware,
  type RuntimeGuardOptions,
  RuntimeGuardViolationError,
  runtimeGuard,
} from '../src/index.ts';
import { compilePolicy, normaliseOptions } from '../src/policy.ts';
import { violationsDuring } from './observe.ts';

const sandbox = fs.mkdtempSync(join(tmpdir(), 'guard-outbound-'));
let dynalite: DynaliteServer;

const guards: RuntimeGuardMiddleware[] = [];
function guard(options: RuntimeGuardOptions): RuntimeGuardMiddleware {
  // Only the policy under test: fs and child processes stay unwatched.
  const made = runtimeGuard({ mode: 'allow', ...options });
  guards.push(made);
  return made;
}

/** A loopback HTTP/1 server that counts the TCP (or Unix socket) connections it accepts. */
interface Server {
  port: number;
  path?: string;
  connections: number;
  /** Resolves, once the server has accepted the connection from `clientPort`, with how many came before it. */
  acceptedAt(clientPort: number | undefined): Promise<number>;
  close(): Promise<void>;
}

const servers: Server[] = [];
async function startServer(path?: string): Promise<Server> {
  const server = http.createServer((_request, response) => {
    response.end('hello');
  });
  const clientPorts: (number | undefined)[] = [];
  const counted: Server = {
    port: 0,
    connections: 0,
    acceptedAt: async (clientPort) => {
      while (!clientPorts.includes(clientPort))
        await new Promise((resolve) => server.once('counted', resolve));
      return clientPorts.indexOf(clientPort);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    ...(path ? { path } : {}),
  };
  server.on('connection', (socket) => {
    counted.connections++;
    clientPorts.push(socket.remotePort);
    server.emit('counted');
  });
  await new Promise<void>((resolve) => {
    if (path) server.listen(path, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address && typeof address === 'object') counted.port = address.port;
  servers.push(counted);
  return counted;
}

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterEach(async () => {
  for (const made of guards.splice(0)) made.release();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await dynalite.close();
  fs.rmSync(sandbox, { recursive: true, force: true });
});

// --- how each client reports failure ---------------------------------------------------------------

type Via = 'error-event' | 'rejection' | 'throw';
interface Outcome {
  error?: unknown;
  via?: Via;
}

/** Waits for a socket to connect (then closes it) or fail. */
function socketOutcome(start: () => net.Socket, readyEvent = 'connect'): Promise<Outcome> {
  let socket: net.Socket;
  try {
    socket = start();
  } catch (error) {
    return Promise.resolve({ error, via: 'throw' });
  }
  return new Promise((resolve) => {
    socket.once(readyEvent, () => {
      socket.destroy();
      resolve({});
    });
    socket.once('error', (error) => resolve({ error, via: 'error-event' }));
  });
}

/** Waits for a response (consumed) or a request error. */
function requestOutcome(start: (onResponse: (response: http.IncomingMessage) => void) => http.ClientRequest) {
  return new Promise<Outcome>((resolve) => {
    try {
      const request = start((response) => {
        response.resume();
        response.on('end', () => resolve({}));
      });
      request.once('error', (error) => resolve({ error, via: 'error-event' }));
    } catch (error) {
      resolve({ error, via: 'throw' });
    }
  });
}

/** The guard's error: the error itself or, as fetch and the SDK wrap it, its cause. */
function guardError(error: unknown): RuntimeGuardViolationError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RuntimeGuardViolationError) return e;
  }
  return undefined;
}

interface Form {
  name: string;
  operation: 'net.connect' | 'tls.connect';
  /** How a blocked connection reaches the caller. */
  via: Via;
  /** Whether the exchange succeeds against the plain HTTP server when allowed (TLS handshakes fail). */
  completes: boolean;
  run(port: number): Promise<Outcome>;
}

const HOST = '127.0.0.1';
const forms: Form[] = [
  {
    name: 'net.connect(port, host)',
    operation: 'net.connect',
    via: 'error-event',
    completes: true,
    run: (port) => socketOutcome(() => net.connect(port, HOST)),
  },
  {
    name: 'net.connect({ host, port })',
    operation: 'net.connect',
    via: 'error-event',
    completes: true,
    run: (port) => socketOutcome(() => net.connect({ host: HOST, port })),
  },
  {
    name: 'net.createConnection',
    operation: 'net.connect',
    via: 'error-event',
    completes: true,
    run: (port) => socketOutcome(() => net.createConnection({ host: HOST, port })),
  },
  {
    name: 'new net.Socket().connect',
    operation: 'net.connect',
    via: 'error-event',
    completes: true,
    run: (port) => socketOutcome(() => new net.Socket().connect(port, HOST)),
  },
  {
    name: 'tls.connect (to a plain TCP server)',
    operation: 'tls.connect',
    via: 'error-event',
    completes: false,
    run: (port) =>
      socketOutcome(() => tls.connect({ host: HOST, port, rejectUnauthorized: false }), 'secureConnect'),
  },
  {
    name: 'http.get',
    operation: 'net.connect',
    via: 'error-event',
    completes: true,
    run: (port) => requestOutcome((onResponse) => http.get(`http://${HOST}:${port}/`, onResponse)),
  },
  {
    name: 'http.request',
    operation: 'net.connect',
    via: 'error-event',
    completes: true,
    run: (port) =>
      requestOutcome((onResponse) => {
        const request = http.request({ host: HOST, port, method: 'POST', path: '/' }, onResponse);
        request.end('payload');
        return request;
      }),
  },
  {
    name: 'https.request (to a plain HTTP server)',
    operation: 'tls.connect',
    via: 'error-event',
    completes: false,
    run: (port) =>
      requestOutcome((onResponse) => {
        const request = https.request({ host: HOST, port, rejectUnauthorized: false }, onResponse);
        request.end();
        return request;
      }),
  },
  {
    name: 'fetch',
    operation: 'net.connect',
    via: 'rejection',
    completes: true,
    run: async (port) => {
      try {
        const response = await fetch(`http://${HOST}:${port}/`);
        await response.text();
        return {};
      } catch (error) {
        return { error, via: 'rejection' };
      }
    },
  },
  {
    name: 'http2.connect',
    operation: 'net.connect',
    via: 'error-event',
    // the HTTP/1 server answers the HTTP/2 preface with an error, after the TCP connection
    completes: false,
    run: (port) =>
      new Promise<Outcome>((resolve) => {
        const session = http2.connect(`http://${HOST}:${port}`);
        session.once('connect', () => {
          session.destroy();
          resolve({});
        });
        session.once('error', (error) => resolve({ error, via: 'error-event' }));
        session.once('close', () => resolve({}));
      }),
  },
];

// --- running inside an invocation ------------------------------------------------------------------

interface Observed extends Outcome {
  events: SecurityEvent[];
}

/** Runs `action` inside an invocation (no guard middleware: the process policy governs). */
async function observe(action: () => Promise<Outcome>): Promise<Observed> {
  const { outcome, events } = await violationsDuring(action);
  return { ...outcome, events };
}

/**
 * How many connections the server accepted before one opened now, when no
 * guard governs. The server accepts in order, so a connection the guard let
 * through earlier would be counted before this one: a real signal, not a wait.
 */
async function acceptedBeforeNow(server: Server): Promise<number> {
  for (const made of guards.splice(0)) made.release();
  const control = net.connect(server.port, HOST);
  await new Promise((resolve, reject) => control.once('connect', resolve).once('error', reject));
  const before = await server.acceptedAt(control.localPort);
  control.destroy();
  return before;
}

// --- block, alert, allow for every client ----------------------------------------------------------

describe('block mode', () => {
  for (const form of forms) {
    it(`${form.name}: the caller gets the violation (${form.via}) and nothing reaches the server`, async () => {
      const server = await startServer();
      guard({ outbound: { mode: 'block', allowHosts: [] } });
      const observed = await observe(() => form.run(server.port));

      expect(observed.via).toBe(form.via);
      const error = form.via === 'rejection' ? (observed.error as Error).cause : observed.error;
      expect(error).toBeInstanceOf(RuntimeGuardViolationError);
      expect(error).toMatchObject({
        code: 'ERR_RUNTIME_GUARD_VIOLATION',
        policy: 'outbound',
        operation: form.operation,
        target: `${HOST}:${server.port}`,
      });
      expect(await acceptedBeforeNow(server)).toBe(0);
      expect(observed.events).toHaveLength(1);
      expect(observed.events[0]).toMatchObject({
        type: 'guard_violation',
        severity: 'high',
        recordedBy: 'runtime-guard',
        detail: {
          policy: 'outbound',
          operation: form.operation,
          target: `${HOST}:${server.port}`,
          mode: 'block',
          blocked: true,
        },
      });
    });
  }
});

describe('alert mode', () => {
  for (const form of forms) {
    it(`${form.name}: the connection is made and one event is recorded`, async () => {
      const server = await startServer();
      guard({ outbound: { mode: 'alert', allowHosts: [] } });
      const observed = await observe(() => form.run(server.port));

      if (form.completes) expect(observed.error).toBeUndefined();
      expect(guardError(observed.error)).toBeUndefined();
      expect(server.connections).toBe(1);
      expect(observed.events).toHaveLength(1);
      expect(observed.events[0]?.detail).toMatchObject({
        policy: 'outbound',
        operation: form.operation,
        target: `${HOST}:${server.port}`,
        mode: 'alert',
        blocked: false,
      });
    });
  }
});

describe('allow mode', () => {
  for (const form of forms) {
    it(`${form.name}: the connection is made and nothing is recorded`, async () => {
      const server = await startServer();
      guard({ outbound: { mode: 'allow', allowHosts: [] } });
      const observed = await observe(() => form.run(server.port));

      if (form.completes) expect(observed.error).toBeUndefined();
      expect(guardError(observed.error)).toBeUndefined();
      expect(server.connections).toBe(1);
      expect(observed.events).toEqual([]);
    });
  }
});

// --- the AWS SDK -----------------------------------------------------------------------------------

describe('AWS SDK v3 DynamoDBClient against dynalite', () => {
  const dynaliteHost = () => new URL(dynalite.endpoint).host;
  function client(): DynamoDBClient {
    return new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDGUARDTEST', secretAccessKey: 'guard-test-secret' },
    });
  }
  async function listTables(): Promise<Outcome & { ms: number; attempts?: number; tables?: string[] }> {
    const ddb = client();
    const started = performance.now();
    try {
      const result = await ddb.send(new ListTablesCommand({}));
      return { ms: performance.now() - started, tables: result.TableNames ?? [] };
    } catch (error) {
      const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
      return { error, via: 'rejection', ms: performance.now() - started, ...(attempts ? { attempts } : {}) };
    } finally {
      ddb.destroy();
    }
  }

  it('is allowed when its host:port is in allowHosts', async () => {
    guard({ outbound: { mode: 'block', allowHosts: [dynaliteHost()] } });
    const observed = await observe(listTables);
    expect(observed.error).toBeUndefined();
    expect((observed as { tables?: string[] }).tables).toEqual([]);
    expect(observed.events).toEqual([]);
  });

  it('is blocked otherwise: fails fast, in one attempt, with the violation visible', async () => {
    // the defaults allow only AWS endpoints and the Runtime API
    guard({ outbound: 'block' });
    const observed = (await observe(listTables)) as Observed & { ms: number; attempts?: number };
    const violation = guardError(observed.error);
    expect(violation).toBeInstanceOf(RuntimeGuardViolationError);
    expect(violation).toMatchObject({ policy: 'outbound', target: dynaliteHost() });
    expect(observed.attempts).toBe(1);
    expect(observed.ms).toBeLessThan(1000);
    expect(observed.events).toHaveLength(1);
  });

  it('in alert mode works and records the connection', async () => {
    guard({ outbound: 'alert' });
    const observed = await observe(listTables);
    expect(observed.error).toBeUndefined();
    expect(observed.events).toHaveLength(1);
    expect(observed.events[0]?.detail).toMatchObject({ target: dynaliteHost(), mode: 'alert' });
  });
});

// --- allowHosts patterns ---------------------------------------------------------------------------

describe('outbound.allowHosts', () => {
  /** Connects to each target in turn; true where the connection was made. */
  async function reach(targets: (() => net.Socket)[]): Promise<{ made: boolean[]; events: SecurityEvent[] }> {
    const observed = await observe(async () => {
      const made: boolean[] = [];
      for (const start of targets) {
        const outcome = await socketOutcome(start);
        if (outcome.error && !guardError(outcome.error)) throw outcome.error;
        made.push(outcome.error === undefined);
      }
      return { error: made };
    });
    return { made: observed.error as boolean[], events: observed.events };
  }

  it('an exact host:port allows that port only', async () => {
    const [allowed, other] = [await startServer(), await startServer()];
    guard({ outbound: { mode: 'block', allowHosts: [`127.0.0.1:${allowed.port}`] } });
    const { made, events } = await reach([
      () => net.connect(allowed.port, HOST),
      () => net.connect(other.port, HOST),
      () => net.connect(allowed.port, '127.0.0.2'),
    ]);
    expect(made).toEqual([true, false, false]);
    expect(events.map((e) => e.detail.target)).toEqual([
      `127.0.0.1:${other.port}`,
      `127.0.0.2:${allowed.port}`,
    ]);
    expect(allowed.connections).toBe(1);
    expect(other.connections).toBe(0);
  });

  it('127.0.0.*:* allows any port on those addresses, and matches names as given, not as resolved', async () => {
    const [first, second] = [await startServer(), await startServer()];
    guard({ outbound: { mode: 'block', allowHosts: ['127.0.0.*:*'] } });
    const { made, events } = await reach([
      () => net.connect(first.port, HOST),
      () => net.connect({ host: HOST, port: second.port }),
      () => net.connect(first.port, 'localhost'),
    ]);
    expect(made).toEqual([true, true, false]);
    expect(events.map((e) => e.detail.target)).toEqual([`localhost:${first.port}`]);
    expect([first.connections, second.connections]).toEqual([1, 1]);
  });

  it('localhost without a port allows every port of localhost, including a connect without a host', async () => {
    const [first, second] = [await startServer(), await startServer()];
    guard({ outbound: { mode: 'block', allowHosts: ['localhost'] } });
    const { made, events } = await reach([
      () => net.connect(first.port, 'localhost'),
      () => net.connect({ host: 'LOCALHOST', port: second.port }),
      () => net.connect(first.port, HOST),
    ]);
    expect(made).toEqual([true, true, false]);
    expect(events.map((e) => e.detail.target)).toEqual([`${HOST}:${first.port}`]);
    expect([first.connections, second.connections]).toEqual([1, 1]);
    // no host: Node connects to localhost
    const bare = await reach([() => net.connect(second.port)]);
    expect(bare.events).toEqual([]);
  });

  it('unix:<glob> allows the Unix sockets it matches, and no other', async () => {
    const allowed = await startServer(join(sandbox, 'api.sock'));
    const other = await startServer(join(sandbox, 'other.socket'));
    guard({ outbound: { mode: 'block', allowHosts: [`unix:${sandbox}/*.sock`] } });
    const { made, events } = await reach([
      () => net.connect({ path: join(sandbox, 'api.sock') }),
      () => net.connect(join(sandbox, 'other.socket')),
      () => net.connect({ path: join(sandbox, 'other.socket') }),
    ]);
    expect(made).toEqual([true, false, false]);
    expect(events.map((e) => e.detail.target)).toEqual([
      `unix:${join(sandbox, 'other.socket')}`,
      `unix:${join(sandbox, 'other.socket')}`,
    ]);
    expect(allowed.connections).toBe(1);
    expect(other.connections).toBe(0);
  });

  it('the Lambda Runtime API (AWS_LAMBDA_RUNTIME_API) is always allowed', async () => {
    const [runtimeApi, other] = [await startServer(), await startServer()];
    const saved = process.env.AWS_LAMBDA_RUNTIME_API;
    process.env.AWS_LAMBDA_RUNTIME_API = `127.0.0.1:${runtimeApi.port}`;
    try {
      guard({ outbound: { mode: 'block', allowHosts: [] } });
    } finally {
      if (saved === undefined) delete process.env.AWS_LAMBDA_RUNTIME_API;
      else process.env.AWS_LAMBDA_RUNTIME_API = saved;
    }
    const { made, events } = await reach([
      () => net.connect(runtimeApi.port, HOST),
      () => net.connect(other.port, HOST),
    ]);
    expect(made).toEqual([true, false]);
    expect(events.map((e) => e.detail.target)).toEqual([`127.0.0.1:${other.port}`]);
    // and through HTTP, as the runtime client talks to it
    const viaHttp = await observe(() =>
      requestOutcome((onResponse) =>
        http.get(`http://127.0.0.1:${runtimeApi.port}/2018-06-01/runtime/invocation/next`, onResponse),
      ),
    );
    expect(viaHttp.error).toBeUndefined();
    expect(runtimeApi.connections).toBe(2);
  });
});

// --- rule 1: malformed calls -----------------------------------------------------------------------

describe('a connect call with malformed arguments', () => {
  const malformed: [string, () => net.Socket][] = [
    ['port not a number', () => net.connect({ host: HOST, port: 'http' as unknown as number })],
    ['port out of range', () => net.connect({ host: HOST, port: 70000 })],
    ['port negative', () => net.connect(-1, HOST)],
    ['port blank', () => net.connect({ host: HOST, port: ' ' as unknown as number })],
    ['port fractional', () => net.connect({ host: HOST, port: 80.5 })],
    ['port an object', () => net.connect({ host: HOST, port: {} as unknown as number })],
    ['no port or path', () => net.connect({ host: HOST } as net.NetConnectOpts)],
    ['no arguments', () => (net.connect as () => net.Socket)()],
    ['an array that is not Node’s own', () => net.connect([{ host: HOST, port: 80 }] as never)],
    ['host not a string', () => net.connect({ host: 42 as unknown as string, port: 80 })],
    ['path not a string', () => net.connect({ path: 42 as unknown as string })],
    ['bad localAddress', () => net.connect({ host: HOST, port: 80, localAddress: 'not-an-ip' })],
    ['bad localPort', () => net.connect({ host: HOST, port: 80, localPort: '1' as unknown as number })],
    ['bad lookup', () => net.connect({ host: 'db.invalid', port: 80, lookup: 5 as never })],
  ];

  function attempt(start: () => net.Socket): Promise<Outcome> {
    return socketOutcome(start);
  }

  for (const [name, start] of malformed) {
    it(`${name}: fails with Node's own error, with or without the guard, and records nothing`, async () => {
      const without = await observe(() => attempt(start));
      expect(without.via).toBe('throw');
      expect(without.error).toBeInstanceOf(Error);

      for (const mode of ['block', 'alert'] as const) {
        const made = guard({ outbound: { mode, allowHosts: [] } });
        const guardedRun = await observe(() => attempt(start));
        made.release();
        expect(guardedRun.via).toBe('throw');
        expect(guardedRun.error).toBeInstanceOf((without.error as Error).constructor);
        expect((guardedRun.error as NodeJS.ErrnoException).code).toBe(
          (without.error as NodeJS.ErrnoException).code,
        );
        expect((guardedRun.error as Error).message).toBe((without.error as Error).message);
        expect(guardedRun.events).toEqual([]);
      }
    });
  }
});

// --- one invocation through Middy ------------------------------------------------------------------

describe('inside a Middy invocation', () => {
  function handlerWith(guardMiddleware: RuntimeGuardMiddleware, seen: SecurityEvent[][], port: number) {
    const capture: MiddlewareObj['after'] = (request) => {
      seen.push([...invocationState(request).securityEvents]);
    };
    return middy(async () => {
      const response = await fetch(`http://${HOST}:${port}/`);
      return response.text();
    })
      .use({ after: capture, onError: capture })
      .use(guardMiddleware);
  }

  it('block: the handler fails with the violation as the cause, and the event lands on that invocation', async () => {
    const server = await startServer();
    const seen: SecurityEvent[][] = [];
    const result = await invoke(
      handlerWith(guard({ outbound: { mode: 'block', allowHosts: [] } }), seen, server.port),
      {},
    );
    expect(guardError(result.error)).toBeInstanceOf(RuntimeGuardViolationError);
    expect(server.connections).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toHaveLength(1);
    expect(seen[0]?.[0]).toMatchObject({
      type: 'guard_violation',
      detail: { policy: 'outbound', target: `${HOST}:${server.port}`, mode: 'block', blocked: true },
    });
    expect(seen[0]?.[0]?.duringInit).toBeUndefined();
  });

  it('alert: the handler succeeds and the event lands on that invocation', async () => {
    const server = await startServer();
    const seen: SecurityEvent[][] = [];
    const alerting = guard({ outbound: { mode: 'alert', allowHosts: [] } });
    // a later block-mode guard is the process policy; the invocation keeps its own guard's policy
    guard({ outbound: { mode: 'block', allowHosts: [] } });
    const result = await invoke(handlerWith(alerting, seen, server.port), {});
    expect(result.error).toBeUndefined();
    expect(result.result).toBe('hello');
    expect(server.connections).toBe(1);
    expect(seen[0]).toHaveLength(1);
    expect(seen[0]?.[0]?.detail).toMatchObject({
      policy: 'outbound',
      target: `${HOST}:${server.port}`,
      mode: 'alert',
      blocked: false,
    });
  });
});

// --- what got through before: names anyone can own, lookups that lie, * across dots ----------------

/** A resolver that sends every name to 127.0.0.1, as an attacker's `lookup` would. */
const toLoopback: net.LookupFunction = (_hostname, options, callback) => {
  if (options.all) callback(null, [{ address: HOST, family: 4 }]);
  else callback(null, HOST, 4);
};

/** Runs `fn` with `AWS_REGION` set, as Lambda sets it, restoring it after. */
function inRegion<T>(region: string, fn: () => T): T {
  const saved = process.env.AWS_REGION;
  process.env.AWS_REGION = region;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = saved;
  }
}

/** Each attempt's outcome in order, and the invocation's events. */
async function attempts(starts: (() => Promise<Outcome>)[]): Promise<Observed & { outcomes: Outcome[] }> {
  const outcomes: Outcome[] = [];
  const observed = await observe(async () => {
    for (const start of starts) outcomes.push(await start());
    return {};
  });
  return { ...observed, outcomes };
}

describe.each(['block', 'alert'] as const)('outbound hardening in %s mode', (mode) => {
  /** In block mode every attempt fails with the guard's error and none reaches the server; in alert mode all do. */
  async function expectStoppedOrReported(server: Server, run: Observed & { outcomes: Outcome[] }, n: number) {
    if (mode === 'block') {
      for (const outcome of run.outcomes)
        expect(guardError(outcome.error)).toBeInstanceOf(RuntimeGuardViolationError);
      expect(await acceptedBeforeNow(server)).toBe(0);
    } else {
      for (const outcome of run.outcomes) expect(guardError(outcome.error)).toBeUndefined();
      expect(server.connections).toBe(n);
    }
    expect(run.events).toHaveLength(n);
    for (const event of run.events) expect(event.detail).toMatchObject({ mode, blocked: mode === 'block' });
  }

  it('the default allows the regional service endpoints only: no EC2, S3 website or execute-api name', async () => {
    const server = await startServer();
    const made = inRegion('eu-west-1', () => guard({ outbound: mode }));
    expect(made.policy.outbound.list).toEqual(['*.eu-west-1.amazonaws.com:443', '*.eu-west-1.api.aws:443']);
    const owned = [
      'ec2-203-0-113-7.compute-1.amazonaws.com',
      'ec2-203-0-113-7.eu-west-1.compute.amazonaws.com',
      'evil-site.s3-website.eu-west-1.amazonaws.com',
      'evil-site.s3-website-eu-west-1.amazonaws.com',
      'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    ];
    const run = await attempts(
      owned.map(
        (host) => () => socketOutcome(() => net.connect({ host, port: server.port, lookup: toLoopback })),
      ),
    );
    await expectStoppedOrReported(server, run, owned.length);
    expect(run.events.map((e) => e.detail.target)).toEqual(owned.map((host) => `${host}:${server.port}`));
  });

  it('an allowed name whose custom lookup (call, request or Agent) answers another address is refused by that address', async () => {
    const server = await startServer();
    const name = 'dynamodb.eu-west-1.amazonaws.com';
    guard({ outbound: { mode, allowHosts: [`${name}:*`] } });
    const agent = new http.Agent({ lookup: toLoopback });
    const run = await attempts([
      () => socketOutcome(() => net.connect({ host: name, port: server.port, lookup: toLoopback })),
      () =>
        requestOutcome((onResponse) =>
          http.get({ host: name, port: server.port, lookup: toLoopback }, onResponse),
        ),
      () => requestOutcome((onResponse) => http.get({ host: name, port: server.port, agent }, onResponse)),
    ]);
    agent.destroy();
    await expectStoppedOrReported(server, run, 3);
    for (const event of run.events) {
      expect(event.detail).toMatchObject({
        policy: 'outbound',
        operation: 'net.connect',
        target: `${HOST}:${server.port}`,
        host: `${name}:${server.port}`,
      });
    }
    if (mode === 'block') {
      expect(guardError(run.outcomes[0]?.error)).toMatchObject({ target: `${HOST}:${server.port}` });
    }
  });

  it('* in an allowed host never crosses a dot: 127.0.*.*:* refuses 127.0.attacker.example', async () => {
    const server = await startServer();
    guard({ outbound: { mode, allowHosts: ['127.0.*.*:*'] } });
    const run = await attempts([
      () => socketOutcome(() => net.connect(server.port, HOST)),
      () =>
        socketOutcome(() =>
          net.connect({ host: '127.0.attacker.example', port: server.port, lookup: toLoopback }),
        ),
    ]);
    expect(run.outcomes[0]?.error).toBeUndefined();
    expect(run.events.map((e) => e.detail.target)).toEqual([`127.0.attacker.example:${server.port}`]);
    expect(guardError(run.outcomes[1]?.error) !== undefined).toBe(mode === 'block');
    expect(server.connections).toBe(mode === 'block' ? 1 : 2);
  });

  it('a replaced dns.lookup is checked like a lookup option', async () => {
    const server = await startServer();
    guard({ outbound: { mode, allowHosts: ['dynamodb.eu-west-1.amazonaws.com:*'] } });
    const saved = dns.lookup;
    const run = await attempts([
      () =>
        socketOutcome(() => {
          dns.lookup = toLoopback as unknown as typeof dns.lookup;
          try {
            return net.connect(server.port, 'dynamodb.eu-west-1.amazonaws.com');
          } finally {
            dns.lookup = saved;
          }
        }),
    ]);
    await expectStoppedOrReported(server, run, 1);
    expect(run.events[0]?.detail.target).toBe(`${HOST}:${server.port}`);
  });
});

describe('a custom lookup that answers what Node’s resolver answers', () => {
  it('connects with no event', async () => {
    const server = await startServer();
    guard({ outbound: { mode: 'block', allowHosts: ['localhost:*'] } });
    // Node's resolver behind a function of the caller's own
    const viaSystem: net.LookupFunction = (hostname, options, callback) =>
      Reflect.apply(dns.lookup, dns, [hostname, options, callback]);
    const run = await attempts([
      () =>
        socketOutcome(() =>
          net.connect({ host: 'localhost', port: server.port, lookup: viaSystem, family: 4 }),
        ),
    ]);
    expect(run.outcomes[0]?.error).toBeUndefined();
    expect(run.events).toEqual([]);
    expect(server.connections).toBe(1);
  });
});

// --- clients: their endpoints, and nothing else from AWS ---------------------------------------------

describe('clients', () => {
  const credentials = { accessKeyId: 'AKIDGUARDTEST', secretAccessKey: 'guard-test-secret' };
  const env = { AWS_REGION: 'eu-west-1' };
  const allows = (policy: ReturnType<typeof compilePolicy>, host: string, port = 443) =>
    policy.outbound.allows(hostKey(host, port));

  it('allow the endpoints of each client (FIPS, dual-stack, account endpoints) and replace the regional default', () => {
    const ddb = new DynamoDBClient({ region: 'eu-west-1', credentials });
    const policy = compilePolicy(normaliseOptions({ outbound: 'block', clients: [ddb] }, env), env);
    for (const host of [
      'dynamodb.eu-west-1.amazonaws.com',
      'dynamodb-fips.eu-west-1.amazonaws.com',
      'dynamodb.eu-west-1.api.aws',
      '111122223333.ddb.eu-west-1.amazonaws.com',
    ])
      expect(allows(policy, host), host).toBe(true);
    for (const host of [
      'sts.eu-west-1.amazonaws.com', // another service: not one the clients call
      'dynamodb.us-east-1.amazonaws.com', // another region
      'ec2-203-0-113-7.eu-west-1.compute.amazonaws.com',
      'x.111122223333.ddb.eu-west-1.amazonaws.com',
    ])
      expect(allows(policy, host), host).toBe(false);
    expect(allows(policy, 'dynamodb.eu-west-1.amazonaws.com', 80)).toBe(false);
    ddb.destroy();
  });

  it('in another region than the function, or with a custom endpoint, are allowed once their config has answered', async () => {
    const elsewhere = new DynamoDBClient({ region: 'us-east-1', credentials });
    const local = new DynamoDBClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:8000', credentials });
    const policy = compilePolicy(
      normaliseOptions({ outbound: 'block', clients: [elsewhere, local] }, env),
      env,
    );
    await policy.outbound.ready;
    expect(allows(policy, 'dynamodb.us-east-1.amazonaws.com')).toBe(true);
    expect(allows(policy, '127.0.0.1', 8000)).toBe(true);
    expect(allows(policy, '127.0.0.1', 8001)).toBe(false);
    elsewhere.destroy();
    local.destroy();
  });

  it('with no region known and no clients, nothing from AWS is allowed by default (only the Runtime API)', () => {
    const policy = compilePolicy(normaliseOptions({ outbound: 'block' }, {}), {});
    expect(allows(policy, 'dynamodb.eu-west-1.amazonaws.com')).toBe(false);
    expect(allows(policy, 's3.amazonaws.com')).toBe(false);
  });

  describe.each(['block', 'alert'] as const)('in %s mode, through Middy', (mode) => {
    it('a client pointed at a local stand-in works, and other hosts are still refused', async () => {
      const server = await startServer();
      const ddb = new DynamoDBClient({ endpoint: dynalite.endpoint, region: 'us-east-1', credentials });
      const seen: SecurityEvent[][] = [];
      const capture: MiddlewareObj['after'] = (request) => {
        seen.push([...invocationState(request).securityEvents]);
      };
      const made = guard({ outbound: mode, clients: [ddb] });
      const handler = middy(async () => {
        const tables = await ddb.send(new ListTablesCommand({}));
        const other = await socketOutcome(() => net.connect(server.port, HOST));
        return { tables: tables.TableNames, blocked: guardError(other.error) !== undefined };
      })
        .use({ after: capture, onError: capture })
        .use(made);
      const result = await invoke(handler, {});
      ddb.destroy();
      expect(result.error).toBeUndefined();
      expect(result.result).toEqual({ tables: [], blocked: mode === 'block' });
      expect(seen[0]?.map((e) => e.detail.target)).toEqual([`${HOST}:${server.port}`]);
    });
  });
});
