import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { invocationState, type SecurityEvent } from '@lambda-sentinel/core';
import { captureOutput, invoke, invokeConcurrently } from '@lambda-sentinel/testing';
import middy from '@middy/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvocationSourceRejectedError,
  type Refusal,
  type SourceAllowlistOptions,
  sourceAllowlist,
} from '../src/index.ts';
import { CertificateCache, fetchCertificateOverHttps } from '../src/sns-certificates.ts';
import { checkSnsMessage, isSnsCertificateUrl } from '../src/sns-signature.ts';
import { certUrl, makePki, signed, snsEvent, startHttps, type TestPki } from './sns-pki.ts';

const OWN = '123456789012';
const ALERTS = `arn:aws:sns:us-east-1:${OWN}:alerts`;
const AUDIT = `arn:aws:sns:us-east-1:${OWN}:alerts-audit`;
const PLAIN = `arn:aws:sns:us-east-1:${OWN}:plain`;
const HOUR = 60 * 60 * 1000;

let pki: TestPki;
beforeAll(async () => {
  pki = await makePki();
});

/** A certificate fetch that serves `pem` for any URL and counts its calls. */
function served(pem: () => string, delayMs = 0) {
  const calls: string[] = [];
  const fetchCertificate = async (url: string): Promise<string> => {
    calls.push(url);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return pem();
  };
  return { calls, fetchCertificate };
}

interface Harness {
  handler: ReturnType<typeof middy>;
  ran: unknown[];
  refusals: Refusal[];
  events: SecurityEvent[][];
}

function build(options: Partial<SourceAllowlistOptions> = {}): Harness {
  const ran: unknown[] = [];
  const refusals: Refusal[] = [];
  const events: SecurityEvent[][] = [];
  const handler = middy(async (e: any) => {
    ran.push(e);
    return e.Records[0].Sns.MessageId;
  })
    .use({
      onError: (request) => {
        events.push([...invocationState(request).securityEvents]);
      },
    })
    .use(
      sourceAllowlist({
        allow: [{ kind: 'sns', arn: [ALERTS, AUDIT], verifySignature: true }],
        onRefuse: (refusal) => refusals.push(refusal),
        ...options,
      }),
    );
  return { handler, ran, refusals, events };
}

function refusedWith(result: { error?: unknown }, problem: string, h: Harness): void {
  expect(result.error).toBeInstanceOf(InvocationSourceRejectedError);
  const error = result.error as InvocationSourceRejectedError;
  expect(error.reason).toBe('invalid_signature');
  expect(error.retryable).toBe(false);
  expect(h.refusals.at(-1)).toMatchObject({ reason: 'invalid_signature', signatureProblem: problem });
  expect(h.events.at(-1)?.[0]?.detail).toMatchObject({
    reason: 'invalid_signature',
    signatureProblem: problem,
  });
}

describe('SNS signature verification: genuine messages', () => {
  it.each(['1', '2'] as const)('accepts a message signed with SignatureVersion %s', async (version) => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const message = signed({ TopicArn: ALERTS, MessageId: `v${version}` }, pki.signer.key, { version });
    const result = await invoke(h.handler, snsEvent(message));
    expect(result.error).toBeUndefined();
    expect(result.result).toBe(`v${version}`);
    expect(calls).toEqual([certUrl()]);
  });

  it('accepts a message without a subject (Lambda spells it null; it is then not signed)', async () => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const message = signed({ TopicArn: ALERTS, Subject: null }, pki.signer.key, { version: '2' });
    expect(message.Subject).toBeNull();
    expect((await invoke(h.handler, snsEvent(message))).error).toBeUndefined();
    // And a subject added afterwards is a tampered message.
    const added = await invoke(h.handler, snsEvent({ ...message, Subject: 'URGENT: wire money' }));
    refusedWith(added, 'bad_signature', h);
  });

  it('accepts the HTTP spelling SigningCertURL and non-ASCII message text', async () => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const { SigningCertUrl, ...rest } = signed(
      { TopicArn: ALERTS, Message: 'Grüße, 東京 — ✓\nline two\t"quoted"' },
      pki.signer.key,
    );
    const result = await invoke(h.handler, snsEvent({ ...rest, SigningCertURL: SigningCertUrl }));
    expect(result.error).toBeUndefined();
    expect(h.ran).toHaveLength(1);
  });

  it('fetches each certificate once and reuses it', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    for (let i = 0; i < 5; i++) {
      const result = await invoke(h.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.signer.key)));
      expect(result.error).toBeUndefined();
    }
    expect(calls).toHaveLength(1);
  });
});

