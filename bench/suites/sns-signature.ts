// SNS signature verification (sourceAllowlist rules with verifySignature: true) against the same
// SNS event allowed by topic alone: what a verified message costs once its certificate is cached,
// and what the first message per certificate URL costs (parse the certificate, then verify).
// Keys and the certificate are made here, as in the package's tests; the certificate fetch is
// in memory, so network time (one HTTPS GET to sns.<region>.amazonaws.com per cold start and
// certificate URL) is not part of these figures.
import { sourceAllowlist } from '@lambda-sentinel/source-allowlist';
import middy from '@middy/core';
import { bench, summary } from 'mitata';
import { makePki, signed, snsEvent } from '../../packages/source-allowlist/test/sns-pki.ts';
import { lambdaBenchEnvironment, nextInvocation, settle } from '../lambda-env.ts';

await lambdaBenchEnvironment();

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const pki = await makePki();
const fetchCertificate = async () => pki.signer.pem;
const handlerOf = (verifySignature: boolean) =>
  middy(async () => 'ok').use(
    sourceAllowlist({
      allow: [{ kind: 'sns', arn: TOPIC, ...(verifySignature ? { verifySignature } : {}) }],
      snsSignature: { fetchCertificate },
    }),
  ) as unknown as (event: unknown, context: ReturnType<typeof nextInvocation>) => Promise<unknown>;

const plain = handlerOf(false);
const verified = handlerOf(true);
const v1 = snsEvent(signed({ TopicArn: TOPIC }, pki.signer.key, { version: '1' }));
const v2 = snsEvent(signed({ TopicArn: TOPIC }, pki.signer.key, { version: '2' }));
const tampered = snsEvent({ ...signed({ TopicArn: TOPIC }, pki.signer.key, { version: '2' }), Message: 'x' });

// A broken setup must fail loudly here, not be measured.
for (const [name, handler, event] of [
  ['plain', plain, v1],
  ['v1', verified, v1],
  ['v2', verified, v2],
] as const) {
  if ((await handler(event, nextInvocation())) !== 'ok') throw new Error(`sns-signature bench: ${name}`);
}
const refused = await verified(tampered, nextInvocation()).catch((error: Error) => error.name);
if (refused !== 'InvocationSourceRejectedError') throw new Error('sns-signature bench: tampered passed');

// First message per certificate URL: a fresh middleware instance each time, so its cache is empty.
const firstSamples: number[] = [];
for (let i = 0; i < 30; i++) {
  const cold = handlerOf(true);
  const started = performance.now();
  await cold(v2, nextInvocation());
  firstSamples.push(performance.now() - started);
}

export function notes(): string[] {
  const sorted = [...firstSamples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return [
    `first verified message per certificate URL (certificate parsed, fetch in memory): median ${median.toFixed(2)} ms over ${sorted.length}`,
  ];
}

summary(() => {
  bench('SNS, rule by topic only', async () => {
    await plain(v1, nextInvocation());
    await settle();
  }).baseline(true);
  bench('SNS, verifySignature, v1 (SHA1), certificate cached', async () => {
    await verified(v1, nextInvocation());
    await settle();
  });
  bench('SNS, verifySignature, v2 (SHA256), certificate cached', async () => {
    await verified(v2, nextInvocation());
    await settle();
  });
  bench('SNS, verifySignature, tampered → refused', async () => {
    await verified(tampered, nextInvocation()).catch(() => {});
    await settle();
  });
});
