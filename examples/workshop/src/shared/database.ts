import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { captureMysql } from '@lambda-sentinel/sdk-capture';
import { createPool } from 'mysql2/promise';
import { type Db, mysqlDb, safePoolOptions, sqliteDb } from '../app/db.ts';
import { createDbUtils, type DbUtils } from '../app/dbUtils.ts';

interface DbSecret {
  host: string;
  username: string;
  password: string;
  port?: number;
  dbname?: string;
}

/**
 * Where the credentials come from: in AWS, the Secrets Manager secret named by
 * `SECRET_NAME` through Powertools Parameters (cached for 5 minutes; the
 * original hard-coded `admin` / `Corp123!`); locally, `DB_HOST` / `DB_USER` /
 * `DB_PASSWORD`; with neither, an embedded SQLite database. That last one
 * loads its schema from src/init/queries.sql on first use, a read of the
 * function's own code that the runtime guard refuses (`fileRead` denies
 * `LAMBDA_TASK_ROOT/**`): the local stack provisions it before the functions
 * load and hands it over with `useDb`, as a deployment provisions RDS.
 */
async function connect(): Promise<Db> {
  const env = process.env;
  if (env.SECRET_NAME) {
    const secret = await getSecret<DbSecret>(env.SECRET_NAME, { transform: 'json', maxAge: 300 });
    if (!secret?.host) throw new Error(`secret ${env.SECRET_NAME} has no host`);
    return pool({
      host: secret.host,
      port: secret.port ?? 3306,
      user: secret.username,
      password: secret.password,
      database: secret.dbname ?? 'unicorn_customization',
    });
  }
  if (env.DB_HOST) {
    return pool({
      host: env.DB_HOST,
      port: Number(env.DB_PORT ?? 3306),
      user: env.DB_USER ?? 'root',
      password: env.DB_PASSWORD ?? '',
      database: env.DB_NAME ?? 'unicorn_customization',
    });
  }
  return sqliteDb(env.SQLITE_PATH ?? ':memory:');
}

function pool(options: { host: string; port: number; user: string; password: string; database: string }): Db {
  // DB_TLS=true verifies the server against the Amazon RDS CA bundle (the workshop's Module 4).
  const ssl = process.env.DB_TLS === 'true' ? { ssl: 'Amazon RDS' } : {};
  const created = createPool(safePoolOptions({ ...options, ...ssl }));
  captureMysql(created);
  return mysqlDb(created);
}

let connecting: Promise<Db> | undefined;

/** The process's database, connected on first use and reused by later invocations. */
export function getDb(): Promise<Db> {
  connecting ??= connect().catch((error: unknown) => {
    connecting = undefined; // let the next invocation retry
    throw error;
  });
  return connecting;
}

/** Replaces the connection (tests and the demo inject their own database). */
export function useDb(db: Db): void {
  connecting = Promise.resolve(db);
}

export const dbUtils: DbUtils = createDbUtils(getDb);
