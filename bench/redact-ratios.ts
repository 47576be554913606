// `node bench/redact-ratios.ts [case…] [--rounds N] [--ms M] [--redact DIR]`: the redact suite's ratios measured
// INTERLEAVED, for a shared, noisy machine. Each round times the two cases of a pair back to back
// (same iteration count, about M ms each, order alternating between rounds); the figure is the
// median of the per-round ratios with its quartiles, plus the ratio of each side's fastest round.
// Rounds are short (2 ms by default, 200 of them) so that most run without being preempted: a
// round another process interrupts is an outlier the median ignores, where a sequential run of
// each case moves by ±20 % with the load.
// Cases: 2kb (the bench event, repeated), fresh (2 KB events as Lambda delivers them: fresh JSON,
// unique ids), 64kb (the payload), keyspaths (key rules and paths only, 2 KB and 64 KB), crafted (worst crafted body vs benign at 8/64/256 KB;
// crafted-all prints every crafted input). --redact DIR measures another copy of the package's
// src (say an older commit's, `git archive <commit> packages/redact/src`) for before/after figures.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRedactor as installed } from '@lambda-sentinel/redact';
import {
  benignText,
  crafted,
  event,
  eventPaths,
  freshEvent,
  payload,
  payloadPaths,
  postWith,
  unlimitedOptions,
} from './redact-inputs.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '200' },
    ms: { type: 'string', default: '2' },
    // Another copy of packages/redact/src (an older commit's, for before/after figures).
    redact: { type: 'string' },
  },
});
const createRedactor: typeof installed =
  values.redact === undefined
    ? installed
    : (
        (await import(pathToFileURL(resolve(values.redact, 'index.ts')).href)) as {
          createRedactor: typeof installed;
        }
      ).createRedactor;
const rounds = Number(values.rounds);
const halfMs = Number(values.ms);
const wanted = new Set(positionals.length > 0 ? positionals : ['2kb', 'fresh', '64kb', 'crafted']);

let sink = 0;
const now = () => performance.now();

/** Iterations of `fn(i)` that take about `halfMs`. */
function calibrate(fn: (i: number) => void): number {
  let n = 1;
  for (;;) {
    const start = now();
    for (let i = 0; i < n; i++) fn(i);
    const took = now() - start;
    if (took >= halfMs / 4) return Math.max(1, Math.round((n * halfMs) / took));
    n *= 2;
  }
}

const quantile = (sorted: number[], q: number) => {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.ceil(pos)]! - sorted[lo]!) * (pos - lo);
};

/**
 * Median ratio subject/floor over `rounds` rounds. `prepare(n)` runs before each round of n
 * iterations, outside the timing; both halves get the same iteration indices, so the same inputs.
 */
function ratio(
  floor: (i: number) => void,
  subject: (i: number) => void,
  prepare?: (n: number) => void,
): { median: number; q1: number; q3: number; best: number; floorUs: number; subjectUs: number } {
  prepare?.(64);
  // Warm-up: JIT both sides and let the caches fill as they would in a warm Lambda.
  for (let w = 0; w < 3; w++) {
    const n = calibrate(floor);
    prepare?.(n);
    for (let i = 0; i < n; i++) subject(i);
  }
  const n = Math.max(1, calibrate(floor));
  const ratios: number[] = [];
  const floors: number[] = [];
  const subjects: number[] = [];
  // The fastest half of each side: what the code costs when nothing else interferes.
  let minA = Number.POSITIVE_INFINITY;
  let minB = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    prepare?.(n);
    const time = (fn: (i: number) => void) => {
      const start = now();
      for (let i = 0; i < n; i++) fn(i);
      return now() - start;
    };
    let a: number;
    let b: number;
    if (r % 2 === 0) {
      a = time(floor);
      b = time(subject);
    } else {
      b = time(subject);
      a = time(floor);
    }
    minA = Math.min(minA, a);
    minB = Math.min(minB, b);
    ratios.push(b / a);
    floors.push((a * 1000) / n);
    subjects.push((b * 1000) / n);
  }
  ratios.sort((x, y) => x - y);
  floors.sort((x, y) => x - y);
  subjects.sort((x, y) => x - y);
  return {
    median: quantile(ratios, 0.5),
    q1: quantile(ratios, 0.25),
    q3: quantile(ratios, 0.75),
    best: minB / minA,
    floorUs: quantile(floors, 0.5),
    subjectUs: quantile(subjects, 0.5),
  };
}

