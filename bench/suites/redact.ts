// @lambda-sentinel/redact against the floor (plain JSON.stringify) and the path redactors pino uses
// (fast-redact, @pinojs/redact), like with like: every case ends in the serialised log line.
// - keys+paths: key rules + the same paths, no detectors, no decoding of encoded payloads.
// - full: defaults (key rules, every detector, email/card PII, JSON/form/base64 decoding).

import { createRedactor } from '@lambda-sentinel/redact';
import redactPino from '@pinojs/redact';
// @ts-expect-error fast-redact ships no type declarations
import fastRedact from 'fast-redact';
import { bench, do_not_optimize, summary } from 'mitata';
import { apiGatewayRestEvent } from '../lambda-env.ts';

const CENSOR = '[REDACTED]';

// A realistic ~2 KB API Gateway REST event with a JSON body and a bearer token.
const event = apiGatewayRestEvent({
  body: JSON.stringify({
    orderId: 'ord-7f3a2c',
    items: [
      { sku: 'UNICORN-HORN-GOLD', qty: 1, price: 49.99 },
      { sku: 'UNICORN-SOCKS-RAINBOW', qty: 2, price: 9.5 },
    ],
    note: 'leave at the door',
  }),
});
const eventPaths = [
  'headers.Authorization',
  'multiValueHeaders.Authorization',
  'requestContext.identity.apiKey',
];

// A ~64 KB payload: a page of orders with customer and payment details.
const payload = {
  page: 1,
  orders: Array.from({ length: 140 }, (_, i) => ({
    id: `ord-${String(i).padStart(6, '0')}`,
    createdAt: new Date(Date.UTC(2024, 4, 1, 12, i % 60)).toISOString(),
    status: i % 3 === 0 ? 'SHIPPED' : 'PENDING',
    customer: {
      id: `cus-${i}`,
      name: `Customer ${i}`,
      email: `customer${i}@example.com`,
      password: `pw-${i}`,
    },
    items: Array.from({ length: 3 }, (_, j) => ({ sku: `SKU-${i}-${j}`, qty: j + 1, price: 9.99 + j })),
    payment: { card: '4111111111111111', token: `tok_${i}abcdef`, currency: 'EUR' },
    notes: 'Customer asked for gift wrapping; deliver between 9:00 and 17:00.',
  })),
};
const payloadPaths = ['orders[*].customer.password', 'orders[*].payment.card', 'orders[*].payment.token'];

const sizes = { event: JSON.stringify(event).length, payload: JSON.stringify(payload).length };
if (sizes.event < 1800 || sizes.event > 2800 || sizes.payload < 60_000 || sizes.payload > 70_000) {
  throw new Error(`redact bench: unexpected sizes ${JSON.stringify(sizes)}`);
}

function cases(label: string, input: object, paths: string[]) {
  const keysPaths = createRedactor({ paths, detectors: false, pii: false, parseEncoded: false });
  const full = createRedactor({ paths });
  const fast = fastRedact({ paths, censor: CENSOR, serialize: JSON.stringify });
  const pino = redactPino({ paths, censor: CENSOR, serialize: JSON.stringify });

  // A broken setup must fail loudly here, not be measured.
  for (const [name, line] of [
    ['keys+paths', JSON.stringify(keysPaths(input))],
    ['full', JSON.stringify(full(input))],
    ['fast-redact', fast(input) as string],
    ['@pinojs/redact', pino(input) as string],
  ] as const) {
    if (!line.includes(CENSOR)) throw new Error(`redact bench: ${name} censored nothing on ${label}`);
  }

  summary(() => {
    bench(`${label}: JSON.stringify (floor)`, () => do_not_optimize(JSON.stringify(input))).baseline(true);
    bench(`${label}: fast-redact paths + stringify`, () => do_not_optimize(fast(input)));
    bench(`${label}: @pinojs/redact paths + stringify`, () => do_not_optimize(pino(input)));
    bench(`${label}: sentinel keys+paths + stringify`, () =>
      do_not_optimize(JSON.stringify(keysPaths(input))),
    );
    bench(`${label}: sentinel full + stringify`, () => do_not_optimize(JSON.stringify(full(input))));
  });
}

