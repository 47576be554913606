// @lambda-sentinel/redact against the floor (plain JSON.stringify) and the path redactors pino uses
// (fast-redact, @pinojs/redact), like with like: every case ends in the serialised log line.
// - keys+paths: key rules + the same paths, no detectors, no decoding of encoded payloads.
// - full: defaults (key rules, every detector, email/card PII, JSON/form/base64 decoding).

import { createRedactor } from '@lambda-sentinel/redact';
import redactPino from '@pinojs/redact';
// @ts-expect-error fast-redact ships no type declarations
import fastRedact from 'fast-redact';
import { bench, do_not_optimize, summary } from 'mitata';
import {
  benignText,
  crafted,
  event,
  eventPaths,
  payload,
  payloadPaths,
  postWith,
  unlimitedOptions,
} from '../redact-inputs.ts';

const CENSOR = '[REDACTED]';

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

// Worst case vs benign (inputs in ../redact-inputs.ts), with no size limits: the whole body is scanned.
const unlimited = createRedactor(unlimitedOptions);
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