const fmt = (x: number) => x.toFixed(2);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const report = (label: string, r: ReturnType<typeof ratio>) =>
  console.log(
    `${label.padEnd(40)} ${fmt(r.median)}x (q ${fmt(r.q1)}-${fmt(r.q3)}; fastest halves ${fmt(r.best)}x)  ` +
      `${r.subjectUs.toFixed(1)} vs ${r.floorUs.toFixed(1)} us  load ${load()}`,
  );

console.log(
  `${values.redact ?? 'packages/redact'}: interleaved, ${rounds} rounds, ~${halfMs} ms per half; load at start ${load()}`,
);
if (wanted.has('2kb')) {
  const full = createRedactor({ paths: eventPaths });
  report(
    '2 KB event, repeated: full vs stringify',
    ratio(
      () => {
        sink += JSON.stringify(event).length;
      },
      () => {
        sink += JSON.stringify(full(event)).length;
      },
    ),
  );
}
if (wanted.has('fresh')) {
  const full = createRedactor({ paths: eventPaths });
  // A pool larger than the redactor's cache of unchanged values (4,096 strings, three new ones per
  // event), each event used once per pass: ids come back only after the cache has forgotten them.
  // Built once, so no round pays for parsing or promoting its inputs.
  const events = Array.from({ length: 8192 }, freshEvent);
  let base = 0;
  const at = (i: number) => events[(base + i) % events.length]!;
  report(
    '2 KB events, fresh: full vs stringify',
    ratio(
      (i) => {
        sink += JSON.stringify(at(i)).length;
      },
      (i) => {
        sink += JSON.stringify(full(at(i))).length;
      },
      (n) => {
        base += n;
      },
    ),
  );
}
if (wanted.has('64kb')) {
  const full = createRedactor({ paths: payloadPaths });
  report(
    '64 KB payload: full vs stringify',
    ratio(
      () => {
        sink += JSON.stringify(payload).length;
      },
      () => {
        sink += JSON.stringify(full(payload)).length;
      },
    ),
  );
}
if (wanted.has('keyspaths')) {
  // Key rules and paths only (no detectors, no decoding), as the mitata suite's keys+paths case.
  for (const [label, input, paths] of [
    ['2 KB event, repeated', event, eventPaths],
    ['64 KB payload', payload, payloadPaths],
  ] as const) {
    const keysPaths = createRedactor({
      paths: [...paths],
      detectors: false,
      pii: false,
      parseEncoded: false,
    });
    report(
      `${label}: keys+paths vs stringify`,
      ratio(
        () => {
          sink += JSON.stringify(input).length;
        },
        () => {
          sink += JSON.stringify(keysPaths(input)).length;
        },
      ),
    );
  }
}
if (wanted.has('crafted')) {
  const unlimited = createRedactor(unlimitedOptions);
  for (const kb of [8, 64, 256]) {
    const size = kb * 1024;
    const benign = postWith(benignText(size));
    let worst: { name: string; r: ReturnType<typeof ratio> } | undefined;
    for (const [name, text] of crafted(size)) {
      const hostile = postWith(text);
      const r = ratio(
        () => {
          sink += JSON.stringify(unlimited(benign)).length;
        },
        () => {
          sink += JSON.stringify(unlimited(hostile)).length;
        },
      );
      if (positionals.includes('crafted-all')) report(`  ${kb} KB ${name}`, r);
      if (worst === undefined || r.median > worst.r.median) worst = { name, r };
    }
    report(`${kb} KB body: worst crafted (${worst!.name}) vs benign`, worst!.r);
  }
}
if (sink === 42) console.log(''); // keep the results alive