describe('SNS signature verification: refusals', () => {
  const tampered: [string, Record<string, unknown>][] = [
    ['Message', { Message: '{"order":"42","amount":1000000}' }],
    ['Subject', { Subject: 'Something else' }],
    // Both topics are allowed: only the signature tells them apart.
    ['TopicArn', { TopicArn: AUDIT }],
    ['MessageId', { MessageId: 'another-id' }],
    ['Timestamp', { Timestamp: new Date(Date.now() - 60_000).toISOString() }],
  ];
  it.each(tampered)('refuses a message whose %s was changed after signing', async (_, change) => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    for (const version of ['1', '2'] as const) {
      const message = signed({ TopicArn: ALERTS }, pki.signer.key, { version });
      refusedWith(await invoke(h.handler, snsEvent({ ...message, ...change })), 'bad_signature', h);
    }
    expect(h.ran).toHaveLength(0);
  });

  it('refuses a signature made with another key (forged), and a version mismatch', async () => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const forged = signed({ TopicArn: ALERTS }, pki.attacker.key);
    refusedWith(await invoke(h.handler, snsEvent(forged)), 'bad_signature', h);
    // Signed with SHA256 but claiming version 1 (and the reverse).
    const v2 = signed({ TopicArn: ALERTS }, pki.signer.key, { version: '2' });
    refusedWith(await invoke(h.handler, snsEvent({ ...v2, SignatureVersion: '1' })), 'bad_signature', h);
    const v1 = signed({ TopicArn: ALERTS }, pki.signer.key, { version: '1' });
    refusedWith(await invoke(h.handler, snsEvent({ ...v1, SignatureVersion: '2' })), 'bad_signature', h);
    expect(h.ran).toHaveLength(0);
  });

  it('refuses unsigned messages and unknown signature versions without fetching', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const message = signed({ TopicArn: ALERTS }, pki.signer.key);
    const { Signature, SigningCertUrl, SignatureVersion, ...bare } = message;
    refusedWith(await invoke(h.handler, snsEvent(bare)), 'unsigned', h);
    refusedWith(await invoke(h.handler, snsEvent({ ...message, Signature: '' })), 'unsigned', h);
    refusedWith(await invoke(h.handler, snsEvent({ ...message, Signature: null })), 'unsigned', h);
    refusedWith(await invoke(h.handler, snsEvent({ ...bare, Signature, SignatureVersion })), 'unsigned', h);
    refusedWith(await invoke(h.handler, snsEvent({ ...bare, Signature, SigningCertUrl })), 'unsigned', h);
    for (const version of ['3', '0', 1, 'SHA256', ['1']]) {
      refusedWith(
        await invoke(h.handler, snsEvent({ ...message, SignatureVersion: version })),
        'unsupported_version',
        h,
      );
    }
    expect(calls).toHaveLength(0);
    expect(h.ran).toHaveLength(0);
  });

  it('refuses stale and future messages; the maximum age is configurable', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const old = signed({ TopicArn: ALERTS, Timestamp: at(-6 * HOUR - 60_000) }, pki.signer.key);
    refusedWith(await invoke(h.handler, snsEvent(old)), 'stale', h);
    const future = signed({ TopicArn: ALERTS, Timestamp: at(HOUR) }, pki.signer.key);
    refusedWith(await invoke(h.handler, snsEvent(future)), 'stale', h);
    expect(calls).toHaveLength(0);
    // Within the default six hours: accepted.
    const recent = signed({ TopicArn: ALERTS, Timestamp: at(-5 * HOUR) }, pki.signer.key);
    expect((await invoke(h.handler, snsEvent(recent))).error).toBeUndefined();

    const strict = build({ snsSignature: { fetchCertificate, maxMessageAgeSeconds: 60 } });
    const twoMinutes = signed({ TopicArn: ALERTS, Timestamp: at(-120_000) }, pki.signer.key);
    refusedWith(await invoke(strict.handler, snsEvent(twoMinutes)), 'stale', strict);
    const fresh = signed({ TopicArn: ALERTS }, pki.signer.key);
    expect((await invoke(strict.handler, snsEvent(fresh))).error).toBeUndefined();
  });

  it('refuses malformed signed fields and Types Lambda never delivers', async () => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const message = signed({ TopicArn: ALERTS }, pki.signer.key);
    const cases: Record<string, unknown>[] = [
      { Timestamp: 'yesterday' },
      { Timestamp: '2026-13-45T99:99:99Z' },
      { Timestamp: 1_700_000_000 },
      { Message: { order: 42 } },
      { MessageId: undefined },
      { Subject: 42 },
      { Type: 'SubscriptionConfirmation' },
      { Type: undefined },
    ];
    for (const change of cases) {
      refusedWith(await invoke(h.handler, snsEvent({ ...message, ...change })), 'malformed', h);
    }
    // A genuine SubscriptionConfirmation replayed to the function is refused too.
    const confirmation = signed(
      {
        Type: 'SubscriptionConfirmation',
        TopicArn: ALERTS,
        SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
        Token: 'abc',
      },
      pki.signer.key,
    );
    refusedWith(await invoke(h.handler, snsEvent(confirmation)), 'malformed', h);
    expect(h.ran).toHaveLength(0);
  });

  it('refuses an expired certificate and one that is not a certificate', async () => {
    const expired = build({
      snsSignature: { fetchCertificate: served(() => pki.expired.pem).fetchCertificate },
    });
    refusedWith(
      await invoke(expired.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.expired.key))),
      'certificate_invalid',
      expired,
    );
    for (const pem of [
      '',
      'not a certificate',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    ]) {
      const h = build({ snsSignature: { fetchCertificate: served(() => pem).fetchCertificate } });
      refusedWith(
        await invoke(h.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.signer.key))),
        'certificate_invalid',
        h,
      );
    }
  });
});

