import { createPrivateKey, type KeyObject, sign, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/**
 * A test PKI made in the test: a CA, an SNS-like signing certificate it
 * issued, and a TLS certificate for 127.0.0.1 to serve the PEM over HTTPS.
 * Messages are signed with the signing key exactly as SNS signs them.
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;
const DAY = 24 * 60 * 60 * 1000;

export interface SigningIdentity {
  /** PEM of the certificate (what the certificate URL serves). */
  pem: string;
  key: KeyObject;
}

export interface TestPki {
  caPem: string;
  /** The signing certificate SNS would publish. */
  signer: SigningIdentity;
  /** A second, unrelated identity: an attacker's own key and certificate. */
  attacker: SigningIdentity;
  /** A signing certificate whose validity ended yesterday. */
  expired: SigningIdentity;
  tls: { key: string; cert: string };
}

async function keys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pemKey(key: CryptoKey): Promise<KeyObject> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

async function issue(
  ca: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  subject: string,
  options: { notBefore?: Date; notAfter?: Date; extensions?: x509.Extension[] } = {},
): Promise<{ pem: string; key: KeyObject }> {
  const pair = await keys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    subject,
    issuer: ca.cert.subject,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 30 * DAY),
    signingAlgorithm: RSA,
    publicKey: pair.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: options.extensions ?? [],
  });
  return { pem: cert.toString('pem'), key: await pemKey(pair.privateKey) };
}

export async function makePki(): Promise<TestPki> {
  const caKeys = await keys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Sentinel Test CA',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: RSA,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const ca = { cert: caCert, keys: caKeys };
  const [signer, attacker, expired, tls] = await Promise.all([
    issue(ca, 'CN=sns.amazonaws.com'),
    issue(ca, 'CN=sns.amazonaws.com, O=Attacker'),
    issue(ca, 'CN=sns.amazonaws.com', {
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
    issue(ca, 'CN=localhost', {
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ],
    }),
  ]);
  return {
    caPem: caCert.toString('pem'),
    signer,
    attacker,
    expired,
    tls: { key: tls.key.export({ type: 'pkcs8', format: 'pem' }) as string, cert: tls.pem },
  };
}

/** The certificate URL SNS would send for a topic in `region`. */
export const certUrl = (region = 'us-east-1', name = 'SimpleNotificationService-0123456789abcdef.pem') =>
  `https://sns.${region}.amazonaws.com/${name}`;

export interface MessageFields {
  Type?: string;
  MessageId?: string;
  TopicArn?: string;
  Subject?: string | null;
  Message?: string;
  Timestamp?: string;
  SubscribeURL?: string;
  Token?: string;
}

/**
 * The string to sign, written out here from AWS's description ("Verifying the
 * signatures of Amazon SNS messages") rather than imported from the code under
 * test: name and value of each signed field, each followed by a newline.
 */
export function stringToSign(m: MessageFields): string {
  const fields =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields
    .filter((f) => m[f as keyof MessageFields] !== undefined && m[f as keyof MessageFields] !== null)
    .map((f) => `${f}\n${m[f as keyof MessageFields]}\n`)
    .join('');
}

export interface SignOptions {
  version?: '1' | '2';
  key?: KeyObject;
  url?: string;
}

/** An SNS message (the `Sns` object of a Lambda record) signed with `key`. */
export function signed(
  fields: MessageFields,
  key: KeyObject,
  { version = '1', url = certUrl() }: Omit<SignOptions, 'key'> = {},
): Record<string, unknown> {
  const message = {
    Type: 'Notification',
    MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    Subject: 'TestInvoke',
    Message: '{"order":"42","amount":100}',
    Timestamp: new Date().toISOString(),
    ...fields,
  };
  const signature = sign(
    version === '1' ? 'sha1' : 'sha256',
    Buffer.from(stringToSign(message), 'utf8'),
    key,
  ).toString('base64');
  return {
    SignatureVersion: version,
    Signature: signature,
    SigningCertUrl: url,
    MessageAttributes: {},
    UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${message.TopicArn}:1`,
    ...message,
  };
}

/** A Lambda SNS event around the given `Sns` messages. */
export function snsEvent(...messages: Record<string, unknown>[]): { Records: unknown[] } {
  return {
    Records: messages.map((Sns) => ({
      EventVersion: '1.0',
      EventSubscriptionArn: `${Sns.TopicArn}:21be56ed-a058-49f5-8c98-aedd2564c486`,
      EventSource: 'aws:sns',
      Sns,
    })),
  };
}

/** An HTTPS server on 127.0.0.1 with routes path → handler. */
export async function startHttps(
  tls: { key: string; cert: string },
  routes: Record<string, Parameters<typeof createServer>[1]>,
): Promise<{ origin: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    hits.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (route) route(req, res);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
