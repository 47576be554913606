/**
 * verifySignature in events of several records and at its limits, and the snsSignature options'
 * exact construction messages — what the mutation run of source-allowlist found untested in the
 * SNS verifier (a batch where a plain rule allows one record and a verifySignature rule another;
 * exactly ten records; the bounds of maxMessageAgeSeconds and certificateCacheSize).
 */
import { SentinelConfigError } from '@lambda-sentinel/core';
import { invoke } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvocationSourceRejectedError, type Refusal, sourceAllowlist } from '../src/index.ts';
import { CertificateCache } from '../src/sns-certificates.ts';
import { checkSnsMessage, isSnsCertificateUrl } from '../src/sns-signature.ts';
import { certUrl, makePki, signed, snsEvent, type TestPki } from './sns-pki.ts';

const OWN = '123456789012';
const ALERTS = `arn:aws:sns:us-east-1:${OWN}:alerts`;
const PLAIN = `arn:aws:sns:us-east-1:${OWN}:plain`;

let pki: TestPki;
beforeAll(async () => {
  pki = await makePki();
});

function harness() {
  const fetched: string[] = [];
  const refusals: Refusal[] = [];
  const handler = middy(async (event: { Records: unknown[] }) => event.Records.length).use(
    sourceAllowlist({
      allow: [
        { kind: 'sns', arn: PLAIN },
        { kind: 'sns', arn: ALERTS, verifySignature: true },
      ],
      onRefuse: (refusal) => refusals.push(refusal),
      snsSignature: {
        fetchCertificate: async (url) => {
          fetched.push(url);
          return pki.signer.pem;
        },
      },
    }),
  );
  return { handler, fetched, refusals };
}

const unsigned = (topic: string, id: string) => {
  const { Signature: _, ...message } = signed({ TopicArn: topic, MessageId: id }, pki.signer.key);
  return message;
};

describe('verifySignature in an event of several records', () => {
  it('verifies only the record the verifySignature rule allows; the plain rule’s record needs no signature', async () => {
    const h = harness();
    const event = snsEvent(
      unsigned(PLAIN, 'p1'),
      signed({ TopicArn: ALERTS, MessageId: 'a1' }, pki.signer.key),
    );
    const result = await invoke(h.handler, event);
    expect(result.error).toBeUndefined();
    expect(result.result).toBe(2);
    expect(h.fetched).toEqual([certUrl()]);
  });

  it('still refuses an unsigned record of the verified topic next to a plain one', async () => {
    const h = harness();
    const result = await invoke(h.handler, snsEvent(unsigned(PLAIN, 'p1'), unsigned(ALERTS, 'a1')));
    expect(result.error).toBeInstanceOf(InvocationSourceRejectedError);
    expect(h.refusals.at(-1)).toMatchObject({
      reason: 'invalid_signature',
      signatureProblem: 'unsigned',
      recordIndex: 1,
    });
  });

  it('accepts exactly ten signed records (the most SNS delivers) and refuses eleven', async () => {
    const h = harness();
    const genuine = (n: number) =>
      Array.from({ length: n }, (_, i) => signed({ TopicArn: ALERTS, MessageId: `m${i}` }, pki.signer.key));
    expect((await invoke(h.handler, snsEvent(...genuine(10)))).result).toBe(10);
    const eleven = await invoke(h.handler, snsEvent(...genuine(11)));
    expect(eleven.error).toBeInstanceOf(InvocationSourceRejectedError);
    expect(h.refusals.at(-1)).toMatchObject({ signatureProblem: 'too_many_records' });
  });
});