describe('SNS signature verification: the certificate URL', () => {
  const foreign = [
    'https://evil.example.com/SimpleNotificationService-1.pem',
    'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.crt',
    'https://sns.us-east-1.amazonaws.com/',
    'https://sns.us-east-1.amazonaws.com/.pem',
    'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-1.pem',
    'https://sns.us-east-1.amazonaws.com./SimpleNotificationService-1.pem',
    'https://evil.com/sns.us-east-1.amazonaws.com/x.pem',
    'https://sns.us-east-1.amazonaws.com@evil.com/x.pem',
    'https://user:pw@sns.us-east-1.amazonaws.com/x.pem',
    'https://evil.com\\@sns.us-east-1.amazonaws.com/x.pem',
    'https://sns.us-east-1.amazonaws.com:8443/x.pem',
    'https://sns.us-east-1.amazonaws.com:443/x.pem',
    'https://sns.us-east-1.amazonaws.com/x.pem?x=1',
    'https://sns.us-east-1.amazonaws.com/x.pem#frag',
    'https://sns.us-east-1.amazonaws.com/x%2Epem',
    'https://SNS.us-east-1.amazonaws.com/x.pem',
    'https://sns.us-east-1.amazonaws.com/x.pem ',
    'https://sns.us-east-1.amazonaws.com/a\n.pem',
    'https://sns.evil.amazonaws.com/x.pem',
    'https://sqs.us-east-1.amazonaws.com/x.pem',
    'https://s3.amazonaws.com/my-bucket/x.pem',
    'https://sns.us-east-1.amazonaws.com.cn.evil.com/x.pem',
    'https://127.0.0.1/x.pem',
    'file:///etc/ssl/cert.pem',
    `https://sns.us-east-1.amazonaws.com/${'a'.repeat(2000)}.pem`,
    'not a url',
  ];

  it.each(foreign)('refuses %j without fetching it', async (url) => {
    expect(isSnsCertificateUrl(url)).toBe(false);
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const message = signed({ TopicArn: ALERTS }, pki.signer.key, { url });
    refusedWith(await invoke(h.handler, snsEvent(message)), 'certificate_url', h);
    expect(calls).toEqual([]);
    expect(h.ran).toHaveLength(0);
  });

  it.each([
    certUrl('us-east-1'),
    certUrl('eu-central-2'),
    'https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-1.pem',
    'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem',
    'https://sns.eusc-de-east-1.amazonaws.eu/SimpleNotificationService-1.pem',
  ])('accepts the partition host %s', (url) => {
    expect(isSnsCertificateUrl(url)).toBe(true);
  });
});

