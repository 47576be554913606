import { SentinelConfigError } from '@lambda-sentinel/core';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';
import { keyWords } from '../src/key-rules.ts';

const redact = createRedactor();
const censored = (key: string, options?: Parameters<typeof createRedactor>[0]): boolean => {
  const r = options ? createRedactor(options) : redact;
  return (r({ [key]: 'v4lue-under-test' }) as Record<string, unknown>)[key] === '[REDACTED]';
};

// Every name the issue lists, plus the common spellings real events use.
const SECRET_KEYS = [
  'password',
  'Password',
  'PASSWORD',
  'db_password',
  'DB-PASS',
  'dbpassword',
  'newPassword',
  'new_password2',
  'passwd',
  'pwd',
  'x-api-key',
  'X-API-Key',
  'apiKey',
  'api_key',
  'apikey',
  'authorization',
  'Authorization',
  'proxy-authorization',
  'authorizationToken',
  'cookie',
  'Cookie',
  'cookies',
  'set-cookie',
  'Set-Cookie',
  'secret',
  'client_secret',
  'clientSecret',
  'ClientSecret',
  'clientsecret',
  'SecretAccessKey',
  'aws_secret_access_key',
  'SecretString',
  'AWS_SESSION_TOKEN',
  'sessionToken',
  'x-amz-security-token',
  'accessToken',
  'access_token',
  'refresh_token',
  'idToken',
  'oauth2Token',
  'private_key',
  'privateKey',
  'PRIVATE-KEY',
  'credentials',
  'Credentials',
  'creds',
  'basicAuth',
  'auth',
  'jwt',
  'passphrase',
  'signingKey',
  'cvv',
  // Spellings the issue found uncensored.
  'passWord',
  'pass_word',
  'Pass-Word',
  'pw',
  'db_pw',
  'sessionid',
  'session_id',
  'sessionId',
  'JSESSIONID',
  'sid',
  'connect.sid',
  'pin',
  'cardPin',
  'otp',
  'mfaCode',
  'verificationCode',
  'privKey',
  'signature',
  'X-Amz-Signature',
  'dsn',
  'SENTRY_DSN',
  'AccountKey',
  'SharedAccessKey',
  'x-functions-key',
  'webhookUrl',
  'SLACK_WEBHOOK_URL',
  'DD_APP_KEY',
  // Zero-width, look-alike and full-width spellings.
  'pаssword',
  'pass\u200Bword',
  'pass\u00ADword',
  'ｐａｓｓｗｏｒｄ',
  'Ρassword',
];

const BENIGN_KEYS = [
  'passenger',
  'passengers',
  'tokenizer',
  'keyboard',
  'monkey',
  'author',
  'authors',
  'secretary',
  'tokenCount',
  'token_count',
  'keyId',
  'KeyId',
  'AccessKeyId',
  'apiKeyId',
  'accessKey',
  'key',
  'Key',
  'sortKey',
  'partitionKey',
  'SecretId',
  'secretArn',
  'secretName',
  'tokenType',
  'token_use',
  'tokenExpiresAt',
  'passwordLastUsed',
  'PasswordResetRequired',
  'passwordPolicy',
  'authorizationType',
  'authorizer',
  'authType',
  'passThrough',
  'compass',
  'bypass',
  'principalId',
  'userAgent',
  'sourceIp',
  'requestId',
  'ETag',
  'eTag',
  'sequencer',
  'messageId',
  'receiptHandle',
  'md5OfBody',
  'ClientID',
  'cognitoAuthenticationType',
  'accountId',
  'ClientRequestToken',
  'NextToken',
  'ContinuationToken',
  'RotationToken',
  'resultToken',
  // Precision the issue asks to keep while widening.
  'passwordLastChanged',
  'password_last_changed',
  'Postman-Token',
  'accessTokenGeneration',
  'idTokenGeneration',
  'LifecycleActionToken',
  'sequenceToken',
  'AccountSid',
  'MessageSid',
  'signatureVersion',
  'SignatureVersion',
  'SigningCertUrl',
  'otpEnabled',
  'pinned',
  'spin',
  'shipping',
  'webhookId',
  'sessionIdLength',
];

describe('key rules', () => {
  it.each(SECRET_KEYS)('censors the value under %s', (key) => {
    expect(censored(key)).toBe(true);
  });

  it.each(BENIGN_KEYS)('leaves the value under %s alone', (key) => {
    expect(censored(key)).toBe(false);
  });

  it('splits names into words on case changes, separators and digits', () => {
    expect(keyWords('AWS_SESSION_TOKEN')).toEqual(['aws', 'session', 'token']);
    expect(keyWords('SecretAccessKey')).toEqual(['secret', 'access', 'key']);
    expect(keyWords('XMLHttpRequest')).toEqual(['xml', 'http', 'request']);
    expect(keyWords('x-api-key')).toEqual(['x', 'api', 'key']);
    expect(keyWords('oauth2Token')).toEqual(['oauth', '2', 'token']);
    expect(keyWords('a.b c__d')).toEqual(['a', 'b', 'c', 'd']);
    expect(keyWords('')).toEqual([]);
  });

  it('censors whole objects and arrays under a secret key but keeps booleans, null, numbers, dates and ARNs', () => {
    const out = redact({
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      cookies: ['a=1', 'b=2'],
      hasPassword: true,
      password: null,
      token: 12345,
      pin: 1234,
      tokenIssued: '2024-05-01T12:00:00Z',
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:cfn-handler',
      secret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
    });
    expect(out).toEqual({
      credentials: '[REDACTED]',
      cookies: '[REDACTED]',
      hasPassword: true,
      password: null,
      token: 12345,
      pin: '[REDACTED]',
      tokenIssued: '2024-05-01T12:00:00Z',
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:cfn-handler',
      secret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
    });
  });

  it('adds user keys by word (any style) or RegExp, and exempts allowKeys', () => {
    const opts = {
      keys: ['ssn', 'sessionKey', /^x-internal-/i],
      allowKeys: ['tokenBucket', /^cookieConsent$/],
    };
    expect(censored('ssn', opts)).toBe(true);
    expect(censored('user_SSN', opts)).toBe(true);
    expect(censored('session-key', opts)).toBe(true);
    expect(censored('X-Internal-Route', opts)).toBe(true);
    expect(censored('token_bucket', opts)).toBe(false);
    expect(censored('tokenBucket', opts)).toBe(false);
    expect(censored('cookieConsent', opts)).toBe(false);
    expect(censored('password', opts)).toBe(true);
    expect(censored('ssn')).toBe(false);
  });

  it('applies key rules to query, form and connection-string names too', () => {
    const out = redact.redactString('Server=db;User Id=app;Password=Sup3r;Database=x');
    expect(out).toBe('Server=db;User Id=app;Password=[REDACTED:secret-param];Database=x');
    expect(redact.redactString('/cb?state=abc&access_token=tok123&tokenCount=2')).toBe(
      '/cb?state=abc&access_token=[REDACTED:secret-param]&tokenCount=2',
    );
  });

  it('rejects bad key options at construction, naming the option', () => {
    expect(() => createRedactor({ keys: 'password' as never })).toThrow(SentinelConfigError);
    expect(() => createRedactor({ keys: [''] })).toThrow(/keys/);
    expect(() => createRedactor({ allowKeys: [42 as never] })).toThrow(/allowKeys/);
  });
});
