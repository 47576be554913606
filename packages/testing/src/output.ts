import { Console } from 'node:console';

/** A structured log line (Powertools Logger and friends): any JSON record with a `level`. */
export interface LogRecord {
  level: string;
  message?: unknown;
  [field: string]: unknown;
}

/** A CloudWatch Embedded Metric Format document: any JSON record with `_aws`. */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit?: string; StorageResolution?: number }[];
    }[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface CapturedOutput<T> {
  result?: T;
  /** What `fn` threw; absent when it returned. */
  error?: unknown;
  /** Every line written to stdout and stderr, in order, without the newline. */
  lines: string[];
  /** The lines that parsed as JSON objects. */
  records: unknown[];
  /** The records with a string `level`. */
  logs: LogRecord[];
  /** The records with an `_aws` object. */
  emf: EmfDocument[];
}

export interface CaptureOptions {
  /** Also write the output through to the real stdout/stderr. Off by default (quiet tests). */
  passthrough?: boolean;
}

let capturing = false;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseLine(line: string): unknown {
  if (!line.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

type Write = typeof process.stdout.write;

/**
 * Runs `fn` while capturing everything written to `process.stdout` and
 * `process.stderr` (where Powertools Logger and Metrics write) and to the
 * global `console` (swapped for one writing to those streams, as in Lambda,
 * since test runners redirect the global console). Never rejects for `fn`'s
 * failure: it lands in `error`.
 *
 * Not re-entrant: the streams are process-wide, so overlapping captures would
 * steal each other's lines. A nested or overlapping call rejects. Run the
 * invocations you want to observe (even concurrent ones) inside one capture.
 */
export async function captureOutput<T>(
  fn: () => T | Promise<T>,
  options: CaptureOptions = {},
): Promise<CapturedOutput<Awaited<T>>> {
  if (capturing) {
    throw new Error('captureOutput is not re-entrant: a capture is already running in this process');
  }
  capturing = true;
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  const partial = ['', ''];
  const originalConsole = globalThis.console;

  streams.forEach((stream, index) => {
    const original = originals[index] as Write;
    stream.write = ((
      chunk: string | Uint8Array,
      encodingOrCallback?: unknown,
      callback?: unknown,
    ): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const pieces = `${partial[index]}${text}`.split('\n');
      partial[index] = pieces.pop() ?? '';
      lines.push(...pieces);
      if (options.passthrough)
        return original.call(stream, chunk, encodingOrCallback as BufferEncoding, callback as () => void);
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => done());
      return true;
    }) as Write;
  });
  globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });

  const outcome: { result?: Awaited<T>; error?: unknown } = {};
  try {
    outcome.result = await fn();
  } catch (error) {
    outcome.error = error;
  } finally {
    globalThis.console = originalConsole;
    streams.forEach((stream, index) => {
      stream.write = originals[index] as Write;
      if (partial[index]) lines.push(partial[index] as string);
    });
    capturing = false;
  }

  return { ...outcome, ...parseLines(lines) };
}

/** Output lines sorted as {@link captureOutput} sorts them: JSON records, log records, EMF documents. */
export function parseLines(lines: string[]): Omit<CapturedOutput<never>, 'result' | 'error'> {
  const records = lines.map(parseLine).filter(isRecord);
  return {
    lines,
    records,
    logs: records.filter((record): record is LogRecord => typeof record.level === 'string'),
    emf: records.filter((record): record is EmfDocument => isRecord(record._aws)),
  };
}
