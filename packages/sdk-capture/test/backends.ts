// Each tracing adapter pointed at the receiver of its own wire format, for the
// tests that hold both to one contract.
import { startTraceSink, type TraceSink } from '@lambda-sentinel/testing';
import { otelBackend } from '../src/otel.ts';
import type { TraceBackend } from '../src/port.ts';
import { xrayBackend } from '../src/xray.ts';

export const KINDS = ['xray', 'otel'] as const;

export async function sinkAndBackend(
  kind: 'xray' | 'otel',
): Promise<{ sink: TraceSink; backend: TraceBackend }> {
  const sink = await startTraceSink(kind);
  const backend =
    kind === 'xray'
      ? xrayBackend({ daemonAddress: sink.address })
      : otelBackend({ exporter: 'xray-udp', endpoint: sink.address });
  return { sink, backend };
}
