// The hand-written SigV4 signer of the X-Ray OTLP exporter against the AWS SDK's own signer,
// `@smithy/signature-v4` (a dev dependency only): the same request must get the same headers and
// the same signature, byte for byte, whatever the host, path, headers, body, region or date.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amzDate, signPost } from '../src/otel/sigv4.ts';

// AWS's documented example key pair (IAM user guide), never a live credential.
const KEYS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

async function smithySigned(
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
  keys: typeof KEYS & { sessionToken?: string },
  region: string,
  date: Date,
) {
  const signer = new SignatureV4({
    service: 'xray',
    region,
    credentials: keys,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { ...headers, host: url.host },
      body,
    },
    { signingDate: date },
  );
  return Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

const segment = fc.oneof(
  fc.constantFrom('v1', 'traces', '.', '..', '', 'a b', 'ü', '%41', "it's", '(x)*!', '~_-.'),
  fc.string({ maxLength: 12 }),
);
const path = fc
  .tuple(fc.array(segment, { maxLength: 6 }), fc.boolean())
  .map(([segments, trailing]) => `/${segments.join('/')}${trailing ? '/' : ''}`);
const host = fc.tuple(
  fc.constantFrom('xray.eu-west-1.amazonaws.com', '127.0.0.1', 'localhost', 'collector.internal'),
  fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
);
// Header values with the inner and outer whitespace SigV4 trims and collapses.
const headerValue = fc.oneof(
  fc.constantFrom('application/x-protobuf', '  padded  value ', 'a\tb  c', 'x'),
  fc.stringMatching(/^[ -~]{0,30}$/),
);
const extraHeaders = fc.dictionary(
  fc.constantFrom('content-type', 'x-custom', 'content-encoding', 'accept'),
  headerValue,
  {
    maxKeys: 3,
  },
);
const date = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T23:59:59Z'),
  noInvalidDate: true,
});

describe('signPost (SigV4, hand-written on node:crypto)', () => {
  it('signs exactly as @smithy/signature-v4 does, for any request', async () => {
    await fc.assert(
      fc.asyncProperty(
        host,
        path,
        extraHeaders,
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2', 'us-gov-west-1'),
        fc.option(fc.constantFrom('example-session-token', 'IQoJb3JpZ2luX2VjEXAMPLE//=='), {
          nil: undefined,
        }),
        date,
        async ([hostname, port], pathname, headers, body, region, sessionToken, when) => {
          const url = new URL(`https://${hostname}${port ? `:${port}` : ''}${pathname}`);
          const keys = { ...KEYS, ...(sessionToken ? { sessionToken } : {}) };
          const ours = signPost(url, headers, body, { ...keys, region, service: 'xray' }, when);
          const theirs = await smithySigned(url, headers, body, keys, region, when);
          expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('formats the date as SigV4 wants it, without milliseconds', () => {
    expect(amzDate(new Date('2026-12-01T19:30:05.123Z'))).toBe('20261201T193005Z');
  });
});
