/**
 * `name=value` / `name: value` pairs in text, as the issue found them missed
 * or half-masked, and the precision cases that must stay readable.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const s = (text: string) => redact.redactString(text);
const M = '[REDACTED:secret-param]';

describe('pairs after a leading word', () => {
  it.each([
    ['request failed: password = hunter2', `request failed: password = ${M}`],
    ['config: DB_PASSWORD: "s3cr3t value"', `config: DB_PASSWORD: "${M}"`],
    ['error: token=abc123 retrying', `error: token=${M} retrying`],
    ['step 3: client_secret: x9y8z7', `step 3: client_secret: ${M}`],
    ['login failed: password=abc123 for user bob', `login failed: password=${M} for user bob`],
    ['retry: token=t0k3n-value; attempt: 2', `retry: token=${M}; attempt: 2`],
  ])('%s', (input, expected) => {
    expect(s(input)).toBe(expected);
  });
});

describe('unquoted values are masked whole', () => {
  it.each([
    ['password=ab;cd,ef"gh<ij>kl', `password=${M}`],
    ["password=it's;a>secret", `password=${M}`],
    ['password=p<a>ss more text', `password=${M} more text`],
    // …but a delimiter that closes the value still ends it.
    ['Server=db;Password=Sup3r;Database=x', `Server=db;Password=${M};Database=x`],
    ['a=1, password=abc, b=2', `a=1, password=${M}, b=2`],
    ['{"url":"x?password=abc","n":1}', `{"url":"x?password=${M}","n":1}`],
    ['<a href="/cb?token=abc">', `<a href="/cb?token=${M}">`],
    ['Config{user=bob, password=abc}', `Config{user=bob, password=${M}}`],
    ['"message":"password=abc\\nnext line"', `"message":"password=${M}\\nnext line"`],
  ])('%s', (input, expected) => {
    expect(s(input)).toBe(expected);
  });
});

describe('auth schemes keep the scheme word and mask the credential', () => {
  it.each([
    ['Authorization: Token abc123def456', `Authorization: Token ${M}`],
    ['Authorization: Api-Token abc123def456', `Authorization: Api-Token ${M}`],
    // The format detector (Discord, prose Bearer) may get there first: the family differs, the mask does not.
    [
      'authorization: Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs',
      'authorization: Bot [REDACTED:discord-bot-token]',
    ],
    ['"Authorization": "Bearer abc.def.ghi"', '"Authorization": "Bearer [REDACTED:auth-credential]"'],
    ['"Authorization": "Bearer notatoken"', `"Authorization": "Bearer ${M}"`],
    ['Authorization: SSWS 00abcdefghijklmnopqrstuvwxyz0123456789ABCD', 'Authorization: SSWS [REDACTED:okta]'],
  ])('%s', (input, expected) => {
    expect(s(input)).toBe(expected);
  });

  it('masks Basic credentials whatever their encoding', () => {
    const latin = Buffer.from('jöhn:pässwörd').toString('base64');
    const binary = Buffer.from([0x75, 0x3a, 0xff, 0xfe, 0x80]).toString('base64');
    expect(s(`Authorization: Basic ${latin}`)).toBe('Authorization: Basic [REDACTED:auth-credential]');
    expect(s('Authorization: Basic notbase64!')).toBe(`Authorization: Basic ${M}`);
    expect(s(`sent Basic ${latin} to the proxy`)).toBe('sent Basic [REDACTED:auth-credential] to the proxy');
    expect(s(`sent Basic ${binary} to the proxy`)).toBe('sent Basic [REDACTED:auth-credential] to the proxy');
  });

  it('leaves a bare scheme, and lets AWS SigV4 parameters be judged one by one', () => {
    expect(s('Authorization: Bearer')).toBe('Authorization: Bearer');
    const sigv4 =
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240501/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
    const out = s(sigv4);
    expect(out).toContain('AWS4-HMAC-SHA256');
    expect(out).toContain('SignedHeaders=host;x-amz-date');
    expect(out).not.toContain('fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024');
    expect(out).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('precision', () => {
  it.each([
    'tokenType=Bearer expiresIn=3600',
    'token_type: Bearer, expires_in: 3600',
    'passwordLastChanged: 2024-05-01T12:00:00Z',
    'status: ok, region: us-east-1',
    'token expired at 12:30:00',
    'resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf',
    'the token for user: bob',
    'Postman-Token: 6f3a3d6e-7b1c-4a0e-9f1a-2b3c4d5e6f70',
    'LifecycleActionToken: 6f3a3d6e-7b1c-4a0e-9f1a-2b3c4d5e6f70',
    'hasPassword=true, tokenCount: 3, token=12345',
    'https://example.com/a?b=c#d',
    'C++ std::string and a::b::c',
    'x == y, a ?= b',
  ])('leaves %s readable', (input) => {
    expect(s(input)).toBe(input);
  });

  it('reads two-word names in prose only when the phrase needs the last word', () => {
    expect(s('my API key: abc123')).toBe(`my API key: ${M}`);
    expect(s('the access code = 4711')).toBe(`the access code = ${M}`);
    expect(s(`token ${'a='.repeat(5)}`)).toBe(`token ${'a='.repeat(5)}`);
  });

  it('reads names written with look-alike or invisible characters', () => {
    expect(s('pаssword=hunter2')).toBe(`pаssword=${M}`); // Cyrillic а
    expect(s('pass\u200Bword: hunter2')).toBe(`pass\u200Bword: ${M}`);
    expect(s('ｐａｓｓｗｏｒｄ=hunter2')).toBe(`ｐａｓｓｗｏｒｄ=${M}`);
  });

  it('keeps other markers opaque', () => {
    const pem = 'k=-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY----- done';
    expect(s(pem)).toBe('k=-----BEGIN PRIVATE KEY-----[REDACTED:private-key]-----END PRIVATE KEY----- done');
  });
});
