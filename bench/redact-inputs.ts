// The redact suite's inputs, shared by the mitata suite (suites/redact.ts) and the interleaved
// ratio script (redact-ratios.ts), so both measure exactly the same values.
import { apiGatewayRestEvent } from './lambda-env.ts';

// A realistic ~2 KB API Gateway REST event with a JSON body and a bearer token.
export const event = apiGatewayRestEvent({
  body: JSON.stringify({
    orderId: 'ord-7f3a2c',
    items: [
      { sku: 'UNICORN-HORN-GOLD', qty: 1, price: 49.99 },
      { sku: 'UNICORN-SOCKS-RAINBOW', qty: 2, price: 9.5 },
    ],
    note: 'leave at the door',
  }),
});
export const eventPaths = [
  'headers.Authorization',
  'multiValueHeaders.Authorization',
  'requestContext.identity.apiKey',
];

// A ~64 KB payload: a page of orders with customer and payment details.
export const payload = {
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
export const payloadPaths = [
  'orders[*].customer.password',
  'orders[*].payment.card',
  'orders[*].payment.token',
];

const sizes = { event: JSON.stringify(event).length, payload: JSON.stringify(payload).length };
if (sizes.event < 1800 || sizes.event > 2800 || sizes.payload < 60_000 || sizes.payload > 70_000) {
  throw new Error(`redact bench: unexpected sizes ${JSON.stringify(sizes)}`);
}

const hex = (n: number) =>
  Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const template = JSON.stringify(event);

/**
 * The 2 KB event as Lambda delivers it: freshly parsed JSON with its own request id, extended
 * request id and trace id (values no cache has seen), the rest as in `event`.
 */
export function freshEvent(): typeof event {
  const fresh = JSON.parse(template) as typeof event;
  const requestId = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  const traceId = `Root=1-${hex(8)}-${hex(24)}`;
  fresh.requestContext.requestId = requestId;
  fresh.requestContext.extendedRequestId = `${hex(12)}=`;
  fresh.headers['X-Amzn-Trace-Id'] = traceId;
  fresh.multiValueHeaders['X-Amzn-Trace-Id'] = [traceId];
  return fresh;
}

// Worst case vs benign: a POST event whose body is benign log text or a crafted input of the same
// size, at 8, 64 and 256 KB. The crafted inputs are the (the quadratic `token=x a[…` and
// the stack-overflowing `token a=a=…`) and the ones that make each part of the engine work
// hardest: every separator a secret pair, every keyword of the prefilter, digit runs, email and
// JWT starts.
export function benignText(size: number): string {
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
export const crafted = (size: number): [string, string][] => [
  ['token=x a[…', `token=x ${fill('a[', size - 8)}`],
  ['token a=a=…', `token ${fill('a=', size - 6)}`],
  ['password: ×n', fill('password: ', size)],
  ['{"password": ×n', fill('{"password":', size)],
  ['every keyword', fill(KEYWORDS, size)],
  ['digit groups', fill('1 ', size)],
  ['email starts', fill('a@', size)],
  ['jwt starts', fill('eyJ', size)],
];
export const postWith = (body: string) => apiGatewayRestEvent({ body });

/**
 * Redactor options for the worst-case-vs-benign bodies: no string or total size limit, so the whole
 * body is scanned (the default limit would cut 256 KB bodies to their first 64 KB and hide the scan).
 */
export const unlimitedOptions = {
  maxStringLength: Number.POSITIVE_INFINITY,
  maxTotalSize: Number.POSITIVE_INFINITY,
} as const;
