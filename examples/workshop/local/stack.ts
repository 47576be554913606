import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { runtimeGuard } from '@lambda-sentinel/runtime-guard';
import { startDynalite, startTraceSink, type TraceSink } from '@lambda-sentinel/testing';
import { createConnection } from 'mysql2/promise';
import { type ApiGateway, createApiGateway, type LambdaFunction } from './api-gateway.ts';
import { type LocalCognito, startLocalCognito } from './cognito.ts';
import { startFunctionProcess } from './function-process.ts';
import { FUNCTION_SOURCES } from './functions.ts';

/**
 * Everything the workshop app needs, on this machine: dynalite for DynamoDB,
 * SQLite (or a MySQL server) for the unicorn database, the Cognito stand-in,
 * a local X-Ray daemon (receiving X-Ray segments or OTLP, by tracing backend),
 * and the API Gateway emulation in front of the real handlers. Used by
 * `pnpm demo` and by the end-to-end tests.
 */
export interface LocalStack {
  api: ApiGateway;
  cognito: LocalCognito;
  /** What the functions' traces reached: the X-Ray daemon's stand-in. */
  traces: TraceSink;
  tracing: 'xray' | 'otel';
  dynamodbEndpoint: string;
  apiId: string;
  stage: string;
  accountId: string;
  region: string;
  database: string;
  functions: Record<string, LambdaFunction>;
  /**
   * Starts one more function (`isolate` only): `module`'s `handler` in a process of its own,
   * routed to by `api.invokeDirectly(name, ...)`.
   */
  addFunction(name: string, module: string): Promise<LambdaFunction>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  /** `mysql://user:pass@host:port` of a server where a fresh database is created (and dropped on close). */
  mysqlUrl?: string;
  /** Extra environment for the functions (set before their modules load). */
  env?: Record<string, string>;
  /** The functions' tracing backend (`SENTINEL_TRACING`). Default `xray`. */
  tracing?: 'xray' | 'otel';
  /**
   * Run each function in a Node process of its own, as Lambda does (its own cold start, its
   * own runtime guard, its own CPU and memory figures) instead of all in this process. The
   * SQLite database is then a file they share. Default false (the end-to-end tests, which
   * look into the functions' process).
   */
  isolate?: boolean;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const API_ID = 'unic0rnapi';
const STAGE = 'dev';

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const closers: Array<() => Promise<unknown>> = [];
  const dynalite = await startDynalite();
  closers.push(() => dynalite.close());
  const ddb = new DynamoDBClient(dynalite.clientConfig);
  for (const [table, key] of [
    ['Partners', 'ClientID'],
    ['DemandForecast', 'RecordTimeStamp'],
  ] as const) {
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // dynalite marks a new table ACTIVE on a timer: under load the first request could beat it.
    await waitUntilTableExists(
      { client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
      { TableName: table },
    );
  }
  ddb.destroy();
  const cognito = await startLocalCognito(REGION);
  closers.push(() => cognito.close());
  const tracing = options.tracing ?? 'xray';
  const traces = await startTraceSink(tracing);
  closers.push(() => traces.close());

  let database = options.isolate ? 'sqlite (one file, shared)' : 'sqlite (in memory)';
  const dbEnv: Record<string, string> = {};
  if (options.mysqlUrl) {
    const url = new URL(options.mysqlUrl);
    const name = `unicorn_customization_${Date.now().toString(36)}`;
    const admin = await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username || 'root'),
      password: decodeURIComponent(url.password),
    });
    await admin.query(`CREATE DATABASE \`${name}\``);
    closers.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    });
    Object.assign(dbEnv, {
      DB_HOST: url.hostname,
      DB_PORT: url.port || '3306',
      DB_USER: decodeURIComponent(url.username || 'root'),
      DB_PASSWORD: decodeURIComponent(url.password),
      DB_NAME: name,
    });
    database = `mysql ${url.hostname}:${url.port || 3306}/${name}`;
  }

  // The functions read their configuration at module load, as in Lambda.
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALDEMO',
    AWS_SECRET_ACCESS_KEY: 'local-demo-secret',
    USER_POOL_ID: cognito.userPoolId,
    LOCAL_JWKS: JSON.stringify(cognito.jwks),
    PARTNER_DDB_TABLE: 'Partners',
    DEMAND_FORECAST_DDB_TABLE: 'DemandForecast',
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    COGNITO_ENDPOINT: cognito.endpoint,
    ALLOWED_API_ID: API_ID,
    ALLOWED_API_STAGE: STAGE,
    SENTINEL_TAGS: 'owner=wild-rydes-platform,environment=demo,lifecycle=experimental',
    POWERTOOLS_METRICS_NAMESPACE: 'CustomizeUnicorns',
    // Lambda's runtime environment, present when the modules load (Powertools decides at construction
    // whether it runs in Lambda); the invoke harness sets the per-invocation parts.
    AWS_LAMBDA_FUNCTION_NAME: 'customize-unicorns',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    // The functions' code: what the runtime guard's fileRead policy keeps them from reading.
    LAMBDA_TASK_ROOT: resolve(import.meta.dirname, '../src'),
    AWS_XRAY_DAEMON_ADDRESS: traces.address,
    SENTINEL_TRACING: tracing,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    ...dbEnv,
    ...options.env,
  });

  // The harness provisions the database, as a deployment does (schema and seed from
  // src/init/queries.sql), before the functions load: the functions read no file of their own
  // code at run time, which their runtime guard forbids (fileRead denies LAMBDA_TASK_ROOT/**).
  const { sqliteDb, initMysqlSchema } = await import('../src/app/db.ts');
  const functionEnv: Record<string, string> = {};
  if (options.mysqlUrl) {
    const { createPool } = await import('mysql2/promise');
    const pool = createPool({
      host: dbEnv.DB_HOST,
      port: Number(dbEnv.DB_PORT),
      user: dbEnv.DB_USER,
      password: dbEnv.DB_PASSWORD,
      database: dbEnv.DB_NAME,
    });
    await initMysqlSchema(pool);
    await pool.end();
  } else if (options.isolate) {
    // One file all the function processes open (the schema is in it already).
    const dir = mkdtempSync(join(tmpdir(), 'workshop-db-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    functionEnv.SQLITE_PATH = join(dir, 'unicorn_customization.sqlite');
    await (await sqliteDb(functionEnv.SQLITE_PATH)).close();
  }

  const started: Started = {
    closers,
    cognito,
    traces,
    tracing,
    dynamodbEndpoint: dynalite.endpoint,
    database,
  };
  if (options.isolate) {
    const start = async (name: string, module: string) => {
      const fn = await startFunctionProcess(name, module, {
        env: { ...functionEnv, AWS_LAMBDA_FUNCTION_NAME: name },
      });
      closers.push(() => fn.close());
      return fn;
    };
    const entries = await Promise.all(
      Object.entries(FUNCTION_SOURCES).map(async ([name, source]) => {
        return [name, await start(name, resolve(WORKSHOP, source))] as const;
      }),
    );
    return assemble(started, Object.fromEntries(entries), start);
  }

  const database_ = await import('../src/shared/database.ts');
  if (!options.mysqlUrl) database_.useDb(await sqliteDb(':memory:'));
  closers.push(async () => (await database_.getDb()).close());
  const functions: Record<string, LambdaFunction> = {};
  for (const [name, source] of Object.entries(FUNCTION_SOURCES)) {
    functions[name] = (await import(resolve(WORKSHOP, source))).handler;
  }
  return assemble(started, functions, async () => {
    throw new Error('addFunction needs { isolate: true }');
  });
}

const WORKSHOP = resolve(import.meta.dirname, '..');

/** What both modes share once the stand-ins are up. */
interface Started {
  closers: Array<() => Promise<unknown>>;
  cognito: LocalCognito;
  traces: TraceSink;
  tracing: 'xray' | 'otel';
  dynamodbEndpoint: string;
  database: string;
}

function assemble(
  started: Started,
  functions: Record<string, LambdaFunction>,
  start: (name: string, module: string) => Promise<LambdaFunction>,
): LocalStack {
  const { authorizer } = functions;
  if (!authorizer) throw new Error('no authorizer function');
  const api = createApiGateway({
    apiId: API_ID,
    stage: STAGE,
    accountId: ACCOUNT,
    region: REGION,
    authorizer,
    functions,
    xrayDaemonAddress: started.traces.address,
    routes: [
      ...['/horns', '/socks', '/glasses', '/capes'].map((resource) => ({
        method: 'GET',
        resource,
        function: 'unicornParts',
      })),
      { method: 'GET', resource: '/customizations', function: 'customizeUnicorn' },
      { method: 'POST', resource: '/customizations', function: 'customizeUnicorn' },
      { method: 'GET', resource: '/customizations/{id}', function: 'customizeUnicorn' },
      { method: 'DELETE', resource: '/customizations/{id}', function: 'customizeUnicorn' },
      { method: 'POST', resource: '/partners', function: 'managePartners' },
    ],
  });

  return {
    api,
    cognito: started.cognito,
    traces: started.traces,
    tracing: started.tracing,
    dynamodbEndpoint: started.dynamodbEndpoint,
    apiId: API_ID,
    stage: STAGE,
    accountId: ACCOUNT,
    region: REGION,
    database: started.database,
    functions,
    async addFunction(name, module) {
      functions[name] = await start(name, module);
      return functions[name];
    },
    async close() {
      for (const close of started.closers.reverse()) await close().catch(() => undefined);
    },
  };
}

/**
 * Runs the harness's own work (the demo writing its service map) outside the
 * functions' runtime guard. In Lambda the process runs nothing but the
 * function; here it also runs the API Gateway emulation, dynalite, the
 * Cognito stand-in and the demo or test code, and whatever runs outside an
 * invocation is governed by the last guard constructed — a function's strict
 * one, under which a write outside /tmp fails. A guard in `allow` mode
 * (installs nothing, checks nothing) takes that slot for the duration and is
 * released afterwards; invocations stay governed by their own function's
 * guard, bound in `before`.
 */
export async function outsideTheFunctions<T>(work: () => T | Promise<T>): Promise<T> {
  const harness = runtimeGuard({ mode: 'allow' });
  try {
    return await work();
  } finally {
    harness.release();
  }
}