describe('snsSignature options', () => {
  const DAYS_30 = 30 * 24 * 60 * 60;
  const build = (snsSignature: unknown) =>
    sourceAllowlist({ allow: [{ kind: 'sns', arn: ALERTS, verifySignature: true }], snsSignature } as never);

  it.each([
    [null, 'snsSignature: expected an object like { maxMessageAgeSeconds: 3600 }'],
    [[], 'snsSignature: expected an object like { maxMessageAgeSeconds: 3600 }'],
    [
      { maxAge: 1 },
      'snsSignature.maxAge: unknown option; expected one of fetchCertificate, maxMessageAgeSeconds, certificateCacheSize',
    ],
    [
      { fetchCertificate: 'https://x' },
      'snsSignature.fetchCertificate: expected a function (url) => Promise<string>',
    ],
    [
      { maxMessageAgeSeconds: 0 },
      'snsSignature.maxMessageAgeSeconds: expected a number of seconds above 0 and at most 30 days',
    ],
    [
      { maxMessageAgeSeconds: '60' },
      'snsSignature.maxMessageAgeSeconds: expected a number of seconds above 0 and at most 30 days',
    ],
    [
      { maxMessageAgeSeconds: DAYS_30 + 1 },
      'snsSignature.maxMessageAgeSeconds: expected a number of seconds above 0 and at most 30 days',
    ],
    [{ certificateCacheSize: 0 }, 'snsSignature.certificateCacheSize: expected an integer from 1 to 1000'],
    [{ certificateCacheSize: 1001 }, 'snsSignature.certificateCacheSize: expected an integer from 1 to 1000'],
    [{ certificateCacheSize: 2.5 }, 'snsSignature.certificateCacheSize: expected an integer from 1 to 1000'],
  ])('%j → %s', (options, message) => {
    let thrown: unknown;
    try {
      build(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SentinelConfigError);
    expect((thrown as Error).message).toBe(message);
  });

  it.each([
    { maxMessageAgeSeconds: DAYS_30 },
    { maxMessageAgeSeconds: 0.5 },
    { certificateCacheSize: 1 },
    { certificateCacheSize: 1000 },
  ])('accepts the bounds %j', (options) => {
    expect(() => build(options)).not.toThrow();
  });
});

describe('what is refused before any fetch, and what is checked at each use', () => {
  const HOUR = 60 * 60 * 1000;
  const check = (fetched: string[]) => ({
    certificates: new CertificateCache(
      async (url: string) => {
        fetched.push(url);
        return pki.signer.pem;
      },
      4,
      () => {},
    ),
    maxAgeMs: 6 * HOUR,
    types: new Set(['Notification']),
  });

  it.each(['https://xsns.us-east-1.amazonaws.com/x.pem', 'https://evil.sns.us-east-1.amazonaws.com/x.pem'])(
    'refuses the look-alike host %s',
    (url) => {
      expect(isSnsCertificateUrl(url)).toBe(false);
    },
  );

  it('accepts a two-digit region number', () => {
    expect(isSnsCertificateUrl('https://sns.ap-southeast-10.amazonaws.com/x.pem')).toBe(true);
  });

  it.each([
    ['an empty SignatureVersion', { SignatureVersion: '' }, 'unsigned'],
    ['a null SignatureVersion', { SignatureVersion: null }, 'unsigned'],
    ['an empty certificate URL', { SigningCertUrl: '' }, 'unsigned'],
    ['a Signature whose length is no multiple of 4', { Signature: 'abc' }, 'malformed'],
    ['a Signature over 700 characters', { Signature: 'A'.repeat(704) }, 'malformed'],
    ['a Timestamp that is not ISO 8601 UTC', { Timestamp: '2026-12-01 10:00:00' }, 'malformed'],
  ])('%s is %s, without fetching', async (_, change, problem) => {
    const fetched: string[] = [];
    const message = { ...signed({ TopicArn: ALERTS }, pki.signer.key), ...change };
    expect(await checkSnsMessage(message, check(fetched))).toBe(problem);
    expect(fetched).toEqual([]);
  });

  it('allows a Timestamp up to five minutes ahead of the clock, not ten', async () => {
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const fetched: string[] = [];
    const ahead = signed({ TopicArn: ALERTS, Timestamp: at(60_000) }, pki.signer.key);
    expect(await checkSnsMessage(ahead, check(fetched))).toBeUndefined();
    const far = signed({ TopicArn: ALERTS, Timestamp: at(10 * 60_000) }, pki.signer.key);
    expect(await checkSnsMessage(far, check(fetched))).toBe('stale');
  });

  it('checks a cached certificate’s validity dates at each use, not only when fetched', async () => {
    const fetched: string[] = [];
    const cache = check(fetched);
    expect(await checkSnsMessage(signed({ TopicArn: ALERTS }, pki.signer.key), cache)).toBeUndefined();
    // The test certificate is valid for 30 days; 31 days on, the same cached certificate has expired.
    const later = Date.now() + 31 * 24 * HOUR;
    const message = signed({ TopicArn: ALERTS, Timestamp: new Date(later).toISOString() }, pki.signer.key);
    expect(await checkSnsMessage(message, cache, later)).toBe('certificate_invalid');
    expect(fetched).toHaveLength(1);
  });
});