describe('SNS signature verification: the certificate cache', () => {
  it('is bounded: distinct URLs evict the least recently used', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const cache = new CertificateCache(fetchCertificate, 3, () => {});
    for (let i = 0; i < 50; i++) {
      expect(typeof (await cache.get(certUrl('us-east-1', `c-${i}.pem`)))).toBe('object');
      expect(cache.size).toBeLessThanOrEqual(3);
    }
    expect(calls).toHaveLength(50);
    // The last three are still held; the first was evicted and is fetched again.
    await cache.get(certUrl('us-east-1', 'c-49.pem'));
    await cache.get(certUrl('us-east-1', 'c-47.pem'));
    expect(calls).toHaveLength(50);
    await cache.get(certUrl('us-east-1', 'c-0.pem'));
    expect(calls).toHaveLength(51);
    // c-47 was used more recently than c-48, so c-48 went.
    await cache.get(certUrl('us-east-1', 'c-47.pem'));
    expect(calls).toHaveLength(51);
    await cache.get(certUrl('us-east-1', 'c-48.pem'));
    expect(calls).toHaveLength(52);
  });

  it('through the middleware: a flood of distinct certificate URLs keeps the cache at its cap', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate, certificateCacheSize: 4 } });
    for (let i = 0; i < 20; i++) {
      const url = certUrl('us-east-1', `SimpleNotificationService-${i}.pem`);
      const result = await invoke(h.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.signer.key, { url })));
      expect(result.error).toBeUndefined();
    }
    expect(calls).toHaveLength(20);
    // 4 retained: the last four URLs are served from the cache.
    for (let i = 16; i < 20; i++) {
      const url = certUrl('us-east-1', `SimpleNotificationService-${i}.pem`);
      await invoke(h.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.signer.key, { url })));
    }
    expect(calls).toHaveLength(20);
  });

  it('shares one fetch between concurrent lookups of one URL', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem, 50);
    const cache = new CertificateCache(fetchCertificate, 8, () => {});
    const results = await Promise.all(Array.from({ length: 25 }, () => cache.get(certUrl())));
    expect(calls).toHaveLength(1);
    expect(new Set(results).size).toBe(1);
  });

  it('does not keep a failed fetch: the next lookup tries again', async () => {
    let fail = true;
    const calls: string[] = [];
    const errors: unknown[] = [];
    const cache = new CertificateCache(
      async (url) => {
        calls.push(url);
        if (fail) throw new Error('connect ETIMEDOUT');
        return pki.signer.pem;
      },
      8,
      (error) => errors.push(error),
    );
    expect(await cache.get(certUrl())).toBe('certificate_unavailable');
    expect(cache.size).toBe(0);
    fail = false;
    expect(typeof (await cache.get(certUrl()))).toBe('object');
    expect(calls).toHaveLength(2);
    expect(errors).toHaveLength(1);
  });
});

