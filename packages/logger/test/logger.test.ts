import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import { invocationState, SentinelConfigError } from '@lambda-sentinel/core';
import { captureOutput, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import { describe, expect, it } from 'vitest';
import { createLogger, RedactingLogFormatter } from '../src/index.ts';
import {
  alnum,
  awsAccessKeyId,
  awsSecretAccessKey,
  githubToken,
  jwt,
  jwtSignature,
  pemBody,
  pemPrivateKey,
} from './secrets.ts';

function text(lines: readonly string[]): string {
  return lines.join('\n');
}

describe('createLogger', () => {
  it('keeps the Powertools JSON shape of a plain line', async () => {
    const plain = new Logger({ serviceName: 'shape' });
    const redacting = createLogger({ serviceName: 'shape' });
    const out = await captureOutput(() => {
      plain.info('hello', { orderId: 'o-1', count: 3 });
      redacting.info('hello', { orderId: 'o-1', count: 3 });
    });
    expect(out.logs).toHaveLength(2);
    const [expected, actual] = out.logs.map(({ timestamp: _t, ...rest }) => rest);
    expect(actual).toEqual(expected);
    expect(actual).toMatchObject({
      level: 'INFO',
      message: 'hello',
      service: 'shape',
      orderId: 'o-1',
      count: 3,
    });
  });

  it('redacts the message, extra arguments, temporary and persistent keys', async () => {
    const password = alnum(20);
    const sessionToken = alnum(40);
    const apiKey = alnum(32);
    const bearer = alnum(32);
    const token = jwt();
    const logger = createLogger({ serviceName: 'svc', persistentKeys: { dbPassword: password } });
    const out = await captureOutput(() => {
      logger.appendKeys({ token: sessionToken });
      logger.info(`calling upstream with Authorization: Bearer ${bearer}`, {
        headers: { 'X-Api-Key': apiKey },
        jwt: token,
      });
      logger.warn({ message: 'object form', password });
      logger.resetKeys();
    });
    const output = text(out.lines);
    for (const secret of [password, sessionToken, apiKey, bearer, jwtSignature(token)]) {
      expect(output).not.toContain(secret);
    }
    expect(out.logs[0]).toMatchObject({ level: 'INFO', service: 'svc' });
    expect(out.logs[0]?.headers).toHaveProperty('X-Api-Key');
    expect(out.logs[0]).toHaveProperty('dbPassword');
    expect(out.logs[0]).toHaveProperty('token');
    expect(String(out.logs[0]?.message)).toContain('calling upstream');
  });

  it('redacts errors and their causes but keeps the Powertools error shape', async () => {
    const secret = awsSecretAccessKey();
    const dsnPassword = alnum(18);
    const cause = new Error(`connect failed for mysql://admin:${dsnPassword}@db.internal:3306/app`);
    const error = Object.assign(new Error(`upstream rejected key ${awsAccessKeyId()}`, { cause }), {
      secretAccessKey: secret,
    });
    const logger = createLogger();
    const out = await captureOutput(() => logger.error('payment failed', error));
    const output = text(out.lines);
    expect(output).not.toContain(secret);
    expect(output).not.toContain(dsnPassword);
    expect(output).not.toMatch(/AKIA[A-Z2-7]{16}/);
    const logged = out.logs[0]?.error as Record<string, unknown>;
    expect(logged).toMatchObject({ name: 'Error' });
    expect(typeof logged.location).toBe('string');
    expect(String(logged.message)).toContain('upstream rejected key');
    expect(logged.cause).toMatchObject({ name: 'Error' });
    expect(String((logged.cause as Record<string, unknown>).message)).toContain('connect failed');
  });

  it('censors credential-bearing variables when process.env is logged', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: `ASIA${alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      AWS_SECRET_ACCESS_KEY: awsSecretAccessKey(),
      AWS_SESSION_TOKEN: alnum(300),
      DB_PASSWORD: alnum(16),
      DATABASE_URL: `postgres://app:${alnum(14)}@db.internal:5432/app`,
      API_KEY: alnum(32),
      STRIPE_SECRET_KEY: `sk_live_${alnum(24)}`,
      GITHUB_TOKEN: githubToken(),
      JWT_SIGNING_SECRET: alnum(32),
      PRIVATE_KEY: pemPrivateKey(pemBody()),
      AWS_CONTAINER_AUTHORIZATION_TOKEN: alnum(44),
    };
    const benign = {
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'manage-partners',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/manage-partners',
      LAMBDA_TASK_ROOT: '/var/task',
      PARTNER_DDB_TABLE: 'partners',
    };
    const logger = createLogger();
    const out = await invoke(
      () => captureOutput(() => logger.info('environment', { env: { ...process.env } })),
      {},
      { env: { ...env, ...benign } },
    );
    const captured = out.result as Awaited<ReturnType<typeof captureOutput>>;
    const output = text(captured.lines);
    for (const [name, value] of Object.entries(env)) {
      const secretPart = name === 'DATABASE_URL' ? (value.split(':')[2]?.split('@')[0] ?? value) : value;
      expect(output, name).not.toContain(secretPart.split('\n')[1] ?? secretPart);
    }
    const loggedEnv = captured.logs[0]?.env as Record<string, string>;
    for (const [name, value] of Object.entries(benign)) expect(loggedEnv[name], name).toBe(value);
  });

  it('child loggers stay redacting, even with their own formatter', async () => {
    const secret = alnum(24);
    class Plain extends LogFormatter {
      override formatAttributes(
        attributes: Parameters<LogFormatter['formatAttributes']>[0],
        extra: Record<string, unknown>,
      ) {
        return new LogItem({ attributes: { level: attributes.logLevel, msg: attributes.message, ...extra } });
      }
    }
    const parent = createLogger({ serviceName: 'parent' });
    const child = parent.createChild({ serviceName: 'child' });
    const custom = parent.createChild({ logFormatter: new Plain() });
    const out = await captureOutput(() => {
      child.info('child', { password: secret });
      custom.info('custom', { client_secret: secret });
    });
    expect(text(out.lines)).not.toContain(secret);
    expect(out.logs[0]).toMatchObject({ service: 'child', message: 'child' });
    expect(out.logs[1]).toMatchObject({ level: 'INFO', msg: 'custom' });
    expect(out.logs[1]).toHaveProperty('client_secret');
  });

  it('redacts buffered lines when the buffer is flushed', async () => {
    const secret = alnum(24);
    const logger = createLogger({ logBufferOptions: { enabled: true, bufferAtVerbosity: 'DEBUG' } });
    const handler = async () => {
      logger.debug('connecting', { password: secret });
      logger.error('failed'); // flushes the buffer (flushOnErrorLog)
    };
    let captured: Awaited<ReturnType<typeof captureOutput>> | undefined;
    await invoke(async () => {
      captured = await captureOutput(handler);
    }, {});
    const levels = captured?.logs.map((line) => line.level);
    expect(levels).toEqual(['DEBUG', 'ERROR']);
    expect(text(captured?.lines ?? [])).not.toContain(secret);
  });

  it('samples DEBUG like Powertools', async () => {
    const secret = alnum(24);
    const out = await captureOutput(() => {
      const logger = createLogger({ sampleRateValue: 1 });
      logger.debug('sampled', { secret });
    });
    expect(out.logs.map((line) => line.message)).toEqual([
      'Setting log level to DEBUG due to sampling rate',
      'sampled',
    ]);
    expect(text(out.lines)).not.toContain(secret);
  });

  it('withholds a line it cannot redact instead of printing it or throwing', async () => {
    const secret = alnum(24);
    const logger = createLogger();
    const formatter = (logger as unknown as { logFormatter: RedactingLogFormatter }).logFormatter;
    expect(formatter).toBeInstanceOf(RedactingLogFormatter);
    const original = formatter.redactor.withCounts;
    formatter.redactor.withCounts = () => {
      throw new Error('boom');
    };
    try {
      const out = await captureOutput(() => logger.info('will not print', { password: secret }));
      expect(out.error).toBeUndefined();
      expect(text(out.lines)).not.toContain(secret);
      expect(out.logs[0]).toMatchObject({ level: 'INFO', message: expect.stringContaining('withheld') });
    } finally {
      formatter.redactor.withCounts = original;
    }
  });

  it('counts redactions into the current invocation, never across invocations', async () => {
    const logger = createLogger();
    const handler = async (event: { secrets: number }, context: unknown) => {
      const request = { context: context as { awsRequestId: string }, internal: {} };
      const state = invocationState(request);
      for (let i = 0; i < event.secrets; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        logger.info('tick', { password: alnum(12) });
      }
      return { ...state.redactions };
    };
    const out = await captureOutput(() =>
      invokeConcurrently(handler, [{ secrets: 1 }, { secrets: 3 }, { secrets: 0 }]),
    );
    const counts = out.result?.map((r) => r.result as Record<string, number>);
    const total = (c: Record<string, number> | undefined) =>
      Object.values(c ?? {}).reduce((a, b) => a + b, 0);
    expect(counts?.map(total)).toEqual([1, 3, 0]);
  });

  it('rejects bad options with SentinelConfigError naming the option', () => {
    const cases: [unknown, string][] = [
      ['nope', 'options'],
      [{ redact: 'all' }, 'redact'],
      [{ logLevel: 'LOUD' }, 'logLevel'],
      [{ sampleRateValue: 2 }, 'sampleRateValue'],
      [{ logFormatter: { formatAttributes() {} } }, 'logFormatter'],
    ];
    for (const [options, option] of cases) {
      const attempt = () => createLogger(options as never);
      expect(attempt, option).toThrow(SentinelConfigError);
      expect(attempt, option).toThrow(new RegExp(`^${option}:`));
    }
  });
});
