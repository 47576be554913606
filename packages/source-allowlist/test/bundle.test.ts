// Rule 7, as deployed: a handler with a verifySignature rule, bundled by esbuild (ESM with the
// createRequire banner, and CJS), run from a folder without node_modules in a fresh Node process,
// cold start first. The certificate comes over real HTTPS through the bundled default fetch, from a
// loopback server whose certificate the test CA issued (trusted via NODE_EXTRA_CA_CERTS).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleHandler, invokeBundle } from '@lambda-sentinel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certUrl, makePki, signed, snsEvent, startHttps, type TestPki } from './sns-pki.ts';

const INDEX = resolve(import.meta.dirname, '../src/index.ts');
const CERTIFICATES = resolve(import.meta.dirname, '../src/sns-certificates.ts');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';

let pki: TestPki;
let server: Awaited<ReturnType<typeof startHttps>>;
let caFile: string;

beforeAll(async () => {
  pki = await makePki();
  server = await startHttps(pki.tls, {
    '/SimpleNotificationService-bundle.pem': (_, res) => res.end(pki.signer.pem),
  });
  caFile = join(mkdtempSync(join(tmpdir(), 'sentinel-sns-ca-')), 'ca.pem');
  writeFileSync(caFile, pki.caPem);
});
afterAll(() => server?.close());

const handlerSource = (origin: string) => `
import middy from '@middy/core';
import { sourceAllowlist } from ${JSON.stringify(INDEX)};
import { fetchCertificateOverHttps } from ${JSON.stringify(CERTIFICATES)};

export const handler = middy(async (event) => event.Records[0].Sns.MessageId).use(
  sourceAllowlist({
    allow: [{ kind: 'sns', arn: ${JSON.stringify(TOPIC)}, verifySignature: true }],
    snsSignature: {
      // The URL passed the SNS host check; only its origin is pointed at the loopback server.
      fetchCertificate: (url) =>
        fetchCertificateOverHttps(url.replace('https://sns.us-east-1.amazonaws.com', ${JSON.stringify(origin)})),
    },
  }),
);
`;

describe.each(['esm', 'cjs'] as const)('bundled (%s)', (format) => {
  it('verifies genuine messages from a cold start and refuses a tampered one', async () => {
    const bundle = await bundleHandler({
      source: handlerSource(server.origin),
      resolveDir: resolve(import.meta.dirname, '..'),
      format,
    });
    const url = certUrl('us-east-1', 'SimpleNotificationService-bundle.pem');
    const v1 = signed({ TopicArn: TOPIC, MessageId: 'first' }, pki.signer.key, { version: '1', url });
    const v2 = signed({ TopicArn: TOPIC, MessageId: 'second' }, pki.signer.key, { version: '2', url });
    const hits = server.hits.length;
    const run = await invokeBundle(
      bundle,
      [{ event: snsEvent(v1) }, { event: snsEvent(v2) }, { event: snsEvent({ ...v2, Message: 'forged' }) }],
      { env: { NODE_EXTRA_CA_CERTS: caFile } },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.results[0]).toEqual(expect.objectContaining({ result: 'first' }));
    expect(run.results[1]).toEqual(expect.objectContaining({ result: 'second' }));
    expect(run.results[2]?.error?.name).toBe('InvocationSourceRejectedError');
    // One fetch for the whole process: the first invocation's, cached for the others.
    expect(server.hits.length - hits).toBe(1);
  });
});
