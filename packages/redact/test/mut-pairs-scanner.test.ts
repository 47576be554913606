/**
 * The pair scanner's boundaries that its mutation run found unchecked: which character closes a
 * value after `)` `]` `}` or a quote, the look-ahead for a next pair after `;` and `,`, the gap
 * limits (MAX_GAP) and the name limit (MAX_NAME), the padded-base64 rule, other detectors' markers,
 * the families of personal-data names, and what `keepInText` keeps.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';
import { KEY_NAME, KEY_PLAIN, KEY_SECRET, KEY_SECRET_NUMERIC, KEY_SSN } from '../src/key-rules.ts';
import { keepInText } from '../src/pair-parser.ts';

const redact = createRedactor();
const M = '[REDACTED:secret-param]';
const GH = 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';

const table = <Row extends [string, string] | [string, string, string]>(rows: Row[]) => rows;

describe('where an unquoted value ends', () => {
  it.each(
    table([
      ['a control character is part of the value', 'a password=abc\u0001def end', `a password=${M} end`],
      [') before ,', 'f(password=abc), next', `f(password=${M}), next`],
      [') before ;', 'f(password=abc); next', `f(password=${M}); next`],
      ['a quote before :', 'a password=abc": x', `a password=${M}": x`],
      [') before )', '(f(password=abc)) x', `(f(password=${M})) x`],
      [') before ]', '[f(password=abc)] x', `[f(password=${M})] x`],
      [') before }', '{f(password=abc)} x', `{f(password=${M})} x`],
      [') before &', 'x (password=abc)&y=1', `x (password=${M})&y=1`],
      [') before an escaped newline', 'msg (password=abc)\\n next', `msg (password=${M})\\n next`],
      [') before an escaped quote', 'msg (password=abc)\\" next', `msg (password=${M})\\" next`],
      ['an escaped backslash', 'a password=abc\\\\def x', `a password=${M}\\\\def x`],
      ['a slash is part of the value', 'a password=ab/cd x', `a password=${M} x`],
      ['a backslash first is part of the value', 'a password=\\abc def', `a password=${M} def`],
      ['a quote second is part of the value', 'a password=x"yz abc', `a password=${M} abc`],
    ]),
  )('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe('where a quoted value ends', () => {
  it.each(
    table([
      ['at a carriage return', 'a password="abc\rdef" x', `a password="${M}\rdef" x`],
      [
        'not at an escaped tab in JSON-encoded text',
        '{\\"password\\":\\"ab\\tcd\\"}',
        `{\\"password\\":\\"${M}\\"}`,
      ],
      [
        'at its quote, a credential with spaces masked whole',
        '"Authorization": "Token abc def"',
        `"Authorization": "Token ${M}"`,
      ],
    ]),
  )('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });

  it('leaves a quoted bare scheme word', () => {
    expect(redact.redactString('"Authorization": "Bearer"')).toBe('"Authorization": "Bearer"');
  });
});

describe('after ; or , a next pair ends the value', () => {
  it.each(
    table([
      ['a short name', 'a password=abc;ab=1', `a password=${M};ab=1`],
      ['a name, a space, =', 'a password=abc;user =bob', `a password=${M};user =bob`],
      ['a name, three spaces, =', 'a password=abc;user   =bob', `a password=${M};user   =bob`],
      ['a name and :', 'a password=abc;user:bob', `a password=${M};user:bob`],
      [
        'a name of MAX_NAME (128) characters',
        `a password=abc;${'n'.repeat(128)}=1`,
        `a password=${M};${'n'.repeat(128)}=1`,
      ],
      ['far into the text', `${'x'.repeat(130)} password=abc;b=1`, `${'x'.repeat(130)} password=${M};b=1`],
    ]),
  )('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });

  it.each(
    table([
      ['no name before =', 'a password=abc;=def x', `a password=${M} x`],
      ['a character that is no name', 'a password=ab;#cd x', `a password=${M} x`],
      ['four spaces before =', 'a password=abc;user    =bob', `a password=${M}    =bob`],
      ['a name longer than MAX_NAME', `a password=abc;${'n'.repeat(129)}=1`, `a password=${M}`],
    ]),
  )('but not %s: the value goes on', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe('gaps of up to MAX_GAP (3) spaces around the separator', () => {
  it.each(
    table([
      ['three before', 'a password   = hunter2', `a password   = ${M}`],
      ['four before', 'a password    = hunter2', 'a password    = hunter2'],
      ['three after', 'a password=   hunter2', `a password=   ${M}`],
      ['four after', 'a password=    hunter2', 'a password=    hunter2'],
    ]),
  )('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe('name characters', () => {
  it.each(
    table([
      ['digits 0 and 9', 'a token0=abc1 token9=abc1', `a token0=${M} token9=${M}`],
      ['an index in brackets', 'a password[0]=hunter2 b', `a password[0]=${M} b`],
      ['} is none', 'a secret}=hunter2', 'a secret}=hunter2'],
      ['^ is none', 'a secret^=hunter2', 'a secret^=hunter2'],
    ]),
  )('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe('padded base64 runs (16+ characters of [A-Za-z0-9+/] with a digit, a lower- and an upper-case letter) before =', () => {
  it.each(
    table([
      ['a run of 16 before a space', 'a refreshToken2024= abc1'],
      ['before ,', 'a AbcdToken1234567890xyzQ=, abc1'],
      ['before ;', 'a AbcdToken1234567890xyzQ=; abc1'],
      ['with no digit: a name, but its value is read only after the gap', 'a AbcdTokenabcdefghxyzQ= abc1'],
    ]),
  )('are no names: %s', (_, input) => {
    expect(redact.redactString(input)).toBe(input);
  });

  it.each(
    table([
      ['15 characters', 'a refreshToken202= abc1', `a refreshToken202= ${M}`],
      ['short', 'a apiToken2X= abc1', `a apiToken2X= ${M}`],
      ['no upper-case letter', 'a abcdtoken1234567890xyzq= abc1', `a abcdtoken1234567890xyzq= ${M}`],
      ['no lower-case letter', 'a ABCDTOKEN1234567890XYZQ= abc1', `a ABCDTOKEN1234567890XYZQ= ${M}`],
      ['a character outside base64', 'a Abcd_Token1234567890xyzQ= abc1', `a Abcd_Token1234567890xyzQ= ${M}`],
    ]),
  )('but names are: %s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe("other detectors' markers", () => {
  it.each(
    table([
      ['a marker is no name', `revoked ${GH}: ok`, 'revoked [REDACTED:github-token]: ok'],
      ['a pair before a marker', `password=hunter2 and ${GH}`, `password=${M} and [REDACTED:github-token]`],
      ['a pair after a marker', `${GH} then password=hunter2`, `[REDACTED:github-token] then password=${M}`],
      [
        'a pair between pairs and a marker',
        `a=1 password=hunter2 ${GH}`,
        `a=1 password=${M} [REDACTED:github-token]`,
      ],
    ]),
  )('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });
});

describe('separators', () => {
  it.each(
    table([
      ['= before a slash', 'a password=a/bc', `a password=${M}`],
      [': before a slash', 'a password:a/bc', `a password:${M}`],
      ['= before //', 'a password=//abc', `a password=${M}`],
      ['a pair inside a value named arn', 'arn=x:token=abc', `arn=x:token=${M}`],
    ]),
  )('%s', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });

  it('reads scheme:// as no separator, even after a secret word', () => {
    expect(redact.redactString('loading secret://prod/db')).toBe('loading secret://prod/db');
  });
});

describe('names of personal data', () => {
  it('marks an ssn by name with its own family', () => {
    expect(redact.withCounts('ssn: 078-05-1120')).toEqual({
      value: 'ssn: [REDACTED:ssn]',
      counts: { ssn: 1 },
    });
  });

  it('marks a person name by name with its own family, scheme words included', () => {
    const names = createRedactor({ pii: { name: 'mask' } });
    expect(names.withCounts('lastName=Key')).toEqual({
      value: 'lastName=[REDACTED:name]',
      counts: { name: 1 },
    });
    expect(names.redactString('fullName: Key Smith')).toBe('fullName: [REDACTED:name] Smith');
  });

  it('reads a phrase tail with no word before it, and a tail after a secret word, as no phrase', () => {
    const custom = createRedactor({ keys: [/^cust/] });
    expect(custom.redactString('id: 5')).toBe('id: 5');
    expect(redact.redactString('token code: 1234')).toBe('token code: 1234');
  });
});

describe('keepInText', () => {
  it.each([
    [KEY_SECRET, '', true],
    [KEY_SECRET, '[REDACTED:jwt]', true],
    [KEY_SECRET, 'arn:aws:s3:::bucket', true],
    [KEY_SECRET, 'x-arn:', false],
    [KEY_SECRET_NUMERIC, 'arn:aws:s3:::bucket', true],
    [KEY_SECRET_NUMERIC, 'x-arn:', false],
    [KEY_SECRET_NUMERIC, '3600', false],
    [KEY_SSN, 'unknown', true],
    [KEY_SSN, '123456789', false],
    [KEY_SSN, 'a1', false],
    [KEY_NAME, 'Smith', false],
    [KEY_NAME, '', true],
    [KEY_PLAIN, 'abc', false],
  ] as const)('kind %i, %j: %s', (kind, value, kept) => {
    expect(keepInText(kind, value)).toBe(kept);
  });
});
