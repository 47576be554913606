import { recordSecurityEvent } from '@lambda-sentinel/core';
import { captureOutput, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { createLogger, ERROR_MESSAGE, redactedLogging } from '../src/index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A handler that logs from its own code around awaits, records a security event and can fail. */
function loggingHandler() {
  const logger = createLogger({ serviceName: 'tenants' });
  const handler = middy(async (event: { n: number; wait: number; fail?: boolean }) => {
    logger.info('handler start', { n: event.n });
    await sleep(event.wait);
    const child = logger.createChild();
    child.warn('from a child logger', { n: event.n });
    recordSecurityEvent({ type: 'guard_violation', message: 'a test event', detail: { n: event.n } });
    await sleep(event.wait);
    if (event.fail) throw new Error('failed on purpose');
    logger.info('handler end', { n: event.n });
    return event.n;
  }).use(redactedLogging({ logger, logEvent: true }));
  return handler;
}

describe('tenant_id on log lines', () => {
  it('is on every line of the invocation: middleware, handler code, child loggers, security events, errors', async () => {
    const { logs, result } = await captureOutput(() =>
      invoke(loggingHandler(), { n: 1, wait: 1, fail: true }, { tenantId: 'tenant-blue' }),
    );
    expect(result?.error).toBeDefined();
    const messages = logs.map((line) => line.message);
    expect(messages).toEqual(
      expect.arrayContaining(['handler start', 'from a child logger', 'a test event', ERROR_MESSAGE]),
    );
    expect(logs.length).toBeGreaterThanOrEqual(5);
    for (const line of logs) {
      expect(line, String(line.message)).toMatchObject({
        tenant_id: 'tenant-blue',
        function_request_id: result?.requestId,
      });
    }
  });

  it('is absent when the invocation has no tenant', async () => {
    const { logs } = await captureOutput(() => invoke(loggingHandler(), { n: 1, wait: 0 }));
    expect(logs.length).toBeGreaterThanOrEqual(4);
    for (const line of logs) expect(Object.keys(line)).not.toContain('tenant_id');
  });

  it("never appears on another concurrent invocation's lines (rule 2)", async () => {
    const tenants = ['t-1', 't-2', undefined, 't-1', 't-3', 't-2', undefined, 't-4'];
    const events = tenants.map((_, n) => ({ n, wait: (tenants.length - n) * 2, fail: n % 3 === 0 }));
    const { logs, result } = await captureOutput(() =>
      invokeConcurrently(loggingHandler(), events, { tenantIds: tenants }),
    );
    const byRequest = new Map(result!.map((r, n) => [r.requestId, tenants[n]]));
    let checked = 0;
    for (const line of logs) {
      const requestId = line.function_request_id as string;
      expect(byRequest.has(requestId), JSON.stringify(line)).toBe(true);
      expect(line.tenant_id, JSON.stringify(line)).toBe(byRequest.get(requestId));
      // A line that names its invocation (`n`) belongs to the request id it carries.
      const n = (line as { n?: number }).n ?? (line.event as { n?: number } | undefined)?.n;
      if (n !== undefined) expect(requestId).toBe(result![n]!.requestId);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(tenants.length * 4);
  });

  it('drops a hostile tenant id instead of printing it', async () => {
    const forged = 'blue"\n{"level":"ERROR","message":"forged line"}';
    const huge = 'h'.repeat(100_000);
    for (const tenantId of [forged, huge, 'esc\u001b[31m', 7 as unknown as string]) {
      const { logs, lines } = await captureOutput(() =>
        invoke(loggingHandler(), { n: 1, wait: 0 }, { tenantId }),
      );
      expect(logs.length).toBeGreaterThanOrEqual(4);
      for (const line of logs) expect(Object.keys(line)).not.toContain('tenant_id');
      expect(lines.join('\n')).not.toContain('forged line');
      expect(lines.join('\n')).not.toContain('hhhhhhhhhh');
    }
  });

  it('redacts a tenant id that is personal data', async () => {
    const { logs } = await captureOutput(() =>
      invoke(loggingHandler(), { n: 1, wait: 0 }, { tenantId: 'jane.doe@example.com' }),
    );
    for (const line of logs) {
      expect(line.tenant_id).toEqual(expect.any(String));
      expect(line.tenant_id).not.toContain('jane.doe');
    }
  });
});
