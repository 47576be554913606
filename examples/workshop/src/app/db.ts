import { readFileSync } from 'node:fs';
import { traceSql } from '@lambda-sentinel/sdk-capture';
import type { Pool, PoolOptions, ResultSetHeader } from 'mysql2/promise';

/**
 * The two statements dbUtils needs, over either MySQL (mysql2, in AWS and in
 * the MariaDB tests) or node:sqlite (the demo's embedded default). Both take
 * `?` placeholders: SQL is never built from input.
 */
export interface Db {
  readonly engine: 'mysql' | 'sqlite';
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<{ insertId: number; affectedRows: number }>;
  close(): Promise<void>;
}

const schemaUrl = new URL('../init/queries.sql', import.meta.url);

/** The workshop's schema and seed, as MySQL statements. */
export function schemaStatements(): string[] {
  return readFileSync(schemaUrl, 'utf8')
    .replace(/^--.*$/gm, '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The same schema for SQLite: AUTO_INCREMENT primary keys become INTEGER PRIMARY KEY AUTOINCREMENT. */
function sqliteSchema(): string[] {
  return schemaStatements().map((s) =>
    s
      .replace('ID int NOT NULL AUTO_INCREMENT,', 'ID INTEGER PRIMARY KEY AUTOINCREMENT,')
      .replace(/,\s*PRIMARY KEY \(ID\)/, ''),
  );
}

export function mysqlDb(pool: Pool): Db {
  return {
    engine: 'mysql',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const [rows] = await pool.execute(sql, params as any);
      return rows as T[];
    },
    async execute(sql: string, params: readonly unknown[] = []) {
      const [result] = await pool.execute<ResultSetHeader>(sql, params as any);
      return { insertId: result.insertId, affectedRows: result.affectedRows };
    },
    close: () => pool.end(),
  };
}

/** mysql2 pool options that keep the original's weaknesses out. */
export function safePoolOptions(options: PoolOptions): PoolOptions {
  return {
    ...options,
    multipleStatements: false, // the original enabled it, which made `1; drop table ...` possible
    decimalNumbers: true,
    connectionLimit: options.connectionLimit ?? 2,
  };
}

/** Creates the schema and seed in an empty MySQL database. */
export async function initMysqlSchema(pool: Pool): Promise<void> {
  for (const statement of schemaStatements()) await pool.query(statement);
}

/**
 * An in-memory (or file) SQLite database with the workshop's schema and seed.
 * A file that already has the schema is opened as it is: whoever provisioned
 * it loaded the schema (reading src/init/queries.sql, which the functions'
 * runtime guard forbids them to read). Inside a traced invocation every
 * statement is a SQL span (an X-Ray `remote` subsegment with a `sql` block),
 * as mysql2's are through `captureMysql`.
 */
export async function sqliteDb(path = ':memory:'): Promise<Db> {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(path);
  db.exec('PRAGMA foreign_keys = ON');
  const provisioned = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Socks'").get();
  if (!provisioned) for (const statement of sqliteSchema()) db.exec(statement);
  const target = { name: 'unicorn_customization@sqlite', system: 'sqlite', database: path };
  const traced = <T>(sql: string, run: () => Promise<T>) => traceSql(target, sql, run);
  return {
    engine: 'sqlite',
    query<T>(sql: string, params: readonly unknown[] = []) {
      return traced(sql, async () => db.prepare(sql).all(...(params as never[])) as T[]);
    },
    execute(sql: string, params: readonly unknown[] = []) {
      return traced(sql, async () => {
        const result = db.prepare(sql).run(...(params as never[]));
        return { insertId: Number(result.lastInsertRowid), affectedRows: Number(result.changes) };
      });
    },
    async close() {
      db.close();
    },
  };
}
