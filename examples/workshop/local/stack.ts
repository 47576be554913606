import { resolve } from 'node:path';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { runtimeGuard } from '@lambda-sentinel/runtime-guard';
import { startDynalite, startTraceSink, type TraceSink } from '@lambda-sentinel/testing';
import { createConnection } from 'mysql2/promise';
import { type ApiGateway, createApiGateway, type Handler } from './api-gateway.ts';
import { type LocalCognito, startLocalCognito } from './cognito.ts';

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
  functions: Record<string, Handler>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  /** `mysql://user:pass@host:port` of a server where a fresh database is created (and dropped on close). */
  mysqlUrl?: string;
  /** Extra environment for the functions (set before their modules load). */
  env?: Record<string, string>;
  /** The functions' tracing backend (`SENTINEL_TRACING`). Default `xray`. */
  tracing?: 'xray' | 'otel';
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

  let database = 'sqlite (in memory)';
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
  const database_ = await import('../src/shared/database.ts');
  if (!options.mysqlUrl) {
    const { sqliteDb } = await import('../src/app/db.ts');
    database_.useDb(await sqliteDb(':memory:'));
  } else {
    const { createPool } = await import('mysql2/promise');
    const { initMysqlSchema } = await import('../src/app/db.ts');
    const pool = createPool({
      host: dbEnv.DB_HOST,
      port: Number(dbEnv.DB_PORT),
      user: dbEnv.DB_USER,
      password: dbEnv.DB_PASSWORD,
      database: dbEnv.DB_NAME,
    });
    await initMysqlSchema(pool);
    await pool.end();
  }
  closers.push(async () => (await database_.getDb()).close());

  const functions: Record<string, Handler> = {
    unicornParts: (await import('../src/app/unicornParts.ts')).handler,
    customizeUnicorn: (await import('../src/app/customizeUnicorn.ts')).handler,
    managePartners: (await import('../src/app/managePartners.ts')).handler,
    customUnicornAnalytics: (await import('../src/app/customUnicornAnalytics.ts')).handler,
  };
  const authorizer = (await import('../src/authorizer/index.ts')).handler;
  const api = createApiGateway({
    apiId: API_ID,
    stage: STAGE,
    accountId: ACCOUNT,
    region: REGION,
    authorizer,
    functions: { ...functions, authorizer },
    xrayDaemonAddress: traces.address,
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
    cognito,
    traces,
    tracing,
    dynamodbEndpoint: dynalite.endpoint,
    apiId: API_ID,
    stage: STAGE,
    accountId: ACCOUNT,
    region: REGION,
    database,
    functions: { ...functions, authorizer },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
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