describe('SNS signature verification: failure and concurrency', () => {
  it('fails closed when the certificate cannot be fetched, reports once, and never crashes', async () => {
    let attempts = 0;
    const h = build({
      snsSignature: {
        fetchCertificate: async () => {
          attempts++;
          throw new Error('getaddrinfo ENOTFOUND sns.us-east-1.amazonaws.com');
        },
      },
    });
    const out = await captureOutput(async () => {
      const results = [];
      for (let i = 0; i < 3; i++) {
        results.push(await invoke(h.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.signer.key))));
      }
      return results;
    });
    for (const result of out.result!) refusedWith(result, 'certificate_unavailable', h);
    expect(attempts).toBe(3);
    expect(h.ran).toHaveLength(0);
    const reports = out.logs.filter((l) => l.level === 'ERROR');
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toContain('fetching an SNS signing certificate failed');
    expect(reports[0]!.error).toContain('ENOTFOUND');
  });

  it('a fetch that throws synchronously or resolves a non-string fails closed too', async () => {
    for (const fetchCertificate of [
      (() => {
        throw new TypeError('boom');
      }) as unknown as (url: string) => Promise<string>,
      (async () => ({ pem: 'x' })) as unknown as (url: string) => Promise<string>,
      (async () => 'x'.repeat(10 * 1024 * 1024)) as (url: string) => Promise<string>,
    ]) {
      const h = build({ snsSignature: { fetchCertificate } });
      const out = await captureOutput(() =>
        invoke(h.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.signer.key))),
      );
      expect(out.result!.error).toBeInstanceOf(InvocationSourceRejectedError);
      expect(h.ran).toHaveLength(0);
    }
  });

  it('keeps interleaved invocations apart (rule 2): each is judged on its own record', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem, 30);
    const h = build({ snsSignature: { fetchCertificate } });
    const events = Array.from({ length: 30 }, (_, n) => {
      const message = signed({ TopicArn: ALERTS, MessageId: `m-${n}` }, pki.signer.key, {
        version: n % 2 ? '2' : '1',
      });
      return snsEvent(n % 3 === 0 ? { ...message, Message: 'tampered' } : message);
    });
    const results = await invokeConcurrently(h.handler, events);
    results.forEach((r, n) => {
      if (n % 3 === 0) {
        expect(r.error, `#${n}`).toBeInstanceOf(InvocationSourceRejectedError);
      } else {
        expect(r.error, `#${n}`).toBeUndefined();
        expect(r.result, `#${n}`).toBe(`m-${n}`);
      }
    });
    expect(calls).toHaveLength(1);
    expect(h.ran).toHaveLength(20);
    expect(h.refusals).toHaveLength(10);
    expect(h.refusals.every((r) => r.signatureProblem === 'bad_signature')).toBe(true);
  });
});

describe('SNS signature verification: hostile input', () => {
  it('refuses huge or garbage Signature values without fetching, quickly', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const message = signed({ TopicArn: ALERTS }, pki.signer.key);
    const started = performance.now();
    for (const Signature of [
      'A'.repeat(8 * 1024 * 1024),
      '!!!!not-base64!!!!',
      'QUJD',
      `${message.Signature as string}====`,
      '😀😀😀😀',
      { length: 344 },
    ]) {
      const result = await invoke(h.handler, snsEvent({ ...message, Signature }));
      expect(result.error).toBeInstanceOf(InvocationSourceRejectedError);
    }
    expect(performance.now() - started).toBeLessThan(5_000);
    // 'QUJD' is well-formed base64 of a wrong length: it reaches the check (and fails it).
    expect(calls).toHaveLength(1);
    expect(h.ran).toHaveLength(0);
    expect(h.refusals.map((r) => r.signatureProblem)).toEqual([
      'malformed',
      'malformed',
      'bad_signature',
      'malformed',
      'malformed',
      'unsigned',
    ]);
  });

  it('refuses more signed records than SNS ever delivers, without fetching', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({ snsSignature: { fetchCertificate } });
    const messages = Array.from({ length: 11 }, (_, i) =>
      signed({ TopicArn: ALERTS, MessageId: `m${i}` }, pki.signer.key, {
        url: certUrl('us-east-1', `c${i}.pem`),
      }),
    );
    refusedWith(await invoke(h.handler, snsEvent(...messages)), 'too_many_records', h);
    expect(calls).toHaveLength(0);
    // Two genuine records are fine; one bad among them refuses the batch at its index.
    expect((await invoke(h.handler, snsEvent(messages[0]!, messages[1]!))).error).toBeUndefined();
    const bad = await invoke(h.handler, snsEvent(messages[0]!, { ...messages[1]!, Message: 'x' }));
    refusedWith(bad, 'bad_signature', h);
    expect(h.refusals.at(-1)?.recordIndex).toBe(1);
  });

  it('checks the topic the rules judged is the topic that was signed (getters cannot swap it)', async () => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const h = build({
      allow: [{ kind: 'sns', arn: ALERTS, verifySignature: true }],
      snsSignature: { fetchCertificate },
    });
    const genuine = signed({ TopicArn: AUDIT }, pki.signer.key);
    let reads = 0;
    // The first read (classification) says ALERTS; later reads say AUDIT, the topic actually signed.
    const sly = Object.defineProperty({ ...genuine }, 'TopicArn', {
      enumerable: true,
      get: () => (reads++ === 0 ? ALERTS : AUDIT),
    });
    const event = snsEvent(sly);
    reads = 0;
    refusedWith(await invoke(h.handler, event), 'malformed', h);
    expect(h.ran).toHaveLength(0);
  });
});

