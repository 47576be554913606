import { createSocket } from 'node:dgram';
import { flattenDocuments, isDocument, type TraceDocument } from './trace-document.ts';
import { Waiters } from './waiters.ts';

export type { TraceDocument } from './trace-document.ts';

export interface XRayCollector {
  /** `127.0.0.1:PORT`: the value for `AWS_XRAY_DAEMON_ADDRESS` / `xrayDaemonAddress` / `AWSXRay.setDaemonAddress`. */
  readonly address: string;
  readonly port: number;
  /** Every document received, as sent (in-progress and completed versions both kept). */
  readonly documents: readonly TraceDocument[];
  /** Packets that were not `{"format":"json","version":1}\n{document}`, kept raw for debugging. */
  readonly malformed: readonly string[];
  /** Every (sub)segment of one trace, flattened with parent ids, merged by id. */
  byTrace(rootTraceId: string): TraceDocument[];
  /** Resolves with all documents once `predicate(documents)` holds; rejects after `timeoutMs` (default 5000). */
  waitFor(
    predicate: (documents: readonly TraceDocument[]) => boolean,
    timeoutMs?: number,
  ): Promise<TraceDocument[]>;
  clear(): void;
  close(): Promise<void>;
}

/** The daemon protocol: a JSON header line, then the segment document. */
function parsePacket(packet: string): TraceDocument | undefined {
  const newline = packet.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(packet.slice(0, newline)) as { format?: unknown };
    if (header.format !== 'json') return undefined;
    const doc: unknown = JSON.parse(packet.slice(newline + 1));
    return isDocument(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A local X-Ray daemon stand-in: listens on a UDP port on 127.0.0.1 and keeps
 * every segment document the X-Ray SDK emits to it.
 */
export async function startXRayCollector(): Promise<XRayCollector> {
  const socket = createSocket('udp4');
  const documents: TraceDocument[] = [];
  const malformed: string[] = [];
  const waiters = new Waiters(
    'X-Ray collector',
    documents,
    () => `received ${documents.length} document(s): ${documents.map((doc) => doc.name).join(', ')}`,
  );

  socket.on('message', (message) => {
    const packet = message.toString('utf8');
    const doc = parsePacket(packet);
    if (doc) documents.push(doc);
    else malformed.push(packet);
    waiters.notify();
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address();

  return {
    address: `127.0.0.1:${port}`,
    port,
    documents,
    malformed,
    byTrace: (rootTraceId) => flattenDocuments(documents).filter((doc) => doc.trace_id === rootTraceId),
    waitFor: (predicate, timeoutMs) => waiters.waitFor(predicate, timeoutMs),
    clear() {
      documents.length = 0;
      malformed.length = 0;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
