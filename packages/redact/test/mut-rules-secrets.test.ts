/**
 * Secret detectors at their edges: PEM blocks (labels, unterminated and repeated blocks),
 * `Bearer`/`Basic` credentials at their length and alphabet limits, passwords in URLs, the
 * anchored formats (found from their literal), and the combined pass over many prefixed token
 * formats, which must mask exactly what the formats' own passes mask.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GROUP_AT } from '../src/detector.ts';
import { createRedactor } from '../src/index.ts';
import { anchoredDetector, SECRET_DETECTOR_FAMILIES } from '../src/secret-detectors.ts';
import { TOKEN_FORMATS, type TokenFormat } from '../src/token-formats.ts';
import { Random } from './corpus/random.ts';
import { SECRET_FORMATS } from './corpus/secrets.ts';
import { runs } from './runs.ts';

const redact = createRedactor();
const counted = (s: string) => redact.withCounts(s);

const BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';

describe('PEM private keys', () => {
  const block = (label: string, body = BODY) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;

  it('masks the body of a private key block, keeping its BEGIN and END lines, and counts it', () => {
    const { value, counts } = counted(`key: ${block('RSA PRIVATE KEY')} done`);
    expect(value).toBe(
      'key: -----BEGIN RSA PRIVATE KEY-----[REDACTED:private-key]-----END RSA PRIVATE KEY----- done',
    );
    expect(counts['private-key']).toBe(1);
  });

  it('masks every block, and a cut-off block to the end', () => {
    const { value, counts } = counted(
      `${block('PRIVATE KEY')} and ${block('EC PRIVATE KEY')} and -----BEGIN PRIVATE KEY-----${BODY}`,
    );
    expect(value).toBe(
      '-----BEGIN PRIVATE KEY-----[REDACTED:private-key]-----END PRIVATE KEY----- and ' +
        '-----BEGIN EC PRIVATE KEY-----[REDACTED:private-key]-----END EC PRIVATE KEY----- and ' +
        '-----BEGIN PRIVATE KEY-----[REDACTED:private-key]',
    );
    expect(counts['private-key']).toBe(3);
  });

  it('leaves a certificate alone, then finds the private key after it', () => {
    const cert = block('CERTIFICATE');
    expect(redact(`${cert} private key follows ${block('PRIVATE KEY')}`)).toBe(
      `${cert} private key follows -----BEGIN PRIVATE KEY-----[REDACTED:private-key]-----END PRIVATE KEY-----`,
    );
  });

  it('the longest label the format allows (40 characters, PRIVATE KEY BLOCK) is read', () => {
    const label = `${'A'.repeat(40)}PRIVATE KEY BLOCK`;
    expect(redact(`-----BEGIN ${label}-----${BODY}`)).toBe(`-----BEGIN ${label}-----[REDACTED:private-key]`);
    expect(redact(`private key -----BEGIN A${label}-----${BODY}`)).not.toContain('[REDACTED:private-key]');
  });

  it('a block cut off before its END line runs to the end, over any BEGIN line in it', () => {
    const { value, counts } = counted(
      `-----BEGIN PRIVATE KEY-----${BODY} -----BEGIN PRIVATE KEY-----${BODY}`,
    );
    expect(value).toBe('-----BEGIN PRIVATE KEY-----[REDACTED:private-key]');
    expect(counts['private-key']).toBe(1);
  });

  it('a BEGIN line with no closing dashes is no block, even when the rest reads as a label', () => {
    expect(redact('-----BEGIN PRIVATE KEY.')).toBe('-----BEGIN PRIVATE KEY.');
  });

  it('a BEGIN line with no closing dashes, then text, is no block', () => {
    const s = 'a private key -----BEGIN PRIVATE KEY and some text';
    expect(redact(s)).toBe(s);
  });

  it('a block whose END line is at the very start of what follows', () => {
    expect(redact('-----BEGIN PRIVATE KEY----------END PRIVATE KEY-----')).toBe(
      '-----BEGIN PRIVATE KEY-----[REDACTED:private-key]-----END PRIVATE KEY-----',
    );
  });
});

describe('Bearer and Basic credentials in prose', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([
    ['Bearer abcdef12 sent', 'Bearer [REDACTED:auth-credential] sent'],
    ['Bearer abcde12 sent', 'Bearer abcde12 sent'], // 7 characters: too short
    ['Bearer abcdefghijklmnopqrst sent', 'Bearer [REDACTED:auth-credential] sent'], // 20 letters
    ['Bearer abcdefghijklmnopqrs sent', 'Bearer abcdefghijklmnopqrs sent'], // 19 letters, no digit
    [`Basic ${b64('user:pass')} sent`, 'Basic [REDACTED:auth-credential] sent'],
    [`Basic ${b64('userpass')} sent`, `Basic ${b64('userpass')} sent`], // no colon inside
    // Not base64 as a whole (a dot at the end or the start): not a Basic credential.
    [`Basic ${b64('user:pass')}.x sent`, `Basic ${b64('user:pass')}.x sent`],
    [`Basic x.${b64('user:pass')} sent`, `Basic x.${b64('user:pass')} sent`],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});

describe('passwords in URLs', () => {
  it('a password already masked is left as it is and not counted again', () => {
    const s = 'postgres://app:[REDACTED]@db.internal:5432/x';
    const { value, counts } = counted(s);
    expect(value).toBe(s);
    expect(counts['url-password']).toBeUndefined();
  });
});

describe('anchored formats (found from their literal)', () => {
  const format: TokenFormat = {
    family: 'demo',
    keywords: ['~q'],
    alphabet: 'A-Za-z0-9',
    pattern: '([a-z]{3})~Q[A-Za-z0-9]{6}',
    anchor: { literal: '~Q', at: 3 },
    shape: 'test',
    accept: (m) => !m.includes('BAD'),
  };
  const detector = anchoredDetector(format, format.anchor!);
  const run = (s: string) => {
    let hits = 0;
    const out = detector.mask(s, () => hits++);
    return [out, hits];
  };

  it('masks each match after its kept group, declines what accept refuses, and counts', () => {
    expect(run('x abc~QAAAAAA y def~QBADxyz z ghi~Q111111')).toEqual([
      'x abc[REDACTED:demo] y def~QBADxyz z ghi[REDACTED:demo]',
      2,
    ]);
    expect(run('nothing here')).toEqual(['nothing here', 0]);
    expect(run('abc~Qshort')).toEqual(['abc~Qshort', 0]);
  });

  it('not glued to a character of the alphabet', () => {
    expect(run('Xabc~QAAAAAA')).toEqual(['Xabc~QAAAAAA', 0]);
    expect(run('-abc~QAAAAAA')).toEqual(['-abc[REDACTED:demo]', 1]);
  });

  it('the real anchored formats', () => {
    const rng = new Random(7);
    for (const family of ['azure-ad-client-secret', 'terraform-cloud', 'mailchimp']) {
      for (const f of SECRET_FORMATS.filter((x) => x.family === family)) {
        const { value, needle } = f.make(rng);
        const out = redact(`token ${value} end`) as string;
        expect(out, family).not.toContain(needle);
        expect(out, family).toContain(`[REDACTED:${family}]`);
      }
    }
  });
});

describe('every format, bare in prose', () => {
  it('every sample of every format is masked; a URL keeps its host and path', () => {
    const rng = new Random(5);
    for (const f of SECRET_FORMATS) {
      const { value, needle } = f.make(rng);
      expect(redact(`got ${value} here`), `${f.family} ${f.variant}`).not.toContain(needle);
    }
    const hook = SECRET_FORMATS.find((f) => f.family === 'discord-webhook')!.make(rng);
    expect(redact(hook.value)).toBe(
      `${hook.value.slice(0, hook.value.length - hook.needle.length)}[REDACTED:discord-webhook]`,
    );
  });

  it('a 40-character hex hash is no AWS secret key (it lacks the mix of cases)', () => {
    const s = 'commit 3f786850e387550fdab836ed7e6dc881de23001b merged';
    expect(redact(s)).toBe(s);
  });
});

describe('formats with no keyword, found by a text feature', () => {
  it.each(['aws-secret-key'])('%s, bare in prose', (family) => {
    const rng = new Random(3);
    for (const f of SECRET_FORMATS.filter((x) => x.family === family)) {
      for (let i = 0; i < 5; i++) {
        const { value, needle } = f.make(rng);
        expect(redact(`got ${value} here`)).not.toContain(needle);
      }
    }
  });

  it('a Discord bot token', () => {
    expect(redact('bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs ok')).toBe(
      'bot [REDACTED:discord-bot-token] ok',
    );
  });
});

describe('the combined pass over many prefixed formats', () => {
  const grouped = new Set(
    (TOKEN_FORMATS as readonly TokenFormat[])
      .filter((f) => f.keywords.length > 0 && !f.leadingClass)
      .map((f) => f.family),
  );
  const formats = SECRET_FORMATS.filter((f) => grouped.has(f.family));
  const rng = new Random(11);
  const samples = formats.flatMap((f) => [0, 1].map(() => ({ family: f.family, ...f.make(rng) })));

  it('is a real group: these families are all secret detectors', () => {
    expect(grouped.size).toBeGreaterThan(GROUP_AT);
    for (const family of grouped) expect(SECRET_DETECTOR_FAMILIES).toContain(family);
  });

  it('a token glued to a word, with another token inside it, leaks no more with many formats than with one', () => {
    // Bug found by the property below: the combined pass skipped a glued match whole, so the
    // Slack token after `xoxe.` stayed readable once six or more prefixed formats were candidates.
    const slack = `xoxp-1-${'a1B2c3D4e5'.repeat(3)}`;
    const glued = `idxoxe.${slack}`;
    expect(redact(glued)).toBe('idxoxe.[REDACTED:slack-token]');
    const many = [...new Map(samples.map((x) => [x.family, x.value])).values()].slice(0, GROUP_AT * 2);
    const out = redact([glued, ...many].join(' ')) as string;
    expect(out).not.toContain(slack);
    expect(out.startsWith('idxoxe.[REDACTED:slack-token] ')).toBe(true);
  });

  it('masks what each format masks alone, glued or not, with the same counts', () => {
    const piece = fc.tuple(fc.constantFrom(...samples), fc.constantFrom('', '', 'x', '\\n', '-', '='));
    fc.assert(
      fc.property(fc.array(piece, { minLength: GROUP_AT + 2, maxLength: GROUP_AT + 6 }), (pieces) => {
        const texts = pieces.map(([sample, glue]) => `${glue}${sample.value}`);
        const alone = texts.map((t) => counted(t));
        // One piece per line: a line break ends a pair's gap, so a piece ending in a name and the
        // next starting with `=` do not make a `name = value` pair across pieces (which a space
        // did, masking more together than alone, a failure of the model, not of the redactor).
        const together = counted(texts.join('\n'));
        expect(together.value).toBe(alone.map((r) => r.value).join('\n'));
        const sum: Record<string, number> = {};
        for (const r of alone) for (const [k, v] of Object.entries(r.counts)) sum[k] = (sum[k] ?? 0) + v;
        expect(together.counts).toEqual(sum);
      }),
      { numRuns: runs(150) },
    );
  });
});
