import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { type ActiveInvocation, activeInvocation, currentScope } from './active-trace.ts';
import { ATTR } from './attributes.ts';
import { outcomeOfStatus } from './outcome.ts';
import type { TraceSpan } from './port.ts';
import { redactError, type StringRedactor } from './redacted-error.ts';
import { sanitizeUrl } from './sanitize-url.ts';

/**
 * Outbound HTTP through Node's diagnostics channels — `http.client.*` for
 * `http`/`https`, `undici:request:*` for `fetch` — so nothing is patched and
 * nothing depends on how the function was bundled. Each request becomes a
 * CLIENT span (an X-Ray `remote` subsegment) under the running invocation's
 * handler span, named by host, with the sanitised URL, method and status,
 * and carries `X-Amzn-Trace-Id` so a traced callee joins the trace.
 */

// Keyed by the request object: the response and error messages of a request
// may run on its connection's async context, not the caller's.
const open = new WeakMap<object, { span: TraceSpan; redactor: StringRedactor }>();
let installed = false;

function startSpan(
  active: ActiveInvocation,
  request: object,
  method: string,
  url: URL,
  setHeader: (value: string) => void,
): void {
  const sanitized = sanitizeUrl(url, active.redactor);
  const span = active.trace.startSpan(url.hostname, 'client', {
    [ATTR.httpMethod]: method,
    [ATTR.urlFull]: sanitized,
    [ATTR.serverAddress]: url.hostname,
    [ATTR.serverPort]: url.port ? Number(url.port) : undefined,
  });
  open.set(request, { span, redactor: active.redactor });
  const header = span.traceHeader();
  if (header) setHeader(header);
}

function finish(request: object, status: number): void {
  const { span } = open.get(request) ?? {};
  if (!span) return;
  open.delete(request);
  span.setAttributes({ [ATTR.httpStatus]: status });
  span.end(outcomeOfStatus(status));
}

function fail(request: object, error: unknown): void {
  const opened = open.get(request);
  if (!opened) return;
  open.delete(request);
  opened.span.recordError(redactError(error, opened.redactor), 'fault');
  opened.span.end();
}

/** Where a request runs inside a traced invocation and outside an AWS SDK call or an export. */
function tracedInvocation(): ActiveInvocation | undefined {
  if (currentScope()?.suppressHttp) return undefined;
  const active = activeInvocation();
  return active?.captureHttp ? active : undefined;
}

function onHttpRequestCreated(message: unknown): void {
  const request = (message as { request?: ClientRequest }).request;
  if (!request) return;
  const active = tracedInvocation();
  if (!active) return;
  try {
    const host = request.getHeader('host');
    const url = new URL(
      request.path,
      `${request.protocol}//${typeof host === 'string' ? host : request.host}`,
    );
    startSpan(active, request, request.method, url, (value) => {
      if (!request.headersSent) request.setHeader('X-Amzn-Trace-Id', value);
    });
  } catch {
    // Rule 1: a request we cannot read is left untraced, never failed.
  }
}

function onHttpResponseFinish(message: unknown): void {
  const { request, response } = message as { request?: ClientRequest; response?: IncomingMessage };
  if (request && typeof response?.statusCode === 'number') finish(request, response.statusCode);
}

function onHttpRequestError(message: unknown): void {
  const { request, error } = message as { request?: ClientRequest; error?: unknown };
  if (request) fail(request, error);
}

interface UndiciRequest {
  origin?: string | URL;
  path?: string;
  method?: string;
  addHeader?: (name: string, value: string) => unknown;
}

function onUndiciRequestCreate(message: unknown): void {
  const request = (message as { request?: UndiciRequest }).request;
  if (!request || request.method === 'CONNECT') return;
  const active = tracedInvocation();
  if (!active) return;
  try {
    const url = new URL(request.path ?? '/', request.origin);
    startSpan(active, request, request.method ?? 'GET', url, (value) =>
      request.addHeader?.('x-amzn-trace-id', value),
    );
  } catch {
    // Rule 1.
  }
}

function onUndiciResponseHeaders(message: unknown): void {
  const { request, response } = message as { request?: object; response?: { statusCode?: number } };
  if (request && typeof response?.statusCode === 'number') finish(request, response.statusCode);
}

function onUndiciRequestError(message: unknown): void {
  const { request, error } = message as { request?: object; error?: unknown };
  if (request) fail(request, error);
}

/** Subscribes once per process; requests outside a traced invocation cost one lookup. */
export function enableHttpCapture(): void {
  if (installed) return;
  installed = true;
  subscribe('http.client.request.created', onHttpRequestCreated);
  subscribe('http.client.response.finish', onHttpResponseFinish);
  subscribe('http.client.request.error', onHttpRequestError);
  subscribe('undici:request:create', onUndiciRequestCreate);
  subscribe('undici:request:headers', onUndiciResponseHeaders);
  subscribe('undici:request:error', onUndiciRequestError);
}