cases('2 KB event', event, eventPaths);
cases('64 KB payload', payload, payloadPaths);

// Worst case vs benign: a POST event whose body is benign log text or a crafted input of the same
// size, at 8, 64 and 256 KB. No string length limit, so the whole body is scanned (the default
// limit would cut 256 KB bodies to their first 64 KB and hide the scan). The crafted inputs are the
// issue's (the quadratic `token=x a[…` and the stack-overflowing `token a=a=…`) and the ones that
// make each part of the engine work hardest: every separator a secret pair, every keyword of the
// prefilter, digit runs, email and JWT starts.
function benignText(size: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const line =
      `2024-05-01T12:${String(i % 60).padStart(2, '0')}:00.000Z INFO order ord-${i} shipped to warehouse B ` +
      `(request c6af9ac6-7b61-11e6-9a41-93e8deadbeef, https://api.example.com/v1/orders/${i}?page=2&limit=50) v1.24.3`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n').slice(0, size);
}
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
// Every keyword of the prefilter (each provider's prefix, in lower case as the prefilter reads them),
// each followed by token characters: every detector runs on the same string.
const KEYWORDS =
  'akia asia abia acca a3t b3jpz2lux2 fwogzxivyxdz aqodyxdz absk bedrock-api-key- q~ azurewebsites.net aiza ya29. 1//0 gocspx- :apa91b ltai dop_v1_ v1.0- eyjhijoi hrku- fo1_ fm2_ sbp_ pscale_ dapi hvs. hvb. s. .atlasv1. pul- dp. tskey- ops_eyj a3- ghp_ gho_ ghs_ github_pat_ glpat- gldt- glrt- glcbt- gr1348941 atbb atatt3 npm_ pypi-ag rubygems_ oy2 dckr_ akcp cmvmd sgp_ clojars_ figd_ pat. sk_live_ rk_live_ whsec_ sq0atp- eaaa access_token$ shpat_ access-production- shippo_ duffel_ flwseck xox xapp- hooks.slack.com /api/webhooks/ webhook.office.com :aa sk0 ska sg. key- -us xkeysib- sk-ant- sk-proj- t3blbkfj sk-or-v1- sk- gsk_ pplx- xai- hf_ api_org_ r8_ lsv2_ sntrys_ sentry nrak- nral glc_ glsa_ eyjrijoi ssws dt0c01. pmak- lin_api_ ntn_ secret_ cfpat- sdk- api- aaaaaaaaaaaaaaaaaaaaa sk.eyj age-secret-key-1 ezak p8e- pnu_ rdme_ fio-u- ico- tk-us- eyJ Bearer password= @ -----BEGIN PRIVATE KEY-----'
    .split(' ')
    .map((keyword) => `${keyword}A1b2C3d4`)
    .join(' ');
const crafted = (size: number): [string, string][] => [
  ['token=x a[…', `token=x ${fill('a[', size - 8)}`],
  ['token a=a=…', `token ${fill('a=', size - 6)}`],
  ['password: ×n', fill('password: ', size)],
  ['{"password": ×n', fill('{"password":', size)],
  ['every keyword', fill(KEYWORDS, size)],
  ['digit groups', fill('1 ', size)],
  ['email starts', fill('a@', size)],
  ['jwt starts', fill('eyJ', size)],
];
const unlimited = createRedactor({
  maxStringLength: Number.POSITIVE_INFINITY,
  maxTotalSize: Number.POSITIVE_INFINITY,
});
const postWith = (body: string) => apiGatewayRestEvent({ body });
for (const kb of [8, 64, 256]) {
  const size = kb * 1024;
  const benignEvent = postWith(benignText(size));
  summary(() => {
    bench(`${kb} KB body: benign`, () => do_not_optimize(JSON.stringify(unlimited(benignEvent)))).baseline(
      true,
    );
    for (const [name, text] of crafted(size)) {
      const event = postWith(text);
      bench(`${kb} KB body: crafted ${name}`, () => do_not_optimize(JSON.stringify(unlimited(event))));
    }
  });
}
