/**
 * The ways a Lambda log line carries a value: in free text, under an
 * innocuous key, under its natural name, inside a JSON body, inside a
 * urlencoded body, in an Error (message, stack and cause), and in base64
 * record data. `exposed()` is everything a reader of the redacted output can
 * see, with every encoding undone.
 */
import type { Random } from './random.ts';

export const PLACEMENTS = [
  'free text',
  'innocuous key',
  'natural key',
  'JSON body',
  'urlencoded body',
  'error',
  'base64 record',
] as const;
export type Placement = (typeof PLACEMENTS)[number];

const SENTENCES: ReadonlyArray<(v: string) => string> = [
  (v) => `calling upstream with ${v} failed (attempt 2)`,
  (v) => `retrying: ${v}`,
  (v) => `config loaded "${v}" from parameter store`,
  (v) => `[${v}] rejected by provider`,
  (v) => `${v}`,
  (v) => `value=${v}; next=2`,
  (v) => `got\n${v}\nfrom env`,
  (v) => `{"event":"configured","detail":"${v}"}`,
];

const INNOCUOUS_KEYS = ['detail', 'note', 'value', 'item', 'text', 'result'];

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function place(placement: Placement, value: string, naturalKey: string, rng: Random): unknown {
  switch (placement) {
    case 'free text':
      return rng.pick(SENTENCES)(value);
    case 'innocuous key':
      return { id: rng.int(1, 9999), [rng.pick(INNOCUOUS_KEYS)]: value };
    case 'natural key':
      return rng.pick([true, false])
        ? { [naturalKey]: value }
        : { environment: { [naturalKey]: value, STAGE: 'prod' } };
    case 'JSON body':
      return {
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          integration: 'provider',
          settings: { [rng.pick(INNOCUOUS_KEYS)]: value },
          enabled: true,
        }),
        isBase64Encoded: false,
      };
    case 'urlencoded body':
      return {
        httpMethod: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `integration=provider&${rng.pick(INNOCUOUS_KEYS)}=${encodeURIComponent(value)}&submit=Save`,
        isBase64Encoded: false,
      };
    case 'error': {
      const error = new Error(`upstream rejected ${value}`, { cause: new Error(`sent ${value}`) });
      return { level: 'error', error };
    }
    case 'base64 record':
      return {
        Records: [
          {
            eventSource: 'aws:kinesis',
            kinesis: {
              partitionKey: 'p-1',
              data: b64(
                rng.pick([true, false])
                  ? JSON.stringify({ msg: 'configured', detail: value })
                  : `configured ${value}`,
              ),
            },
          },
        ],
      };
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Everything a reader could see in `value`: serialised, with JSON, base64 and URL encoding undone. */
export function exposed(value: unknown): string {
  const parts: string[] = [JSON.stringify(value) ?? ''];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 30) return;
    if (typeof v === 'string') {
      parts.push(v);
      try {
        parts.push(decodeURIComponent(v.replaceAll('+', ' ')));
      } catch {}
      const trimmed = v.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          visit(JSON.parse(trimmed), depth + 1);
        } catch {}
      }
      if (v.length >= 8 && v.length % 4 === 0 && BASE64.test(v))
        visit(Buffer.from(v, 'base64').toString('utf8'), depth + 1);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    for (const child of Object.values(v)) visit(child, depth + 1);
  };
  visit(value, 0);
  return parts.join('\n');
}
