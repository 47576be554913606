import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ReadableStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { deferUntilStreamEnds, type StreamingRequestLike } from '../src/index.ts';

const request = (response: unknown): StreamingRequestLike => ({ internal: {}, context: {}, response });

describe('deferUntilStreamEnds', () => {
  it('finishes now (returns false) for a body that is no stream', () => {
    for (const response of [undefined, 'text', { statusCode: 200, body: 'text' }, { body: null }, 42]) {
      const calls: unknown[] = [];
      expect(deferUntilStreamEnds(request(response), (error) => void calls.push(error))).toBe(false);
      expect(calls).toEqual([]);
    }
  });

  it('runs every deferred finisher once, in order, after the last chunk of a Node or web stream', async () => {
    const sources = [
      () => Readable.from(['a', 'b']),
      () =>
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('a'));
            controller.enqueue(new TextEncoder().encode('b'));
            controller.close();
          },
        }),
    ];
    for (const source of sources) {
      const req = request({ statusCode: 200, body: source() });
      const order: string[] = [];
      expect(deferUntilStreamEnds(req, () => void order.push('inner'))).toBe(true);
      // Rule 1: a finisher that throws does not stop the next.
      expect(
        deferUntilStreamEnds(req, () => {
          order.push('throws');
          throw new Error('instrumentation failure');
        }),
      ).toBe(true);
      expect(deferUntilStreamEnds(req, () => void order.push('outer'))).toBe(true);
      expect(order).toEqual([]);
      const body = (req.response as { body: Readable }).body;
      expect(await text(body)).toBe('ab');
      expect(order).toEqual(['inner', 'throws', 'outer']);
      expect(req.error).toBeUndefined();
    }
  });

  it('a failing stream finishes with its error, also set on request.error', async () => {
    const failure = new Error('source failed');
    const source = Readable.from(
      (async function* () {
        yield 'a';
        throw failure;
      })(),
    );
    const req = request(source);
    const seen: unknown[] = [];
    expect(deferUntilStreamEnds(req, (error) => void seen.push(error))).toBe(true);
    await expect(text(req.response as Readable)).rejects.toBe(failure);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([failure]);
    expect(req.error).toBe(failure);
  });

  it('rule 1: a response whose body getter throws is finished now, not broken', () => {
    const hostile = {
      get body(): unknown {
        throw new Error('hostile');
      },
    };
    expect(deferUntilStreamEnds(request(hostile), () => {})).toBe(false);
  });
});
