import { createRedactor } from '@lambda-sentinel/redact';
import { eventPaths, freshEvent, payload, payloadPaths } from '/work/wt-redact-speed/bench/redact-inputs.ts';

const which = process.argv[2];
let sink = 0;
if (which === '64kb') {
  const full = createRedactor({ paths: payloadPaths });
  for (let i = 0; i < 6000; i++) sink += JSON.stringify(full(payload)).length;
} else {
  const full = createRedactor({ paths: eventPaths });
  const events = Array.from({ length: 8192 }, freshEvent);
  for (let i = 0; i < 150000; i++) sink += JSON.stringify(full(events[i % 8192])).length;
}
console.log(sink);
