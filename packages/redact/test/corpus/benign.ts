/**
 * A benign corpus of realistic Lambda values: request and trace ids, ARNs,
 * UUIDs, hashes, timestamps, URLs, version strings, S3 keys, SES message
 * ids, user agents, stream sequence numbers, receipt handles, file names.
 * None holds a secret; redaction should leave (nearly) all of them alone.
 */
import { ALNUM, BASE64, DIGITS, HEX, LOWER, type Random, UPPER } from './random.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'];
const SERVICES: ReadonlyArray<(rng: Random, account: string, region: string) => string> = [
  (rng, a, r) => `arn:aws:lambda:${r}:${a}:function:orders-${rng.chars(LOWER, 5)}:live`,
  (rng, a) => `arn:aws:iam::${a}:role/service-role/orders-role-${rng.chars(ALNUM, 8)}`,
  (rng, a, r) => `arn:aws:secretsmanager:${r}:${a}:secret:prod/db-${rng.chars(ALNUM, 6)}`,
  (rng, a, r) => `arn:aws:kms:${r}:${a}:key/${rng.uuid()}`,
  (rng, a, r) => `arn:aws:sqs:${r}:${a}:orders-${rng.chars(LOWER, 6)}.fifo`,
  (rng, a, r) => `arn:aws:dynamodb:${r}:${a}:table/Orders/stream/2024-05-01T12:00:00.${rng.chars(DIGITS, 3)}`,
  (rng, a, r) => `arn:aws:execute-api:${r}:${a}:${rng.chars(LOWER + DIGITS, 10)}/prod/GET/orders/*`,
  (rng, a, r) => `arn:aws:states:${r}:${a}:execution:Checkout:${rng.uuid()}`,
  (rng, a) => `arn:aws:sts::${a}:assumed-role/orders-role/${rng.chars(ALNUM, 10)}`,
];

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'aws-sdk-js/3.600.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#24.1.0 api/dynamodb#3.600.0',
  'Amazon CloudFront',
  'curl/8.5.0',
  'python-requests/2.31.0',
  'PostmanRuntime/7.37.3',
];

const WORDS = [
  'order',
  'shipped',
  'warehouse',
  'retry',
  'invoice',
  'customer',
  'payment',
  'queued',
  'token bucket',
  'key rotation',
];

/** One realistic benign value of a random kind; `kind` names it for the report. */
export function benignValue(rng: Random): { kind: string; value: string } {
  const account = rng.chars(DIGITS, 12);
  const region = rng.pick(REGIONS);
  const date = new Date(
    Date.UTC(
      2024,
      rng.int(0, 11),
      rng.int(1, 28),
      rng.int(0, 23),
      rng.int(0, 59),
      rng.int(0, 59),
      rng.int(0, 999),
    ),
  );
  const kinds: ReadonlyArray<readonly [string, () => string]> = [
    ['request id', () => rng.uuid()],
    [
      'x-ray trace id',
      () =>
        `Root=1-${Math.floor(date.getTime() / 1000).toString(16)}-${rng.chars(HEX, 24)};Parent=${rng.chars(HEX, 16)};Sampled=${rng.int(0, 1)}`,
    ],
    ['arn', () => rng.pick(SERVICES)(rng, account, region)],
    ['md5', () => rng.chars(HEX, 32)],
    ['sha1', () => rng.chars(HEX, 40)],
    ['sha256', () => rng.chars(HEX, 64)],
    ['sha256 base64', () => rng.bytes(32).toString('base64')],
    ['etag', () => `"${rng.chars(HEX, 32)}${rng.pick(['', `-${rng.int(2, 40)}`])}"`],
    ['iso timestamp', () => date.toISOString()],
    ['epoch seconds', () => String(Math.floor(date.getTime() / 1000))],
    ['epoch millis', () => String(date.getTime())],
    ['http date', () => date.toUTCString()],
    [
      'url',
      () =>
        `https://api.example.com/v1/orders/${rng.int(1, 99999)}?page=${rng.int(1, 9)}&limit=50&sort=-createdAt`,
    ],
    [
      's3 url',
      () =>
        `https://orders-${account}.s3.${region}.amazonaws.com/uploads/${date.toISOString().slice(0, 10)}/${rng.uuid()}.pdf`,
    ],
    ['version', () => `${rng.int(0, 20)}.${rng.int(0, 40)}.${rng.int(0, 200)}`],
    [
      'version tag',
      () => `v${rng.int(1, 9)}.${rng.int(0, 20)}.${rng.int(0, 9)}-rc.${rng.int(1, 5)}+${rng.chars(HEX, 7)}`,
    ],
    [
      's3 key',
      () =>
        `uploads/${date.toISOString().slice(0, 10).replaceAll('-', '/')}/invoice-${rng.chars(DIGITS, 6)}.pdf`,
    ],
    [
      'ses message id',
      () =>
        `<0100018f${rng.chars(HEX, 8)}-${rng.chars(HEX, 8)}-${rng.chars(HEX, 4)}-${rng.chars(HEX, 4)}-${rng.chars(HEX, 4)}-${rng.chars(HEX, 12)}-000000@email.amazonses.com>`,
    ],
    ['user agent', () => rng.pick(USER_AGENTS)],
    ['kinesis sequence number', () => rng.chars(DIGITS, 56)],
    ['sqs receipt handle', () => `AQEB${rng.bytes(rng.int(100, 200)).toString('base64')}`],
    ['api gateway extended request id', () => `${rng.chars(ALNUM, 14)}=`],
    ['cloudfront id', () => `${rng.bytes(40).toString('base64url')}==`],
    ['s3 version id', () => rng.chars(`${ALNUM}._`, 32)],
    ['retina image', () => `avatar-${rng.int(1, 99)}@${rng.int(2, 3)}x.png`],
    ['git remote', () => `git@github.com:${rng.chars(LOWER, 6)}/${rng.chars(LOWER, 8)}.git`],
    [
      'sentence',
      () => `${rng.pick(WORDS)} ${rng.int(1, 999)} ${rng.pick(WORDS)} at ${date.toISOString().slice(11, 19)}`,
    ],
    ['order id', () => `ord-${rng.chars(DIGITS, 8)}`],
    ['sku', () => `${rng.chars(UPPER, 3)}-${rng.chars(DIGITS, 4)}-${rng.chars(UPPER, 2)}`],
    ['idempotency key', () => `${rng.chars(LOWER, 8)}-${rng.chars(DIGITS, 10)}`],
    ['base64 id', () => rng.bytes(rng.pick([12, 16, 18])).toString('base64')],
    ['cognito sub', () => `${region}:${rng.uuid()}`],
    [
      'stack frame',
      () => `at Runtime.handler (file:///var/task/index.mjs:${rng.int(1, 400)}:${rng.int(1, 80)})`,
    ],
    ['decimal', () => String(rng.int(0, 100000) / 100)],
    ['log group', () => `/aws/lambda/orders-${rng.chars(LOWER, 6)}`],
    [
      'content type',
      () =>
        rng.pick(['application/json', 'text/plain; charset=utf-8', 'multipart/form-data; boundary=----x']),
    ],
    ['base64 word', () => rng.pick(['SGVsbG8gd29ybGQ=', 'eyJuZXh0IjoxMH0=', `${BASE64.slice(0, 12)}==`])],
  ];
  const [kind, make] = rng.pick(kinds);
  return { kind, value: make() };
}
