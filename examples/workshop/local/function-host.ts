/**
 * One function in a Node process of its own, as Lambda runs each function in
 * its own execution environment: its modules load once (the init phase), its
 * first invocation is its cold start, its runtime guard governs only it.
 * Started by `startFunctionProcess` (function-process.ts) with the module and
 * export to run; invoked over the IPC channel, each invocation the way the
 * testing kit's `invoke` does (runtime environment, context, invoke store)
 * with its stdout captured as CloudWatch Logs would receive it.
 */
import { pathToFileURL } from 'node:url';
import { captureOutput, type InvokeOptions, type InvokeResult, invoke } from '@lambda-sentinel/testing';
import type { HostReply, HostRequest, SerialisedError } from './function-process.ts';

const [modulePath, exportName = 'handler'] = process.argv.slice(2);

/** An error as plain data: name, message and stack, plus its own scalar fields (`statusCode`, `policy`...). */
function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error), fields: {} };
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value;
  }
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), fields };
}

/** The handler's result as data the IPC channel can carry (API responses already are). */
function plain(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  }
}

function send(message: HostReply): void {
  process.send?.(message);
}

try {
  if (!modulePath) throw new Error('usage: function-host.ts <module> [export]');
  const module = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${modulePath} exports no function ${exportName}`);

  process.on('message', async ({ id, event, options }: HostRequest) => {
    let result: InvokeResult | undefined;
    const output = await captureOutput(async () => {
      result = await invoke(
        handler as (event: never, context: never) => unknown,
        event,
        options as InvokeOptions,
      );
    });
    const { lines, records, logs, emf } = output;
    send({
      id,
      result: {
        requestId: result?.requestId ?? '',
        traceId: result?.traceId ?? '',
        rootTraceId: result?.rootTraceId ?? '',
        parentId: result?.parentId ?? '',
        ...(result && 'result' in result ? { result: plain(result.result) } : {}),
        ...(result?.error !== undefined ? { error: serialiseError(result.error) } : {}),
      },
      output: { lines, records, logs, emf },
    });
  });
  send({ ready: true });
} catch (error) {
  send({ failed: (error as Error).stack ?? String(error) });
  process.exitCode = 1;
}