describe('SNS signature verification: rules', () => {
  it('verifies only what verifySignature rules alone allow: a plain rule needs no signature', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const h = build({
      allow: [
        { kind: 'sns', arn: PLAIN },
        { kind: 'sns', arn: ALERTS, verifySignature: true },
      ],
      snsSignature: { fetchCertificate },
    });
    const { Signature, ...unsignedPlain } = signed({ TopicArn: PLAIN }, pki.signer.key);
    expect((await invoke(h.handler, snsEvent(unsignedPlain))).error).toBeUndefined();
    expect(calls).toHaveLength(0);
    const { Signature: _, ...unsignedAlerts } = signed({ TopicArn: ALERTS }, pki.signer.key);
    refusedWith(await invoke(h.handler, snsEvent(unsignedAlerts)), 'unsigned', h);
    // Topics no rule names are refused as before, without any verification.
    const other = signed({ TopicArn: `arn:aws:sns:us-east-1:${OWN}:other` }, pki.signer.key);
    const result = await invoke(h.handler, snsEvent(other));
    expect((result.error as InvocationSourceRejectedError).reason).toBe('no_matching_rule');
    expect(calls).toHaveLength(0);
  });

  it('observe mode neither verifies nor refuses (its allowed judges the rules without signatures)', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const lines: unknown[] = [];
    const handler = middy(async () => 'ok').use(
      sourceAllowlist({
        mode: 'observe',
        allow: [{ kind: 'sns', arn: ALERTS, verifySignature: true }],
        snsSignature: { fetchCertificate },
        logger: { info: (_message: string, line: unknown) => lines.push(line) },
      }),
    );
    const { Signature, ...unsigned } = signed({ TopicArn: ALERTS }, pki.signer.key);
    expect((await invoke(handler, snsEvent(unsigned))).result).toBe('ok');
    expect(calls).toHaveLength(0);
    expect(lines).toEqual([expect.objectContaining({ allowed: true })]);
  });

  it('does nothing extra when no rule asks for it (no fetch, no wait)', async () => {
    const { calls, fetchCertificate } = served(() => pki.signer.pem);
    const handler = middy(async () => 'ok').use(
      sourceAllowlist({ allow: [{ kind: 'sns', arn: ALERTS }], snsSignature: { fetchCertificate } }),
    );
    const { Signature, ...unsigned } = signed({ TopicArn: ALERTS }, pki.signer.key);
    expect((await invoke(handler, snsEvent(unsigned))).result).toBe('ok');
    expect(calls).toHaveLength(0);
  });

  it.each<[string, unknown]>([
    ['allow[0].verifySignature', { allow: [{ kind: 'sqs', verifySignature: true }] }],
    ['allow[0].verifySignature', { allow: [{ kind: ['sns', 'sqs'], verifySignature: true }] }],
    ['allow[0].verifySignature', { allow: [{ kind: 'sns', verifySignature: 'yes' }] }],
    ['snsSignature', { allow: [{ kind: 'sns' }], snsSignature: null }],
    ['snsSignature.fetch', { allow: [{ kind: 'sns' }], snsSignature: { fetch: () => '' } }],
    ['snsSignature.fetchCertificate', { allow: [{ kind: 'sns' }], snsSignature: { fetchCertificate: 'x' } }],
    [
      'snsSignature.maxMessageAgeSeconds',
      { allow: [{ kind: 'sns' }], snsSignature: { maxMessageAgeSeconds: 0 } },
    ],
    [
      'snsSignature.maxMessageAgeSeconds',
      { allow: [{ kind: 'sns' }], snsSignature: { maxMessageAgeSeconds: Number.NaN } },
    ],
    [
      'snsSignature.certificateCacheSize',
      { allow: [{ kind: 'sns' }], snsSignature: { certificateCacheSize: 0 } },
    ],
    [
      'snsSignature.certificateCacheSize',
      { allow: [{ kind: 'sns' }], snsSignature: { certificateCacheSize: 1.5 } },
    ],
  ])('a bad option throws at construction naming %s', (option, options) => {
    expect(() => sourceAllowlist(options as SourceAllowlistOptions)).toThrow(
      expect.objectContaining({ name: 'SentinelConfigError', option }),
    );
  });
});

