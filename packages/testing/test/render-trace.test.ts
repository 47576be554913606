import { describe, expect, it } from 'vitest';
import { renderTrace, type TraceDocument } from '../src/index.ts';

const TRACE = '1-5759e988-bd862e3fe1be46a994272793';

describe('renderTrace', () => {
  it('draws nested and standalone subsegments as one tree, siblings by start time, with flags and annotations', () => {
    const docs: TraceDocument[] = [
      {
        id: 'h',
        name: '## handler',
        trace_id: TRACE,
        parent_id: 'facade-parent',
        type: 'subsegment',
        start_time: 10,
        end_time: 10.5,
        error: true,
        annotations: { source_kind: 'sqs', cold_start: true },
        subsegments: [
          {
            id: 'b',
            name: 'DynamoDB',
            namespace: 'aws',
            start_time: 10.2,
            end_time: 10.3,
            throttle: true,
            error: true,
          },
          { id: 'a', name: 'mysql', namespace: 'remote', start_time: 10.1, end_time: 10.15, fault: true },
        ],
      },
      // Sent on its own, pointing at a nested subsegment.
      {
        id: 'c',
        name: 'retry',
        trace_id: TRACE,
        parent_id: 'b',
        type: 'subsegment',
        start_time: 10.25,
        in_progress: true,
      },
      {
        id: 'x',
        name: 'other',
        trace_id: '1-00000000-000000000000000000000000',
        start_time: 1,
        end_time: 1.001,
      },
    ];
    expect(renderTrace(docs)).toBe(
      [
        `trace ${TRACE}`,
        '└─ ## handler 500.0 ms ERROR {source_kind="sqs", cold_start=true}',
        '   ├─ mysql [remote] 50.0 ms FAULT',
        '   └─ DynamoDB [aws] 100.0 ms ERROR THROTTLE',
        '      └─ retry (in progress)',
        'trace 1-00000000-000000000000000000000000',
        '└─ other 1.0 ms',
      ].join('\n'),
    );
  });

  it('renders nothing for no documents and tolerates documents without times or trace ids', () => {
    expect(renderTrace([])).toBe('');
    expect(renderTrace([{ id: 'q', name: 'bare' }])).toBe('trace (no trace id)\n└─ bare');
  });
});
