import './lambda-env.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { Tracer } = await import('@aws-lambda-powertools/tracer');
const { default: AWSXRay } = await import('aws-xray-sdk-core');
const mysql = await import('mysql2');
const mysqlPromise = await import('mysql2/promise');
const { default: middy } = await import('@middy/core');
const { invoke, invokeConcurrently, startXRayCollector } = await import('@lambda-sentinel/testing');
const { captureMysql, sdkCapture } = await import('../src/index.ts');
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
  const tracer = new Tracer({ serviceName: 'orders' });
  let collector: Awaited<ReturnType<typeof startXRayCollector>>;
  let promisePool: ReturnType<typeof mysqlPromise.createPool>;
  let callbackConnection: ReturnType<typeof mysql.createConnection>;

  beforeAll(async () => {
    collector = await startXRayCollector();
    AWSXRay.setDaemonAddress(collector.address);
    const admin = await mysqlPromise.createConnection(SERVER);
    await admin.query(`CREATE DATABASE \`${database}\``);
    await admin.query(`CREATE TABLE \`${database}\`.users (id INT PRIMARY KEY, email VARCHAR(200))`);
    await admin.end();
    promisePool = captureMysql(tracer, mysqlPromise.createPool({ ...SERVER, database, connectionLimit: 4 }), {
      redact: testRedactor,
    });
    callbackConnection = captureMysql(tracer, mysql.createConnection({ ...SERVER, database }), {
      redact: testRedactor,
    });
    captureMysql(tracer, promisePool); // idempotent
  });

  afterAll(async () => {
    await promisePool?.end();
    callbackConnection?.end();
    const admin = await mysqlPromise.createConnection(SERVER);
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
    await collector?.close();
  });

  const handlerOf = (fn: (event: { id: number }) => Promise<unknown>) =>
    middy(fn).use(sdkCapture({ tracer, redact: testRedactor }));

  async function sqlDocs(rootTraceId: string, count: number) {
    await collector.waitFor(() => {
      const docs = collector.byTrace(rootTraceId);
      return docs.filter((d) => d.sql).length >= count && docs.some((d) => d.name === '## index.handler');
    });
    const docs = collector.byTrace(rootTraceId);
    const handler = docs.find((d) => d.name === '## index.handler');
    return { handler, sql: docs.filter((d) => d.sql) };
  }

  it('records one remote subsegment per query with a sanitised sql block (promise pool, callback connection)', async () => {
    const handler = handlerOf(async () => {
      await promisePool.query("INSERT INTO users VALUES (1, 'jane@example.com')");
      await promisePool.execute('SELECT email FROM users WHERE id = ?', [1]);
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
    const { handler: handlerDoc, sql } = await sqlDocs(run.rootTraceId, 3);
    expect(sql).toHaveLength(3);
    for (const doc of sql) {
      expect(doc.namespace).toBe('remote');
      expect(doc.parent_id).toBe(handlerDoc?.id);
      expect(doc.name).toBe(`${database}@127.0.0.1`);
      expect(doc.sql).toMatchObject({
        url: `mysql://127.0.0.1:3306/${database}`,
        database_type: 'MySQL',
        user: 'root',
      });
    }
    expect(sql.map((d) => (d.sql as { sanitized_query: string }).sanitized_query).sort()).toEqual([
      'INSERT INTO users VALUES (?, ?)',
      'SELECT * FROM users WHERE email = ? AND id > ?',
      'SELECT email FROM users WHERE id = ?',
    ]);
    expect(JSON.stringify(collector.documents)).not.toContain('jane@example.com');
  });

  it('marks a failed query fault with a redacted error, and the handler still gets the error', async () => {
    const handler = handlerOf(async () => {
      try {
        await promisePool.query("SELECT * FROM no_such_table WHERE secret = 'jane@example.com'");
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    });
    const run = await invoke(handler, { id: 1 });
    expect(run.result).toBe('ER_NO_SUCH_TABLE');
    const { sql } = await sqlDocs(run.rootTraceId, 1);
    expect(sql[0]?.fault).toBe(true);
    expect(JSON.stringify(sql[0]?.cause)).toContain('no_such_table');
  });

  it('keeps queries on their own trace under interleaved concurrent invocations', async () => {
    const handler = handlerOf(async (event) => promisePool.query('SELECT ? AS id, SLEEP(0.01)', [event.id]));
    const runs = await invokeConcurrently(
      handler,
      Array.from({ length: 8 }, (_, id) => ({ id })),
    );
    for (const run of runs) {
      const { handler: handlerDoc, sql } = await sqlDocs(run.rootTraceId, 1);
      expect(sql).toHaveLength(1);
      expect(sql[0]?.parent_id).toBe(handlerDoc?.id);
    }
  });
});
