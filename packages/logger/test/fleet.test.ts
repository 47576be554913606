// Fleet hygiene in the logger: the `expires` field and the function_expired
// event, and the cold-start dependency_inventory line. Both are once per
// process, so each test imports fresh copies of the modules (a new process).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput, invoke, invokeConcurrently, type LogRecord } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

const INVENTORY = Symbol.for('@lambda-sentinel/dependency-inventory');
const inventory = {
  format: 'sentinel-inventory/1',
  source: 'esbuild',
  packages: [
    { name: 'mysql2', version: '3.24.6', license: 'MIT' },
    { name: '@middy/core', version: '7.9.2', license: 'MIT' },
  ],
};

async function freshProcess() {
  vi.resetModules();
  const logger = await import('../src/index.ts');
  const core = await import('@lambda-sentinel/core');
  return { ...logger, core };
}

const globals = globalThis as Record<symbol, unknown>;
const savedEnv = { ...process.env };
afterEach(() => {
  delete globals[INVENTORY];
  process.env = { ...savedEnv };
});

const byMessage = (logs: LogRecord[], message: string) => logs.filter((line) => line.message === message);
const expiredLines = (logs: LogRecord[]) =>
  logs.filter((line) => (line.security_event as { type?: string } | undefined)?.type === 'function_expired');

describe('the dependency_inventory line', () => {
  it('is written once, on the cold start, with the name@version list, its hash and who the function is', async () => {
    globals[INVENTORY] = inventory;
    const { createLogger, redactedLogging, INVENTORY_MESSAGE } = await freshProcess();
    const logger = createLogger({ serviceName: 'orders' });
    const handler = middy(async () => 'ok').use(
      redactedLogging({
        logger,
        serviceName: 'orders',
        tags: { owner: 'team-orders', environment: 'prod', lifecycle: 'production' },
      }),
    );
    const cold = await captureOutput(() => invoke(handler, {}));
    const warm = await captureOutput(() => invoke(handler, {}));
    expect(byMessage(warm.logs, INVENTORY_MESSAGE)).toEqual([]);
    const lines = byMessage(cold.logs, INVENTORY_MESSAGE);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      dependency_inventory: {
        hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
        count: 2,
        source: 'esbuild',
        packages: ['@middy/core@7.9.2', 'mysql2@3.24.6'],
      },
      function: {
        service: 'orders',
        name: 'test-function',
        owner: 'team-orders',
        environment: 'prod',
        lifecycle: 'production',
      },
    });
    // Same list, same hash, in whatever order the inventory holds it.
    const { inventoryHash } = await import('../src/index.ts');
    expect((lines[0]!.dependency_inventory as { hash: string }).hash).toBe(
      inventoryHash(['@middy/core@7.9.2', 'mysql2@3.24.6']),
    );
  });

  it('comes from sentinel-inventory.json at the task root of an unbundled deployment', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sentinel-task-root-'));
    writeFileSync(
      join(root, 'sentinel-inventory.json'),
      JSON.stringify({ ...inventory, source: 'node_modules' }),
    );
    const { createLogger, redactedLogging, INVENTORY_MESSAGE } = await freshProcess();
    const handler = middy(async () => 'ok').use(redactedLogging({ logger: createLogger() }));
    const { logs } = await captureOutput(() => invoke(handler, {}, { env: { LAMBDA_TASK_ROOT: root } }));
    expect(byMessage(logs, INVENTORY_MESSAGE)[0]).toMatchObject({
      dependency_inventory: { source: 'node_modules', count: 2 },
    });
  });

  it('is simply absent without an inventory, and a broken one never reaches the handler (rule 1)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sentinel-task-root-'));
    const env = { LAMBDA_TASK_ROOT: root };
    const { createLogger, redactedLogging, INVENTORY_MESSAGE } = await freshProcess();
    const handler = middy(async () => 'ok').use(redactedLogging({ logger: createLogger() }));
    const none = await captureOutput(() => invoke(handler, {}, { env }));
    expect(byMessage(none.logs, INVENTORY_MESSAGE)).toEqual([]);

    writeFileSync(join(root, 'sentinel-inventory.json'), '{ not json');
    const fresh = await freshProcess();
    const broken = middy(async () => 'still ok').use(fresh.redactedLogging({ logger: fresh.createLogger() }));
    const out = await captureOutput(() => invoke(broken, {}, { env }));
    expect(out.result?.result).toBe('still ok');
    expect(out.lines.join('\n')).toContain('"step":"inventory"');
    expect(byMessage(out.logs, INVENTORY_MESSAGE)).toEqual([]);
  });
});

describe('lifecycle expiry', () => {
  it('puts expires on every line; after it, one function_expired WARN line per cold start', async () => {
    const { createLogger, redactedLogging } = await freshProcess();
    const logger = createLogger();
    const handler = middy(async () => {
      logger.info('work');
      return 'ok';
    }).use(redactedLogging({ logger, tags: { lifecycle: 'experimental', expires: '2020-01-31' } }));
    const first = await captureOutput(() => invoke(handler, {}));
    const second = await captureOutput(() => invoke(handler, {}));
    expect(first.result?.result).toBe('ok');
    for (const line of [...first.logs, ...second.logs]) expect(line.expires).toBe('2020-01-31');
    expect(expiredLines(first.logs)).toEqual([
      expect.objectContaining({
        level: 'WARN',
        security_event: expect.objectContaining({
          type: 'function_expired',
          severity: 'medium',
          recorded_by: 'lifecycle',
          detail: { expires: '2020-01-31', lifecycle: 'experimental' },
        }),
      }),
    ]);
    expect(expiredLines(second.logs)).toEqual([]);
  });

  it('records nothing before the date', async () => {
    const { createLogger, redactedLogging } = await freshProcess();
    const handler = middy(async () => 'ok').use(
      redactedLogging({ logger: createLogger(), tags: { expires: '2999-12-31' } }),
    );
    const { logs } = await captureOutput(() => invoke(handler, {}));
    expect(expiredLines(logs)).toEqual([]);
    expect(logs.every((line) => line.expires === '2999-12-31')).toBe(true);
  });

  it('reports once among 30 concurrent invocations of a fresh process (rule 2)', async () => {
    process.env.SENTINEL_TAGS = 'owner=team-a,expires=2021-06-30T12:00:00Z';
    const { createLogger, redactedLogging } = await freshProcess();
    const handler = middy(async (event: { n: number }) => {
      await new Promise((resolve) => setTimeout(resolve, event.n % 5));
      return event.n;
    }).use(redactedLogging({ logger: createLogger() }));
    const { logs, result } = await captureOutput(() =>
      invokeConcurrently(
        handler,
        Array.from({ length: 30 }, (_, n) => ({ n })),
      ),
    );
    expect(result?.map((r) => r.result)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    expect(expiredLines(logs)).toHaveLength(1);
  });

  it('refuses an expires tag that is no date, naming it (rule 5)', async () => {
    const { createLogger, redactedLogging, core } = await freshProcess();
    const build = () => redactedLogging({ logger: createLogger(), tags: { expires: 'next spring' } });
    expect(build).toThrow(core.SentinelConfigError);
    expect(build).toThrow(/^tags\.expires: tag "expires" must be an ISO 8601 date/);
    process.env.SENTINEL_TAGS = 'expires=2026-02-30';
    expect(() => redactedLogging({ logger: createLogger() })).toThrow(/^SENTINEL_TAGS: tag "expires"/);
  });
});