describe('checkSnsMessage: the canonical string per message type', () => {
  it('verifies SubscriptionConfirmation and UnsubscribeConfirmation (SubscribeURL, Token signed)', async () => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const check = {
      certificates: new CertificateCache(fetchCertificate, 4, () => {}),
      maxAgeMs: HOUR,
      types: new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
    };
    for (const Type of ['SubscriptionConfirmation', 'UnsubscribeConfirmation']) {
      const message = signed(
        {
          Type,
          TopicArn: ALERTS,
          Subject: undefined,
          SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${ALERTS}`,
          Token: '2336412f37fb687f5d51e6e2425f004aed',
        },
        pki.signer.key,
        { version: '2' },
      );
      delete message.Subject;
      expect(await checkSnsMessage(message, check)).toBeUndefined();
      expect(await checkSnsMessage({ ...message, Token: 'other' }, check)).toBe('bad_signature');
      expect(await checkSnsMessage({ ...message, SubscribeURL: 'https://evil/' }, check)).toBe(
        'bad_signature',
      );
    }
  });

  it('never rejects on anything thrown at it', async () => {
    const { fetchCertificate } = served(() => pki.signer.pem);
    const check = {
      certificates: new CertificateCache(fetchCertificate, 4, () => {}),
      maxAgeMs: HOUR,
      types: new Set(['Notification']),
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    for (const value of [null, undefined, 42, 'x', [], {}, revoked.proxy, throwing]) {
      expect(await checkSnsMessage(value, check)).toBeTypeOf('string');
    }
  });
});

// The real default fetch, against an HTTPS server on loopback whose certificate our test CA issued.
describe('SNS signature verification: the default fetch over real HTTPS', () => {
  let server: Awaited<ReturnType<typeof startHttps>>;

  beforeAll(async () => {
    setDefaultCACertificates([...getCACertificates('default'), pki.caPem]);
    server = await startHttps(pki.tls, {
      '/SimpleNotificationService-test.pem': (_, res) => {
        res.setHeader('content-type', 'application/x-pem-file');
        res.end(pki.signer.pem);
      },
      '/declared-huge.pem': (_, res) => {
        res.setHeader('content-length', String(50 * 1024 * 1024));
        res.write('-----BEGIN CERTIFICATE-----\n');
      },
      '/streamed-huge.pem': (_, res) => {
        // Chunked, no Content-Length: the cap is enforced while reading.
        const chunk = 'A'.repeat(16 * 1024);
        let sent = 0;
        const push = () => {
          while (sent < 4096 && res.write(chunk)) sent++;
          if (sent < 4096) res.once('drain', push);
          else res.end();
        };
        push();
      },
      '/redirect.pem': (_, res) => {
        res.statusCode = 302;
        res.setHeader('location', '/SimpleNotificationService-test.pem');
        res.end();
      },
      '/missing.pem': (_, res) => {
        res.statusCode = 404;
        res.end('no');
      },
      '/hang.pem': () => {},
    });
  });
  afterAll(() => server?.close());

  it('fetches and verifies end to end through the middleware', async () => {
    const local: string[] = [];
    const h = build({
      snsSignature: {
        // The URL passed the SNS host check; only the origin is redirected to the loopback server.
        fetchCertificate: (url) => {
          local.push(url);
          return fetchCertificateOverHttps(url.replace('https://sns.us-east-1.amazonaws.com', server.origin));
        },
      },
    });
    const url = certUrl('us-east-1', 'SimpleNotificationService-test.pem');
    for (const version of ['1', '2'] as const) {
      const message = signed({ TopicArn: ALERTS }, pki.signer.key, { version, url });
      const result = await invoke(h.handler, snsEvent(message));
      expect(result.error).toBeUndefined();
    }
    expect(server.hits.filter((p) => p === '/SimpleNotificationService-test.pem')).toHaveLength(1);
    refusedWith(
      await invoke(
        h.handler,
        snsEvent({ ...signed({ TopicArn: ALERTS }, pki.signer.key, { url }), Message: 'x' }),
      ),
      'bad_signature',
      h,
    );
  });

  it('refuses oversized certificates, redirects, errors and hangs', async () => {
    const at = (path: string) => `${server.origin}${path}`;
    await expect(fetchCertificateOverHttps(at('/SimpleNotificationService-test.pem'))).resolves.toBe(
      pki.signer.pem,
    );
    await expect(fetchCertificateOverHttps(at('/declared-huge.pem'))).rejects.toThrow(/cap/);
    await expect(fetchCertificateOverHttps(at('/streamed-huge.pem'))).rejects.toThrow(/cap/);
    await expect(fetchCertificateOverHttps(at('/redirect.pem'))).rejects.toThrow();
    await expect(fetchCertificateOverHttps(at('/missing.pem'))).rejects.toThrow(/404/);
    const started = performance.now();
    await expect(fetchCertificateOverHttps(at('/hang.pem'), 300)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('through the middleware, a giant certificate response is refused as unavailable', async () => {
    const h = build({
      snsSignature: {
        fetchCertificate: (url) => fetchCertificateOverHttps(url.replace(/^https:\/\/[^/]+/, server.origin)),
      },
    });
    const out = await captureOutput(async () => {
      const url = certUrl('us-east-1', 'streamed-huge.pem');
      return invoke(h.handler, snsEvent(signed({ TopicArn: ALERTS }, pki.signer.key, { url })));
    });
    refusedWith(out.result!, 'certificate_unavailable', h);
  });
});

describe('checkSnsMessage: properties', () => {
  const SIGNED = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn'] as const;
  const check = () => ({
    certificates: new CertificateCache(
      async () => pki.signer.pem,
      4,
      () => {},
    ),
    maxAgeMs: HOUR,
    types: new Set(['Notification']),
  });

  it('accepts any genuine message, whatever its text, and whatever its unsigned fields say', async () => {
    const c = check();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), { nil: null }),
        fc.constantFrom('1', '2'),
        fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
        async (Message, Subject, version, attributes) => {
          const message = signed({ TopicArn: ALERTS, Message, Subject }, pki.signer.key, {
            version: version as '1' | '2',
          });
          const noise = { MessageAttributes: attributes, UnsubscribeUrl: 'https://example.com/' };
          expect(await checkSnsMessage({ ...message, ...noise }, c)).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses any change to any signed field', async () => {
    const c = check();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SIGNED),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
        fc.constantFrom('1', '2'),
        async (field, suffix, version) => {
          const message = signed({ TopicArn: ALERTS }, pki.signer.key, { version: version as '1' | '2' });
          const changed =
            field === 'Timestamp'
              ? new Date(Date.parse(message.Timestamp as string) - 1 - suffix.length).toISOString()
              : `${message[field] as string}${suffix}`;
          expect(await checkSnsMessage({ ...message, [field]: changed }, c)).toBe('bad_signature');
        },
      ),
      { numRuns: 60 },
    );
  });
});
