// Everything capture parses comes from outside: trace headers from the
// caller, URLs and SQL from the handler (and so from its input), error
// messages and stacks from drivers. Each parser is total (never throws),
// keeps nothing it must drop, and runs in linear time on hostile input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorStatus, outcomeOfStatus, responseStatus } from '../src/outcome.ts';
import { maskQuotedLiterals, sanitizeSql } from '../src/sanitize-sql.ts';
import { sanitizeUrl } from '../src/sanitize-url.ts';
import { parseTraceHeader } from '../src/trace-header.ts';
import { xrayCause } from '../src/xray/cause.ts';
import { testRedactor } from './redactor.ts';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';

/** Best of three runs, in ms: one slow run on a loaded machine is not the parser. */
function fastest(fn: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Crafted input costs at most `ratio` times benign input of the same size (plus a floor for timer noise). */
function expectLinear(crafted: () => unknown, benign: () => unknown, ratio = 5): void {
  const craftedMs = fastest(crafted);
  const benignMs = fastest(benign);
  expect(craftedMs, `crafted ${craftedMs.toFixed(1)} ms vs benign ${benignMs.toFixed(1)} ms`).toBeLessThan(
    Math.max(benignMs * ratio, 50),
  );
}

describe('parseTraceHeader', () => {
  it('reads Root, Parent and Sampled, in any order, with spaces and extra fields', () => {
    expect(parseTraceHeader(`Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`)).toEqual({
      root: ROOT,
      parent: '53995c3f42cd8ad8',
      sampled: true,
    });
    expect(
      parseTraceHeader(` Sampled=0 ; Lineage=a87bd80c:0 ; Parent=53995c3f42cd8ad8 ;Root=${ROOT}`),
    ).toEqual({
      root: ROOT,
      parent: '53995c3f42cd8ad8',
      sampled: false,
    });
  });

  it('refuses what cannot be attached to: no Parent, malformed ids, oversized, not a string', () => {
    for (const header of [
      `Root=${ROOT};Sampled=1`,
      `Root=${ROOT};Parent=53995C3F42CD8AD8;Sampled=1`,
      `Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8`,
      `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1;${'x'.repeat(1024)}`,
      '',
      undefined,
      42 as never,
    ]) {
      expect(parseTraceHeader(header)).toBeUndefined();
    }
  });

  it('never throws, and whatever it accepts is well formed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(
              'Root=',
              'Parent=',
              'Sampled=',
              ';',
              '=',
              ' ',
              ROOT,
              '53995c3f42cd8ad8',
              '1',
              '0',
            ),
            fc.string({ maxLength: 40 }),
          ),
          { maxLength: 60 },
        ),
        (parts) => {
          const parsed = parseTraceHeader(parts.join(''));
          if (parsed) {
            expect(parsed.root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
            expect(parsed.parent).toMatch(/^[0-9a-f]{16}$/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('costs nothing on a megabyte of separators', () => {
    const huge = ';='.repeat(512 * 1024);
    expect(fastest(() => parseTraceHeader(huge))).toBeLessThan(5);
    const atLimit = `Root=${ROOT};Parent=53995c3f42cd8ad8;${';=;'.repeat(300)}`;
    expect(parseTraceHeader(atLimit)?.parent).toBe('53995c3f42cd8ad8');
  });
});

describe('sanitizeUrl', () => {
  it('keeps scheme, host, port and path; drops credentials, query and fragment', () => {
    expect(
      sanitizeUrl('https://user:pa55@api.example.com:8443/v1/orders/42?token=abc#frag', testRedactor),
    ).toBe('https://api.example.com:8443/v1/orders/42');
  });

  it('redacts path segments that read like credentials, and keeps ids that do not', () => {
    const slack = 'https://hooks.example.com/services/T00000000/B00000000/Xq7RtY2uP9wK3mN8vB4cL1dF';
    expect(sanitizeUrl(slack, testRedactor)).toBe(
      'https://hooks.example.com/services/T00000000/B00000000/[REDACTED]',
    );
    const discord = `https://discord.example/api/webhooks/123456789012345678/${'aB3'.repeat(22)}`;
    expect(sanitizeUrl(discord, testRedactor)).toBe(
      'https://discord.example/api/webhooks/123456789012345678/[REDACTED]',
    );
    const benign =
      'https://s3.amazonaws.com/bucket/2026-12-01/5f0c6e1a-8d3b-4c6e-9a1f-3b2d7e8c9f10/report_final.pdf';
    expect(sanitizeUrl(benign, testRedactor)).toBe(benign);
    expect(sanitizeUrl('https://example.com/users/jane@example.com/avatar', testRedactor)).not.toContain(
      'jane@example.com',
    );
  });

  it('never throws, never keeps a query, a fragment or user information', () => {
    fc.assert(
      fc.property(
        fc.webUrl({
          withQueryParameters: true,
          withFragments: true,
          authoritySettings: { withUserInfo: true },
        }),
        (url) => {
          const clean = sanitizeUrl(url, testRedactor);
          if (clean === undefined) return;
          const parsed = new URL(url);
          expect(clean).not.toContain('?');
          expect(clean).not.toContain('#');
          if (parsed.password) expect(clean).not.toContain(`:${parsed.password}@`);
          expect(clean.startsWith(`${parsed.protocol}//${parsed.host}`)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(sanitizeUrl('not a url', testRedactor)).toBeUndefined();
  });

  it('is linear in the path: 256 KB of crafted segments cost what plain ones do', () => {
    const size = 256 * 1024;
    const crafted = `https://example.com/${'aA1%'.repeat(size / 4)}`;
    const tokens = `https://example.com/${'aB3cD4eF5gH6iJ7kL8mN9/'.repeat(size / 22)}`;
    const benign = `https://example.com/${'plain/'.repeat(size / 6)}`;
    expectLinear(
      () => sanitizeUrl(crafted, testRedactor),
      () => sanitizeUrl(benign, testRedactor),
    );
    expectLinear(
      () => sanitizeUrl(tokens, testRedactor),
      () => sanitizeUrl(benign, testRedactor),
    );
  });
});

describe('maskQuotedLiterals', () => {
  it('replaces the values a driver echoes, keeps the rest of the sentence', () => {
    expect(maskQuotedLiterals("Duplicate entry 'jane@example.com' for key 'users.email'")).toBe(
      'Duplicate entry ? for key ?',
    );
    expect(maskQuotedLiterals('near "hunter2" at line 1')).toBe('near ? at line 1');
    expect(maskQuotedLiterals("unterminated 'secret")).toBe('unterminated ?');
  });

  it('leaves no quoted value behind, whatever the quotes and escapes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            text: fc.stringMatching(/^[a-z ]{0,12}$/),
            value: fc.stringMatching(/^[A-Z0-9]{4,12}$/),
            quote: fc.constantFrom("'", '"'),
          }),
          { maxLength: 20 },
        ),
        (parts) => {
          const message = parts.map((p) => `${p.text}${p.quote}${p.value}${p.quote}`).join(' ');
          const masked = maskQuotedLiterals(message);
          for (const part of parts) expect(masked).not.toContain(part.value);
        },
      ),
    );
  });

  it('is linear on 256 KB of quotes and backslashes, as sanitizeSql is', () => {
    const size = 256 * 1024;
    const crafted = `'\\${"''".repeat(size / 2)}`;
    const benign = 'a'.repeat(size);
    expectLinear(
      () => maskQuotedLiterals(crafted),
      () => maskQuotedLiterals(benign),
    );
    expectLinear(
      () => sanitizeSql(crafted),
      () => sanitizeSql(benign),
    );
  });
});

describe('xrayCause', () => {
  it('parses V8 stack frames, links the cause chain, and caps both', () => {
    const cause = xrayCause({
      name: 'Error',
      message: 'outer',
      stack: 'Error: outer\n    at handler (file:///var/task/index.mjs:10:5)\n    at /var/task/lib.js:3:1',
      cause: { name: 'TypeError', message: 'inner' },
    });
    expect(cause.exceptions).toHaveLength(2);
    expect(cause.exceptions[0]?.stack).toEqual([
      { label: 'handler', path: 'file:///var/task/index.mjs', line: 10 },
      { label: 'anonymous', path: '/var/task/lib.js', line: 3 },
    ]);
    expect(cause.exceptions[0]?.cause).toBe(cause.exceptions[1]?.id);
    const deep = { name: 'E', message: 'x' } as Parameters<typeof xrayCause>[0];
    let tail = deep;
    for (let i = 0; i < 20; i++) tail = tail.cause = { name: 'E', message: String(i) };
    expect(xrayCause(deep).exceptions).toHaveLength(6);
  });

  it('keeps at most 50 frames of a megabyte-long stack, quickly', () => {
    const stack = `Error: x\n${'    at f (/a.js:1:1)\n'.repeat(50_000)}`;
    let frames = 0;
    expect(
      fastest(
        () => (frames = xrayCause({ name: 'E', message: 'x', stack }).exceptions[0]?.stack?.length ?? 0),
      ),
    ).toBeLessThan(200);
    expect(frames).toBe(50);
  });
});

describe('outcomes', () => {
  it('reads statuses as X-Ray does: 429 throttle, 4xx error, 5xx fault', () => {
    expect([200, 301, 400, 403, 429, 499, 500, 503, 599, 600].map(outcomeOfStatus)).toEqual([
      'ok',
      'ok',
      'error',
      'error',
      'throttle',
      'error',
      'fault',
      'fault',
      'fault',
      'ok',
    ]);
    expect(outcomeOfStatus(undefined)).toBe('ok');
  });

  it('finds the status of a response or an error, and nothing in anything else', () => {
    expect(responseStatus({ statusCode: 404 })).toBe(404);
    expect(responseStatus({ statusCode: '404' })).toBeUndefined();
    expect(responseStatus('ok')).toBeUndefined();
    expect(errorStatus(Object.assign(new Error('x'), { statusCode: 422 }))).toBe(422);
    expect(errorStatus(Object.assign(new Error('x'), { status: 409 }))).toBe(409);
    expect(errorStatus(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 400 } }))).toBe(400);
    expect(errorStatus(new Error('Unauthorized'))).toBe(401);
    expect(errorStatus(new Error('boom'))).toBeUndefined();
    expect(errorStatus(null)).toBeUndefined();
  });
});
