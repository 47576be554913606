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
import {
  type RuntimeGuardMiddleware,
  type RuntimeGuardOptions,
  RuntimeGuardViolationError,
  runtimeGuard,
} from '../src/index.ts';
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
  close(): Promise<void>;
}

const servers: Server[] = [];
async function startServer(path?: string): Promise<Server> {
  const server = http.createServer((_request, response) => {
    response.end('hello');
  });
  const counted: Server = {
    port: 0,
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    ...(path ? { path } : {}),
  };
  server.on('connection', () => {
    counted.connections++;
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

/** Lets a connection that should not exist have time to reach the server. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

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
      await settle();
      expect(server.connections).toBe(0);
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
