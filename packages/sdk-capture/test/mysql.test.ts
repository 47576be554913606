// mysql2 capture against the MariaDB server, through both tracing adapters.
import './lambda-env.ts';
import { randomBytes } from 'node:crypto';
import type { TraceSink } from '@lambda-sentinel/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TraceBackend } from '../src/port.ts';

const mysql = await import('mysql2');
const mysqlPromise = await import('mysql2/promise');
const { default: middy } = await import('@middy/core');
const { invoke, invokeConcurrently } = await import('@lambda-sentinel/testing');
const { captureMysql, sdkCapture } = await import('../src/index.ts');
const { KINDS, sinkAndBackend } = await import('./backends.ts');
const { testRedactor } = await import('./redactor.ts');

const SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };
const database = `sentinel_sdkcapture_${randomBytes(4).toString('hex')}`;

async function serverReachable(): Promise<boolean> {
  try {
    const conn = await mysqlPromise.createConnection({ ...SERVER, connectTimeout: 2000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

const reachable = await serverReachable();
if (!reachable && process.env.CI) throw new Error('MariaDB at 127.0.0.1:3306 is unreachable and CI is set');
if (!reachable)
  console.warn('Skipping mysql2 capture tests: no MariaDB at 127.0.0.1:3306 (set CI to make this fail)');

describe.skipIf(!reachable)('captureMysql (MariaDB)', () => {
  let promisePool: ReturnType<typeof mysqlPromise.createPool>;
  let callbackConnection: ReturnType<typeof mysql.createConnection>;

  beforeAll(async () => {
    const admin = await mysqlPromise.createConnection(SERVER);
    await admin.query(`CREATE DATABASE \`${database}\``);
    await admin.query(`CREATE TABLE \`${database}\`.users (id INT PRIMARY KEY, email VARCHAR(200))`);
    await admin.end();
    promisePool = captureMysql(mysqlPromise.createPool({ ...SERVER, database, connectionLimit: 4 }));
    callbackConnection = captureMysql(mysql.createConnection({ ...SERVER, database }));
    captureMysql(promisePool); // idempotent
  });

  afterAll(async () => {
    await promisePool?.end();
    callbackConnection?.end();
    const admin = await mysqlPromise.createConnection(SERVER);
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });

  describe.each(KINDS)('%s backend', (kind) => {
    let sink: TraceSink;
    let backend: TraceBackend;
    beforeAll(async () => {
      ({ sink, backend } = await sinkAndBackend(kind));
    });
    afterAll(() => sink?.close());
    beforeEach(() => sink.clear());

    const handlerOf = (fn: (event: { id: number }) => Promise<unknown>) =>
      middy(fn).use(sdkCapture({ backend, redact: testRedactor }));

    async function sqlSpans(rootTraceId: string, count: number) {
      const { handler, spans } = await sink.trace(rootTraceId, count + 1);
      return { handler, sql: spans.filter((span) => span.sql) };
    }

    it('records one SQL span per query, sanitised, for the promise pool and the callback connection', async () => {
      const id = Math.floor(Math.random() * 1e6);
      const handler = handlerOf(async () => {
        await promisePool.query(`INSERT INTO users VALUES (${id}, 'jane@example.com')`);
        await promisePool.execute('SELECT email FROM users WHERE id = ?', [id]);
        await new Promise((resolve, reject) =>
          callbackConnection.query(
            "SELECT * FROM users WHERE email = 'jane@example.com' AND id > 0",
            (err, rows) => (err ? reject(err) : resolve(rows)),
          ),
        );
        return 'done';
      });
      const run = await invoke(handler, { id: 1 });
      expect(run.result).toBe('done');
      const { handler: root, sql } = await sqlSpans(run.rootTraceId, 3);
      expect(sql).toHaveLength(3);
      for (const span of sql) {
        expect(span.namespace).toBe('remote');
        expect(span.parentId).toBe(root.id);
        expect(span.name).toBe(`${database}@127.0.0.1`);
        expect(span.sql).toMatchObject({ databaseType: 'mysql', user: 'root' });
      }
      if (kind === 'xray') {
        expect(sql[0]?.sql?.url).toBe(`mysql://127.0.0.1:3306/${database}`);
      }
      expect(sql.map((span) => span.sql?.query).sort()).toEqual([
        'INSERT INTO users VALUES (?, ?)',
        'SELECT * FROM users WHERE email = ? AND id > ?',
        'SELECT email FROM users WHERE id = ?',
      ]);
      expect(sink.raw()).not.toContain('jane@example.com');
    });

    it('marks a failed query a fault, keeps the literals the driver echoes out, and the handler still gets the error', async () => {
      const handler = handlerOf(async () => {
        try {
          await promisePool.query("INSERT INTO users VALUES (1, 'x'), (1, 'jane@example.com')");
        } catch (error) {
          return (error as { code?: string }).code;
        }
        return 'no error';
      });
      const run = await invoke(handler, { id: 1 });
      expect(run.result).toBe('ER_DUP_ENTRY');
      const { sql } = await sqlSpans(run.rootTraceId, 1);
      expect(sql[0]?.fault).toBe(true);
      expect(sql[0]?.exceptions[0]?.type).toBe('ER_DUP_ENTRY');
      expect(sql[0]?.exceptions[0]?.message).toMatch(/^Duplicate entry \? for key \?/);
      expect(sink.raw()).not.toContain('jane@example.com');
    });

    it('keeps queries on their own trace under interleaved concurrent invocations', async () => {
      const handler = handlerOf(async (event) =>
        promisePool.query('SELECT ? AS id, SLEEP(0.01)', [event.id]),
      );
      const runs = await invokeConcurrently(
        handler,
        Array.from({ length: 8 }, (_, id) => ({ id })),
      );
      for (const run of runs) {
        const { handler: root, sql } = await sqlSpans(run.rootTraceId, 1);
        expect(sql).toHaveLength(1);
        expect(sql[0]?.parentId).toBe(root.id);
      }
    });
  });
});
