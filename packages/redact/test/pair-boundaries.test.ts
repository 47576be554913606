/**
 * Where a `name=value` / `name: value` pair in text ends, pinned case by case: the delimiters that
 * close a value (and the same characters inside a value, which do not), quoted and JSON-escaped
 * values, gaps around the separator, and names written with percent-escapes. Mutation testing found
 * these boundaries exercised only by the corpus, where a wrong boundary still masks enough to pass.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const M = '[REDACTED:secret-param]';

describe('an unquoted value ends', () => {
  it.each([
    ['at ; or , before the next pair', 'a password=hunter2-Q7;user=bob', `a password=${M};user=bob`],
    [
      'at , before a pair with spaces around its =',
      'a password=hunter2-Q7,  user = bob',
      `a password=${M},  user = bob`,
    ],
    ['at ; before whitespace', 'a password=hunter2-Q7; next', `a password=${M}; next`],
    ['at ; at the end', 'a password=hunter2-Q7;', `a password=${M};`],
    ['at a tab', 'a\tpassword=hunter2-Q7\tend', `a\tpassword=${M}\tend`],
    ['at &', 'a password=hunter2-Q7&user=bob', `a password=${M}&user=bob`],
    ['at a closing ) ] } > or quote followed by a delimiter', 'a (password=hunter2-Q7)', `a (password=${M})`],
    ['at } before a space', 'a {password=hunter2-Q7} end', `a {password=${M}} end`],
    ['at > before a space', 'a password=hunter2-Q7> end', `a password=${M}> end`],
    ['at a quote before a space', 'a password=hunter2-Q7" end', `a password=${M}" end`],
    ['at a closing tag', 'a password=hunter2-Q7</config>', `a password=${M}</config>`],
    ['at a JSON-escaped newline', 'a password=hunter2-Q7\\nnext', `a password=${M}\\nnext`],
    ['at a JSON-escaped quote', 'a password=hunter2-Q7\\"}', `a password=${M}\\"}`],
    [
      'at a JSON-escaped tab or return',
      'a password=hunter2\\tQ7 b password=hunter3\\rQ7',
      `a password=${M}\\tQ7 b password=${M}\\rQ7`,
    ],
  ])('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });

  it.each([
    ['; or , inside the value', 'a password=pa;ss,wo-Q7x rest', `a password=${M} rest`],
    [', followed by a word that is not a pair', 'a password=hunter2-Q7,user', `a password=${M}`],
    [') inside the value', 'a password=hun)ter2-Q7 end', `a password=${M} end`],
    ['a backslash that is no JSON escape', 'a password=hunter2\\xQ7 end', `a password=${M} end`],
  ])('not at %s: the whole value is masked', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe('a quoted value ends', () => {
  it.each([
    [
      'at its closing quote, escapes skipped',
      'a password="hun\\"ter2-Q7" user=bob',
      `a password="${M}" user=bob`,
    ],
    ['at the line end when unclosed', 'a password="hunter2-Q7\nsecond line', `a password="${M}\nsecond line`],
    ['at the end of the text when unclosed', "a password='hunter2-Q7", `a password='${M}`],
    [
      'at an escaped quote inside JSON-encoded text',
      'j {\\"password\\":\\"hunter2-Q7\\",\\"user\\":\\"bob\\"}',
      `j {\\"password\\":\\"${M}\\",\\"user\\":\\"bob\\"}`,
    ],
    [
      'at an escaped newline inside JSON-encoded text',
      'j {\\"password\\":\\"hunter2-Q7\\nrest\\"}',
      `j {\\"password\\":\\"${M}\\nrest\\"}`,
    ],
    ['before a colon that follows it', 'a password="hunter2-Q7": next', `a password="${M}": next`],
  ])('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe('the separator and the name', () => {
  it.each([
    ['spaces around :', 'a password   :   hunter2-Q7 end', `a password   :   ${M} end`],
    [':=', 'a password:=hunter2-Q7 end', `a password:=${M} end`],
    ['=>', 'a password=>hunter2-Q7 end', `a password=>${M} end`],
    ['a percent-escaped name', 'a pass%77ord=hunter2-Q7 end', `a pass%77ord=${M} end`],
  ])('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });

  it('keeps a pair whose name is a malformed percent-escape (it names nothing secret)', () => {
    const text = 'a pass%E0%A4%Aord=plain-value end';
    expect(redact.redactString(text)).toBe(text);
  });
});

describe('many provider tokens in one string', () => {
  it('masks each, counted by family, when enough prefixes meet to take the one-pass route', () => {
    const tokens = [
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB',
      'glpat-xxxxxxxxxxxxxxxxxxxx',
      'npm_abcdefghijklmnopqrstuvwxyz0123456789',
      'xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx',
      'SG.aaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      'AKIAIOSFODNN7EXAMPLE',
    ];
    const { value, counts } = redact.withCounts(`keys: ${tokens.join(' and ')}; ok`);
    expect(value).toBe(
      'keys: [REDACTED:stripe] and [REDACTED:github-token] and [REDACTED:gitlab-token] and [REDACTED:npm] and ' +
        '[REDACTED:slack-token] and [REDACTED:sendgrid] and [REDACTED:aws-access-key]; ok',
    );
    expect(counts).toEqual({
      stripe: 1,
      'github-token': 1,
      'gitlab-token': 1,
      npm: 1,
      'slack-token': 1,
      sendgrid: 1,
      'aws-access-key': 1,
    });
  });

  it('leaves a token glued to a word character before it, and masks the same token standing alone', () => {
    const glued = `prefixes: xsk_live_4eC39HqLyjWDarjtT1zdp7dc ghp_1234567890abcdefghijklmnopqrstuvwxyzAB glpat-xxxxxxxxxxxxxxxxxxxx npm_abcdefghijklmnopqrstuvwxyz0123456789 xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx AKIAIOSFODNN7EXAMPLE`;
    const out = redact.redactString(glued);
    expect(out).toContain('xsk_live_4eC39HqLyjWDarjtT1zdp7dc');
    expect(out).not.toContain('ghp_1234567890');
  });
});

describe('characters at the edges of a pair', () => {
  it.each([
    ['a no-break space', '\u00a0'],
    ['a line separator', '\u2028'],
    ['a paragraph separator', '\u2029'],
    ['an ideographic space', '\u3000'],
    ['a carriage return', '\r'],
    ['a vertical tab', '\u000b'],
    ['a form feed', '\f'],
  ])('an unquoted value ends at %s', (_, space) => {
    expect(redact.redactString(`a password=hunter2-Q7${space}next`)).toBe(`a password=${M}${space}next`);
  });

  it.each([
    ['dotted', 'app.db.password'],
    ['bracketed', 'config[password]'],
    ['snake', 'pass_word'],
    ['kebab', 'db-password'],
  ])('a %s name is one name', (_, name) => {
    expect(redact.redactString(`a ${name}=hunter2-Q7 b`)).toBe(`a ${name}=${M} b`);
  });

  it.each([
    ['tabs', 'password \t= hunter2-Q7'],
    ['no-break spaces', 'password\u00a0=\u00a0hunter2-Q7'],
  ])('%s may stand around the separator', (_, pair) => {
    expect(redact.redactString(`a ${pair} b`)).toBe(`a ${pair.replace('hunter2-Q7', M)} b`);
  });

  it('reads a long base64 run ending in = as a padded token, not as a name', () => {
    for (const text of [
      'sig AbcdToken1234567890xyzQ= next',
      'key=AbcdToken1234567890xyzQ= tail',
      'sig AbcdToken1234567890xyzQ== in the log',
    ]) {
      expect(redact.redactString(text)).toBe(text);
    }
  });
});
