import { Logger } from '@aws-lambda-powertools/logger';
import { recordSecurityEvent, SentinelConfigError } from '@lambda-sentinel/core';
import {
  captureOutput,
  fixtures,
  invoke,
  invokeConcurrently,
  type LogRecord,
} from '@lambda-sentinel/testing';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  ERROR_MESSAGE,
  EVENT_MESSAGE,
  REDACTION_SUMMARY_MESSAGE,
  RESPONSE_MESSAGE,
  redactedLogging,
} from '../src/index.ts';
import { alnum, cognitoClientSecret, jwt, jwtSignature } from './secrets.ts';

type Handler = Parameters<typeof invoke>[0];

function text(lines: readonly string[]): string {
  return lines.join('\n');
}

/** Runs `handler` once inside a capture, like the Lambda runtime would. */
async function run(handler: Handler, event: unknown, options: Parameters<typeof invoke>[2] = {}) {
  const out = await captureOutput(() => invoke(handler, event, options));
  const invocation = out.result!;
  return { ...out, invocation, output: text(out.lines) };
}

const byMessage = (logs: LogRecord[], message: string) => logs.filter((line) => line.message === message);

describe('redactedLogging', () => {
  it("logs the workshop's TOKEN authorizer event without the JWT", async () => {
    const token = jwt();
    const event = fixtures.apigatewayAuthorizerToken({ token: `Bearer ${token}` });
    const logger = createLogger({ serviceName: 'authorizer' });
    const handler = middy(async () => ({ principalId: 'user', policyDocument: {} })).use(
      redactedLogging({ logger, logEvent: true }),
    );
    const { output, logs, invocation } = await run(handler, event);
    expect(invocation.error).toBeUndefined();
    expect(output).not.toContain(token);
    expect(output).not.toContain(jwtSignature(token));
    const [eventLine] = byMessage(logs, EVENT_MESSAGE);
    expect(eventLine).toMatchObject({
      level: 'INFO',
      service: 'authorizer',
      cold_start: expect.any(Boolean),
      function_name: 'test-function',
      function_request_id: invocation.requestId,
      event: { type: 'TOKEN', methodArn: event.methodArn },
    });
    expect(byMessage(logs, REDACTION_SUMMARY_MESSAGE)[0]).toMatchObject({
      sentinel: { redactions: expect.any(Number) },
    });
  });

  it('logs the managePartners response without the ClientSecret', async () => {
    const clientSecret = cognitoClientSecret();
    const logger = createLogger({ serviceName: 'manage-partners' });
    const response = {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ClientID: '4e5k0q9cn1v2a3b4c5d6e7f8g9', ClientSecret: clientSecret }),
    };
    const handler = middy(async () => response).use(redactedLogging({ logger, logResponse: true }));
    const { output, logs, invocation } = await run(handler, fixtures.apigatewayRest({ method: 'POST' }));
    expect(invocation.result).toEqual(response); // the handler's result is untouched
    expect(output).not.toContain(clientSecret);
    const [responseLine] = byMessage(logs, RESPONSE_MESSAGE);
    expect(responseLine).toMatchObject({ level: 'INFO', response: { statusCode: 200 } });
    expect(JSON.stringify(responseLine)).toContain('4e5k0q9cn1v2a3b4c5d6e7f8g9');
  });

  it('logs an unhandled error once, redacted, and rethrows it unchanged', async () => {
    const password = alnum(20);
    const token = jwt();
    const failure = new Error(`login failed: GET /login?user=bob&password=${password}`, {
      cause: new Error(`upstream said Authorization: Bearer ${token}`),
    });
    const logger = createLogger();
    const handler = middy(async () => {
      throw failure;
    }).use(redactedLogging({ logger }));
    const { output, logs, invocation } = await run(handler, {});
    expect(invocation.error).toBe(failure);
    expect(output).not.toContain(password);
    expect(output).not.toContain(jwtSignature(token));
    const errorLines = byMessage(logs, ERROR_MESSAGE);
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatchObject({
      level: 'ERROR',
      error: { name: 'Error', cause: { name: 'Error' } },
    });
  });

  it('writes one WARN line per security event, with type and detail but never the secret', async () => {
    const stolen = alnum(24);
    const logger = createLogger();
    const recorder: MiddlewareObj = {
      before: (request) => {
        recordSecurityEvent(
          {
            type: 'source_rejected',
            severity: 'high',
            message: 'invocation source not allowed',
            detail: { kind: 'sqs', account: '210987654321' },
            recordedBy: 'source-allowlist',
          },
          request,
        );
      },
    };
    const handler = middy(async () => {
      recordSecurityEvent({
        type: 'guard_violation',
        message: 'token reuse detected',
        detail: { token: stolen },
      });
      return 'ok';
    })
      .use(redactedLogging({ logger }))
      .use(recorder);
    const { output, logs, invocation } = await run(handler, {});
    expect(invocation.result).toBe('ok');
    const warnings = logs.filter((line) => line.level === 'WARN');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({
      message: 'invocation source not allowed',
      security_event: {
        type: 'source_rejected',
        severity: 'high',
        recorded_by: 'source-allowlist',
        detail: { kind: 'sqs', account: '210987654321' },
      },
    });
    expect(warnings[1]).toMatchObject({ security_event: { type: 'guard_violation', severity: 'medium' } });
    expect(output).not.toContain(stolen);
    expect(warnings[0]?.function_request_id).toBe(invocation.requestId);
  });

  it('sets context keys and the correlation id, and resets temporary keys', async () => {
    const logger = createLogger({
      correlationIdSearchFn: (path: string, data: unknown) =>
        path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], data),
    });
    const handler = middy(async () => {
      logger.appendKeys({ tenant: 't-1' });
      logger.info('inside');
    }).use(redactedLogging({ logger, correlationIdPath: 'requestContext.requestId', resetKeys: true }));
    const event = fixtures.apigatewayRest();
    const first = await run(handler, event);
    const second = await run(handler, event);
    const [inside] = byMessage(first.logs, 'inside');
    expect(inside).toMatchObject({
      correlation_id: event.requestContext.requestId,
      tenant: 't-1',
      function_request_id: first.invocation.requestId,
      cold_start: expect.any(Boolean),
    });
    expect(byMessage(second.logs, 'inside')[0]?.cold_start).toBe(false);
    await captureOutput(() => logger.info('after'));
    const after = await captureOutput(() => logger.info('after'));
    expect(after.logs[0]).not.toHaveProperty('tenant');
  });

  it('flushes the buffer on an unhandled error only when asked', async () => {
    const make = (flush: boolean) => {
      const logger = createLogger({ logBufferOptions: { enabled: true } });
      return middy(async () => {
        logger.debug('buffered detail');
        throw new Error('fail');
      }).use(redactedLogging({ logger, flushBufferOnUncaughtError: flush }));
    };
    const flushed = await run(make(true), {});
    const dropped = await run(make(false), {});
    const messages = (logs: LogRecord[]) =>
      logs.map((line) => line.message).filter((message) => message !== REDACTION_SUMMARY_MESSAGE);
    expect(messages(flushed.logs)).toEqual(['buffered detail', ERROR_MESSAGE]);
    expect(messages(dropped.logs)).toEqual([ERROR_MESSAGE]);
  });

  it('keeps keys, events and redaction counts apart across interleaved invocations', async () => {
    const logger = createLogger();
    const tick = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    const handler = middy(async (event: { user: string; lines: number }) => {
      logger.appendKeys({ user: event.user });
      await tick();
      recordSecurityEvent({
        type: 'guard_violation',
        message: `event of ${event.user}`,
        detail: { user: event.user },
      });
      for (let i = 0; i < event.lines; i++) {
        await tick();
        logger.info(`work of ${event.user}`, { password: alnum(12) });
      }
      return event.user;
    }).use(redactedLogging({ logger, logEvent: true, resetKeys: true }));
    const events = ['alice', 'bob', 'carol', 'dave'].map((user, i) => ({ user, lines: i + 1 }));
    const out = await captureOutput(() => invokeConcurrently(handler, events));
    const results = out.result!;
    expect(results.map((r) => r.result)).toEqual(['alice', 'bob', 'carol', 'dave']);
    for (const [i, { user, lines }] of events.entries()) {
      const requestId = results[i]?.requestId;
      const mine = out.logs.filter((line) => line.function_request_id === requestId);
      const work = mine.filter((line) => String(line.message).startsWith('work of'));
      expect(work).toHaveLength(lines);
      for (const line of work) expect(line).toMatchObject({ user, message: `work of ${user}` });
      const warnings = mine.filter((line) => line.level === 'WARN');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ security_event: { detail: { user } } });
      const [summary] = byMessage(mine, REDACTION_SUMMARY_MESSAGE);
      expect(summary?.sentinel).toMatchObject({ redactions: lines });
    }
  });

  it('never changes the result or error when the logger itself fails', async () => {
    const logger = createLogger();
    for (const method of [
      'info',
      'warn',
      'error',
      'addContext',
      'refreshSampleRateCalculation',
      'clearBuffer',
    ] as const) {
      (logger as unknown as Record<string, unknown>)[method] = () => {
        throw new Error(`${method} broke`);
      };
    }
    (logger as unknown as Record<string, unknown>).logUnbuffered = () => {
      throw new Error('print broke');
    };
    const ok = middy(async () => ({ ok: true })).use(
      redactedLogging({ logger, logEvent: true, logResponse: true }),
    );
    const failure = new TypeError('handler failed');
    const failing = middy(async () => {
      throw failure;
    }).use(redactedLogging({ logger, logEvent: true }));
    const okRun = await run(ok, {});
    const failRun = await run(failing, {});
    expect(okRun.invocation.result).toEqual({ ok: true });
    expect(okRun.invocation.error).toBeUndefined();
    expect(failRun.invocation.error).toBe(failure);
    // Reported once per middleware, by name only.
    const reports = [...okRun.lines, ...failRun.lines].filter((line) =>
      line.includes('redactedLogging failed'),
    );
    expect(reports).toHaveLength(2);
    expect(reports.join('\n')).not.toContain('broke');
  });

  it('runs in the onion: inner before throws or sets a response, outer layers still complete', async () => {
    const logger = createLogger();
    const trail: string[] = [];
    const outer: MiddlewareObj = {
      after: () => {
        trail.push('outer.after');
      },
      onError: () => {
        trail.push('outer.onError');
      },
    };
    const rejection = Object.assign(new Error('source not allowed'), {
      name: 'InvocationSourceRejectedError',
    });
    const refusing: MiddlewareObj = {
      before: (request) => {
        recordSecurityEvent({ type: 'source_rejected', message: 'refused' }, request);
        throw rejection;
      },
      // Like sourceAllowlist: turn its own typed error into a 403 on the way out.
      onError: (request) => {
        if (request.error === rejection)
          request.response = { statusCode: 403, body: '{"message":"Forbidden"}' };
      },
    };
    const handler = middy(async () => 'never')
      .use(outer)
      .use(redactedLogging({ logger }))
      .use(refusing);
    const { logs, invocation } = await run(handler, {});
    // The inner layer answered 403: we neither swallowed nor replaced it, and the outer onError ran.
    expect(invocation.result).toEqual({ statusCode: 403, body: '{"message":"Forbidden"}' });
    expect(trail).toEqual(['outer.onError']);
    // A refusal is told by its security event (WARN), not as a failed invocation (ERROR).
    expect(byMessage(logs, ERROR_MESSAGE)).toEqual([]);
    expect(logs.filter((line) => line.level === 'WARN')).toHaveLength(1);
    expect(logs.filter((line) => line.level === 'ERROR')).toEqual([]);

    // An inner after that throws: our onError still reports, once.
    trail.length = 0;
    const failingAfter: MiddlewareObj = {
      after: () => {
        throw new Error('after failed');
      },
    };
    const second = middy(async () => {
      recordSecurityEvent({ type: 'budget_exceeded', message: 'too slow' });
      return 'done';
    })
      .use(outer)
      .use(redactedLogging({ logger }))
      .use(failingAfter);
    const secondRun = await run(second, {});
    expect((secondRun.invocation.error as Error).message).toBe('after failed');
    expect(trail).toEqual(['outer.onError']);
    expect(byMessage(secondRun.logs, ERROR_MESSAGE)).toHaveLength(1);
    expect(secondRun.logs.filter((line) => line.level === 'WARN')).toHaveLength(1);
  });

  it('rejects bad options with SentinelConfigError naming the option', () => {
    const logger = createLogger();
    const cases: [unknown, string][] = [
      [undefined, 'options'],
      [{}, 'logger'],
      [{ logger: new Logger() }, 'logger'],
      [{ logger, logEvent: 'yes' }, 'logEvent'],
      [{ logger, logResponse: 1 }, 'logResponse'],
      [{ logger, correlationIdPath: '' }, 'correlationIdPath'],
      [{ logger, flushBufferOnUncaughtError: 'true' }, 'flushBufferOnUncaughtError'],
    ];
    for (const [options, option] of cases) {
      const attempt = () => redactedLogging(options as never);
      expect(attempt, option).toThrow(SentinelConfigError);
      expect(attempt, option).toThrow(new RegExp(`^${option}:`));
    }
  });
});
