import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FunctionProcess, startFunctionProcess } from '../local/function-process.ts';

// The demo runs each function in a process of its own, as Lambda runs each in its own execution
// environment: its state is its own, it takes one invocation at a time, and what it throws comes
// back as the error it was.
const module = resolve(import.meta.dirname, 'fixtures/counting-handler.ts');

describe('startFunctionProcess', () => {
  const started: FunctionProcess[] = [];
  afterAll(async () => {
    for (const fn of started) await fn.close();
  });
  const start = async (name: string) => {
    const fn = await startFunctionProcess(name, module);
    started.push(fn);
    return fn;
  };

  it('keeps each function’s state apart, and takes concurrent invocations one at a time', async () => {
    const [a, b] = await Promise.all([start('a'), start('b')]);
    const ran = await Promise.all([1, 2, 3].map((n) => a!.invoke({ n }, { functionName: 'a' })));
    expect(ran.map((r) => r.result.result)).toEqual([
      { n: 1, invocations: 1 },
      { n: 2, invocations: 2 },
      { n: 3, invocations: 3 },
    ]);
    // Each invocation's output is its own line, captured as CloudWatch Logs would receive it.
    expect(ran.map((r) => r.output.logs.map((log) => log.n))).toEqual([[1], [2], [3]]);
    expect((await b!.invoke({ n: 9 }, { functionName: 'b' })).result.result).toEqual({
      n: 9,
      invocations: 1,
    });
  });

  it('gives back what the handler threw: its name, message and fields', async () => {
    const fn = await start('c');
    const { result } = await fn.invoke({ n: 1, fail: true }, { functionName: 'c' });
    expect(result.error).toBeInstanceOf(Error);
    expect(result.error).toMatchObject({ name: 'RefusedError', message: 'not this one', statusCode: 403 });
  });

  it('fails to start with the module’s own error', async () => {
    await expect(
      startFunctionProcess('missing', resolve(import.meta.dirname, 'fixtures/nope.ts')),
    ).rejects.toThrow(/function missing failed to load: .*nope\.ts/s);
  });
});
