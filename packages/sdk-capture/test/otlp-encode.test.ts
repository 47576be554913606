/**
 * Our OTLP trace encoder against the library it stands in for: for any batch of spans, the same
 * bytes as `ProtobufTraceSerializer.serializeRequest` of `@opentelemetry/otlp-transformer` (so an
 * upgrade of the library that changes its output fails here), and the same after the resource and
 * scope caches are warm.
 */
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTraceRequest } from '../src/otel/otlp-encode.ts';

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
// Beyond what the SDK keeps (it drops nested objects and mixed arrays): the encoder sees ReadableSpans
// from any processor, so every AnyValue shape the library encodes is covered.
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(
      0,
      -1,
      2 ** 31,
      2 ** 32,
      2 ** 32 + 5,
      -(2 ** 40),
      2 ** 53 - 1,
      -(2 ** 63),
      2 ** 63,
      Number.MAX_SAFE_INTEGER,
    ),
    fc.double(),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }),
    fc.constantFrom(null, undefined),
  ),
})).value;
const attributes = fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 6 });
const hrTime = fc.tuple(fc.integer({ min: 0, max: 2 ** 34 }), fc.integer({ min: 0, max: 999_999_999 }));
const traceState = fc.option(
  text.map((value) => ({ serialize: () => value })),
  { nil: undefined },
);
const context = fc.record({
  traceId: hex(16),
  spanId: hex(8),
  traceFlags: fc.integer({ min: 0, max: 300 }),
  isRemote: fc.option(fc.boolean(), { nil: undefined }),
  traceState,
});

const resources = fc.array(fc.record({ attributes, schemaUrl: fc.option(text, { nil: undefined }) }), {
  minLength: 1,
  maxLength: 2,
});
const scopes = fc.array(
  fc.record({
    name: text,
    version: fc.option(text, { nil: undefined }),
    schemaUrl: fc.option(text, { nil: undefined }),
    attributes: fc.option(attributes, { nil: undefined }),
    droppedAttributesCount: fc.option(fc.nat(5), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 2 },
);

const batch = fc
  .tuple(resources, scopes)
  .chain(([resourceList, scopeList]) =>
    fc.array(
      fc.record({
        resource: fc.constantFrom(...resourceList),
        instrumentationScope: fc.constantFrom(...scopeList),
        context,
        parentSpanContext: fc.option(context, { nil: undefined }),
        name: text,
        kind: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
        startTime: hrTime,
        endTime: hrTime,
        attributes: fc.option(attributes, { nil: undefined }),
        droppedAttributesCount: fc.nat(1000),
        events: fc.array(
          fc.record({
            name: text,
            time: hrTime,
            attributes: fc.option(attributes, { nil: undefined }),
            droppedAttributesCount: fc.option(fc.nat(9), { nil: undefined }),
          }),
          { maxLength: 3 },
        ),
        droppedEventsCount: fc.nat(300),
        links: fc.array(
          fc.record({
            context,
            attributes: fc.option(attributes, { nil: undefined }),
            droppedAttributesCount: fc.option(fc.nat(9), { nil: undefined }),
          }),
          { maxLength: 2 },
        ),
        droppedLinksCount: fc.nat(3),
        status: fc.record({
          code: fc.integer({ min: 0, max: 2 }),
          message: fc.option(text, { nil: undefined }),
        }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map((records) =>
    records.map(
      ({ context: spanContext, ...rest }) =>
        ({ ...rest, spanContext: () => spanContext }) as unknown as ReadableSpan,
    ),
  );

const library = (spans: ReadableSpan[]) =>
  Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);

describe('encodeTraceRequest', () => {
  it('writes the bytes the OpenTelemetry library writes, for any batch of spans', () => {
    fc.assert(
      fc.property(batch, (spans) => {
        const expected = library(spans);
        expect(Buffer.from(encodeTraceRequest(spans)).equals(expected)).toBe(true);
        // Again, with the resource and scope bytes now cached.
        expect(Buffer.from(encodeTraceRequest(spans)).equals(expected)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('handles messages longer than one length byte, and a batch larger than its starting buffer', () => {
    fc.assert(
      fc.property(batch, fc.integer({ min: 100, max: 20_000 }), (spans, size) => {
        const big = spans.map(
          (span) =>
            ({
              ...span,
              spanContext: span.spanContext,
              name: 'x'.repeat(size),
              attributes: { long: 'é'.repeat(size) },
            }) as unknown as ReadableSpan,
        );
        expect(Buffer.from(encodeTraceRequest(big)).equals(library(big))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('returns a copy: a later export does not change bytes handed out before', () => {
    const [first, second] = fc.sample(batch, { numRuns: 2, seed: 7 }) as [ReadableSpan[], ReadableSpan[]];
    const out = encodeTraceRequest(first);
    const kept = Buffer.from(out);
    encodeTraceRequest(second);
    expect(Buffer.from(out).equals(kept)).toBe(true);
  });
});
