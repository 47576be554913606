import { describe, expect, it } from 'vitest';
import { luhnValid } from '../src/checksums.ts';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const s = (text: string) => redact.redactString(text);
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('secret detectors mask only the secret part', () => {
  it.each([
    ['AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', 'key [REDACTED:aws-access-key] used'],
    ['AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A', '[REDACTED:aws-access-key]'],
    ['JWT', `token ${JWT} expired`, 'token [REDACTED:jwt] expired'],
    ['Bearer', 'Authorization: Bearer abc123.def456-ghi', 'Authorization: Bearer [REDACTED:auth-credential]'],
    ['Bearer JWT', `Bearer ${JWT}`, 'Bearer [REDACTED:jwt]'],
    ['Basic', 'Basic dXNlcjpwYXNzd29yZA==', 'Basic [REDACTED:auth-credential]'],
    [
      'URL password',
      'mysql://admin:hunter2@db.internal:3306/app',
      'mysql://admin:[REDACTED:url-password]@db.internal:3306/app',
    ],
    ['URL password with @', 'redis://:p@ss@cache:6379', 'redis://:[REDACTED:url-password]@cache:6379'],
    [
      'query param',
      'GET /x?user=bob&password=hunter2 200',
      'GET /x?user=bob&password=[REDACTED:secret-param] 200',
    ],
    ['connection string', 'Host=x;Pwd=abc;', 'Host=x;Pwd=[REDACTED:secret-param];'],
    [
      'JSON fragment in text',
      'got {"client_secret":"s3cr3t","id":1}',
      'got {"client_secret":"[REDACTED:secret-param]","id":1}',
    ],
    ['log-style pair', 'login failed, password: hunter2', 'login failed, password: [REDACTED:secret-param]'],
    ['GitHub token', `push with ghp_${'A1b2'.repeat(9)}`, 'push with [REDACTED:github-token]'],
    [
      'GitHub fine-grained token',
      `github_pat_${'a'.repeat(22)}_${'B'.repeat(59)}`,
      '[REDACTED:github-token]',
    ],
    ['Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', '[REDACTED:slack-token]'],
    [
      'PEM private key',
      'k=-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY----- done',
      'k=-----BEGIN PRIVATE KEY-----[REDACTED:private-key]-----END PRIVATE KEY----- done',
    ],
    [
      'PEM cut before END',
      '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE',
      '-----BEGIN EC PRIVATE KEY-----[REDACTED:private-key]',
    ],
    ['card plain', 'card 4111111111111111 ok', 'card [REDACTED:card] ok'],
    ['card spaced', 'card 4111 1111 1111 1111', 'card [REDACTED:card]'],
    ['card dashed', '5500-0000-0000-0004', '[REDACTED:card]'],
    ['Amex', '3782 822463 10005', '[REDACTED:card]'],
    ['email', 'mail jane.doe+tag@example.co.uk now', 'mail [REDACTED:email] now'],
    ['url-encoded email', 'to=jane%40example.com', 'to=[REDACTED:email]'],
  ])('%s', (_name, input, expected) => {
    expect(s(input)).toBe(expected);
  });

  it.each([
    ['prose about auth', 'Basic information about Bearer authentication'],
    ['16-digit non-Luhn id', 'order 1234567812345678'],
    ['epoch millis', 'at 1428582896000'],
    ['UUID', '7a6e5c4d-1234-4321-8765-123456789012'],
    ['commit SHA', 'd6cd1e2bd19e03a81132a23b2025920577f84e37'],
    ['ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'],
    ['ISO date', '2024-05-01T12:34:56.789Z'],
    ['URL without password', 'https://example.com/a?b=c#d'],
    [
      'user agent',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
    ],
    ['AKIA inside a longer word', 'XAKIAIOSFODNN7EXAMPLEX'],
    ['auth scheme kept', 'Authorization: Bearer'],
    ['base64 padding', 'SGVsbG8gd29ybGQ='],
    ['IP and phone off by default', 'from 203.0.113.7 call +1 415-555-0100'],
  ])('leaves %s untouched', (_name, input) => {
    expect(s(input)).toBe(input);
  });

  it('finds a secret pair inside the value of a harmless pair', () => {
    expect(s('login failed: password=abc123 for user bob')).toBe(
      'login failed: password=[REDACTED:secret-param] for user bob',
    );
    expect(s('retry: token=t0k3n-value; attempt: 2')).toBe(
      'retry: token=[REDACTED:secret-param]; attempt: 2',
    );
    expect(s('status: ok, region: us-east-1')).toBe('status: ok, region: us-east-1');
  });

  it('checks Luhn so random digit strings pass', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('masks or hashes IPs and phones when opted in; hashes are stable per key', () => {
    const hashing = createRedactor({ pii: { ip: 'hash', phone: 'mask' }, hashKey: 'a-test-key-of-16+chars' });
    const out = hashing.redactString(
      'from 203.0.113.7 and 2001:db8::8a2e:370:7334 call +1 415-555-0100 at 10:30:00',
    );
    expect(out).toMatch(
      /^from \[REDACTED:ip:[0-9a-f]{12}\] and \[REDACTED:ip:[0-9a-f]{12}\] call \[REDACTED:phone\] at 10:30:00$/,
    );
    expect(hashing.redactString('203.0.113.7')).toBe(hashing.redactString('203.0.113.7'));
    expect(hashing.redactString('203.0.113.7')).not.toBe(hashing.redactString('203.0.113.8'));
    expect(hashing.redactString('released 2024-05-01, v1.2.3')).toBe('released 2024-05-01, v1.2.3');
  });

  it('lets PII families and detectors be turned off', () => {
    const quiet = createRedactor({ pii: false, detectors: { jwt: false } });
    expect(quiet.redactString('a@b.com 4111111111111111')).toBe('a@b.com 4111111111111111');
    expect(quiet.redactString(JWT)).toBe(JWT);
    expect(quiet.redactString('AKIAIOSFODNN7EXAMPLE')).toBe('[REDACTED:aws-access-key]');
    const none = createRedactor({ detectors: false, pii: false });
    expect(none.redactString('password=x AKIAIOSFODNN7EXAMPLE')).toBe('password=x AKIAIOSFODNN7EXAMPLE');
  });

  it('counts hits per family, never values', () => {
    const { counts } = redact.withCounts({ a: `${JWT} ${JWT}`, b: 'x@y.io', password: 'p' });
    expect(counts).toEqual({ jwt: 2, email: 1, key: 1 });
  });

  it('stays linear on hostile strings', () => {
    const hostile = [
      `${'a'.repeat(200_000)}@`,
      'eyJ'.repeat(70_000),
      `${'1 '.repeat(100_000)}x`,
      `${'x='.repeat(100_000)}`,
      `Bearer ${'a'.repeat(200_000)}`,
      `-----BEGIN PRIVATE KEY-----${'A'.repeat(200_000)}`,
      `a://${'b:'.repeat(50_000)}@`,
    ];
    const started = performance.now();
    for (const text of hostile) createRedactor({ pii: { ip: 'mask', phone: 'mask' } }).redactString(text);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
