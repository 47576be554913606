import { type ActiveInvocation, activeInvocation } from './active-trace.ts';
import { ATTR } from './attributes.ts';
import type { TraceSpan } from './port.ts';
import { redactError, type StringRedactor } from './redacted-error.ts';
import { maskQuotedLiterals, sanitizeSql } from './sanitize-sql.ts';

/** The database a SQL span talks to (OpenTelemetry database conventions). */
export interface SqlTarget {
  /** The span's name, e.g. `orders@db.example.internal` (X-Ray names SQL subsegments `database@host`). */
  name: string;
  /** `db.system.name`: `mysql`, `mariadb`, `postgresql`, `sqlite`... */
  system: string;
  /** `db.namespace`: the database (schema, file) name. */
  database?: string;
  /** `server.address`: the database host. */
  host?: string;
  /** `server.port`. */
  port?: number;
  /** The database user — never the password. */
  user?: string;
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

function mysqlTarget(core: CoreLike): SqlTarget {
  const config = core.config?.connectionConfig ?? core.config ?? {};
  const host = config.socketPath ?? config.host ?? 'localhost';
  return {
    name: `${config.database ?? 'mysql'}@${host}`,
    system: 'mysql',
    host,
    ...(config.socketPath ? {} : { port: config.port ?? 3306 }),
    ...(config.database ? { database: config.database } : {}),
    ...(config.user ? { user: config.user } : {}),
  };
}

function sqlText(first: unknown): string {
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && typeof (first as { sql?: unknown }).sql === 'string') {
    return (first as { sql: string }).sql;
  }
  return '';
}

/** Redacts a driver's error message after masking the literals it quotes. */
function sqlErrorRedactor(redactor: StringRedactor): StringRedactor {
  return { redactString: (s) => redactor.redactString(maskQuotedLiterals(s)) };
}

function startQuerySpan(active: ActiveInvocation, target: SqlTarget, query: string): TraceSpan | undefined {
  try {
    return active.trace.startSpan(target.name, 'client', {
      [ATTR.dbSystem]: target.system,
      [ATTR.dbNamespace]: target.database,
      [ATTR.dbQuery]: sanitizeSql(query),
      [ATTR.serverAddress]: target.host,
      [ATTR.serverPort]: target.port,
      [ATTR.dbUser]: target.user,
    });
  } catch {
    // Rule 1: tracing trouble never stops the query.
    return undefined;
  }
}

function endQuerySpan(span: TraceSpan, error: unknown, redactor: StringRedactor): void {
  try {
    if (error) span.recordError(redactError(error, sqlErrorRedactor(redactor)), 'fault');
    span.end();
  } catch {
    // Rule 1: a failed emission never reaches the caller's callback.
  }
}

function once(fn: (error: unknown) => void): (error: unknown) => void {
  let done = false;
  return (error) => {
    if (done) return;
    done = true;
    fn(error);
  };
}

/** Options of `captureMysql`. */
export interface CaptureMysqlOptions {
  /** Redactor for recorded error messages. Default: the one the running invocation's `sdkCapture` uses. */
  redact?: StringRedactor;
}

function wrapMysql<T>(poolOrConnection: T, options: CaptureMysqlOptions): T {
  const core = coreOf(poolOrConnection);
  if (!core || (core as Record<symbol, unknown>)[CAPTURED]) return poolOrConnection;
  (core as Record<symbol, unknown>)[CAPTURED] = true;
  const target = mysqlTarget(core);
  for (const method of ['query', 'execute'] as const) {
    const original = core[method];
    if (typeof original !== 'function') continue;
    core[method] = function tracedQuery(this: unknown, ...args: unknown[]): unknown {
      const active = activeInvocation();
      const span = active ? startQuerySpan(active, target, sqlText(args[0])) : undefined;
      if (!active || !span) return original.apply(this, args);
      const redactor = options.redact ?? active.redactor;
      const finish = once((error: unknown) => endQuerySpan(span, error, redactor));
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

/**
 * Traces every query of a mysql2 pool or connection (promise or callback
 * API) by wrapping its `query`/`execute`: one CLIENT span per query (an
 * X-Ray `remote` subsegment with a `sql` block), named `database@host`, with
 * the query's literals replaced by `?`, the user but never the password.
 * Failed queries record their error with quoted literals masked and the rest
 * redacted: drivers echo values. Idempotent; returns the same handle.
 */
export function captureMysql<T>(poolOrConnection: T, options?: CaptureMysqlOptions): T;
/** @deprecated The tracer is no longer needed: `captureMysql(pool, options?)`. */
export function captureMysql<T>(tracer: unknown, poolOrConnection: T, options?: CaptureMysqlOptions): T;
export function captureMysql<T>(first: unknown, second?: unknown, third?: CaptureMysqlOptions): T {
  // The legacy form passes a Powertools Tracer first; a mysql2 handle has `query` (or wraps one).
  if (coreOf(first) || second === undefined || !coreOf(second)) {
    return wrapMysql(first as T, (second as CaptureMysqlOptions | undefined) ?? {});
  }
  return wrapMysql(second as T, third ?? {});
}

/**
 * Traces one query of any SQL driver (node:sqlite, pg, a driver
 * `captureMysql` does not cover) as a CLIENT span with the query sanitised
 * (literals replaced). The query's result or error passes through unchanged;
 * outside a traced invocation it just runs.
 */
export async function traceSql<T>(target: SqlTarget, query: string, run: () => Promise<T>): Promise<T> {
  const active = activeInvocation();
  const span = active ? startQuerySpan(active, target, query) : undefined;
  if (!active || !span) return run();
  try {
    const result = await run();
    endQuerySpan(span, undefined, active.redactor);
    return result;
  } catch (error) {
    endQuerySpan(span, error, active.redactor);
    throw error;
  }
}
