import type { Tracer } from '@aws-lambda-powertools/tracer';
import { createRedactor } from '@lambda-sentinel/redact';
import { activeSegment, type XraySubsegment } from './invocation-segment.ts';
import { redactError, type StringRedactor } from './redacted-error.ts';
import { sanitizeSql } from './sanitize-sql.ts';

/** The X-Ray `sql` block (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html#api-segmentdocuments-sql). */
export interface SqlBlock {
  url: string;
  database_type: string;
  user?: string;
  sanitized_query: string;
  driver_version: string;
}

interface ConnectionConfigLike {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  socketPath?: string;
}

type Callback = (error: unknown, ...rest: unknown[]) => void;
type QueryFn = (...args: unknown[]) => unknown;

interface CoreLike {
  query?: QueryFn;
  execute?: QueryFn;
  config?: ConnectionConfigLike & { connectionConfig?: ConnectionConfigLike };
}

const CAPTURED = Symbol.for('@lambda-sentinel/sdk-capture.mysql');

/**
 * The callback-API object behind a mysql2 handle: a promise pool/connection
 * wraps one (`.pool` / `.connection`) and calls its `query`/`execute`, so
 * wrapping the core captures both APIs exactly once. A pool's own
 * connections are not wrapped: the pool's `query` is the one the caller made.
 */
function coreOf(handle: unknown): CoreLike | undefined {
  if (!handle || typeof handle !== 'object') return undefined;
  const h = handle as { pool?: unknown; connection?: unknown; query?: unknown };
  if (h.pool && typeof h.pool === 'object' && typeof (h.pool as CoreLike).query === 'function') {
    return h.pool as CoreLike;
  }
  if (
    h.connection &&
    typeof h.connection === 'object' &&
    typeof (h.connection as CoreLike).query === 'function'
  ) {
    return h.connection as CoreLike;
  }
  return typeof h.query === 'function' ? (h as CoreLike) : undefined;
}

function configOf(core: CoreLike): ConnectionConfigLike {
  return core.config?.connectionConfig ?? core.config ?? {};
}

function sqlText(first: unknown): string {
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && typeof (first as { sql?: unknown }).sql === 'string') {
    return (first as { sql: string }).sql;
  }
  return '';
}

/**
 * Traces every query of a mysql2 pool or connection (promise or callback
 * API): one `remote` subsegment per query, named `database@host`, with an
 * X-Ray `sql` block — URL without password, user, and the query with every
 * literal replaced by `?`. Failed queries are marked fault and their error
 * recorded redacted. Idempotent; returns the same handle. A no-op when
 * tracing is disabled.
 */
export function captureMysql<T>(
  tracer: Tracer,
  poolOrConnection: T,
  options: { redact?: StringRedactor } = {},
): T {
  if (!tracer.isTracingEnabled()) return poolOrConnection;
  const core = coreOf(poolOrConnection);
  if (!core || (core as Record<symbol, unknown>)[CAPTURED]) return poolOrConnection;
  (core as Record<symbol, unknown>)[CAPTURED] = true;
  const redactor = options.redact ?? (createRedactor() as StringRedactor);
  const config = configOf(core);
  const host = config.socketPath ?? `${config.host ?? 'localhost'}:${config.port ?? 3306}`;
  const name = `${config.database ?? 'mysql'}@${config.host ?? config.socketPath ?? 'localhost'}`;
  const url = `mysql://${host}${config.database ? `/${config.database}` : ''}`;
  for (const method of ['query', 'execute'] as const) {
    const original = core[method];
    if (typeof original !== 'function') continue;
    core[method] = function tracedQuery(this: unknown, ...args: unknown[]): unknown {
      const subsegment = openQuerySubsegment(tracer, name, {
        url,
        database_type: 'MySQL',
        ...(config.user ? { user: config.user } : {}),
        sanitized_query: sanitizeSql(sqlText(args[0])),
        driver_version: 'mysql2',
      });
      if (!subsegment) return original.apply(this, args);
      const finish = once((error: unknown) => closeQuerySubsegment(subsegment, error, redactor));
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const callback = args[last] as Callback;
        args[last] = function tracedCallback(this: unknown, error: unknown, ...rest: unknown[]) {
          finish(error);
          return callback.call(this, error, ...rest);
        };
        return original.apply(this, args);
      }
      // No callback (streaming API): the returned Query command is an emitter.
      const command = original.apply(this, args) as {
        once?: (event: string, fn: (e?: unknown) => void) => void;
      };
      command?.once?.('error', (error) => finish(error));
      command?.once?.('end', () => finish(undefined));
      return command;
    };
  }
  return poolOrConnection;
}

function once(fn: (error: unknown) => void): (error: unknown) => void {
  let done = false;
  return (error) => {
    if (done) return;
    done = true;
    fn(error);
  };
}

function openQuerySubsegment(tracer: Tracer, name: string, sql: SqlBlock): XraySubsegment | undefined {
  try {
    const parent = activeSegment(tracer);
    if (!parent) return undefined;
    const subsegment = parent.notTraced
      ? parent.addNewSubsegmentWithoutSampling(name)
      : parent.addNewSubsegment(name);
    subsegment.namespace = 'remote';
    subsegment.addSqlData(sql as never);
    return subsegment;
  } catch {
    // Rule 1: tracing trouble never stops the query.
    return undefined;
  }
}

function closeQuerySubsegment(subsegment: XraySubsegment, error: unknown, redactor: StringRedactor): void {
  try {
    if (error) {
      subsegment.close(redactError(error, redactor) as never, true);
    } else {
      subsegment.close();
    }
  } catch {
    // Rule 1: a failed emission never reaches the caller's callback.
  }
}

const defaultRedactor = createRedactor();

/**
 * Traces one query of any SQL driver (node:sqlite, a driver mysql2 capture
 * does not cover) as a `remote` subsegment with an X-Ray `sql` block; the
 * query text is sanitised (literals replaced) before it is recorded. The
 * query's result or error passes through unchanged.
 */
export async function traceSql<T>(
  tracer: Tracer,
  target: { name: string; url: string; databaseType: string; user?: string },
  query: string,
  run: () => Promise<T>,
): Promise<T> {
  const subsegment = openQuerySubsegment(tracer, target.name, {
    url: target.url,
    database_type: target.databaseType,
    ...(target.user ? { user: target.user } : {}),
    sanitized_query: sanitizeSql(query),
    driver_version: target.databaseType,
  });
  try {
    const result = await run();
    if (subsegment) closeQuerySubsegment(subsegment, undefined, defaultRedactor);
    return result;
  } catch (error) {
    if (subsegment) closeQuerySubsegment(subsegment, error, defaultRedactor);
    throw error;
  }
}
