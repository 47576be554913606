import { createHmac, randomBytes } from 'node:crypto';

/** Shared builders for realistic secrets, so a leak shows up as an exact substring of stdout. */

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function alnum(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** A signed HS256 JWT shaped like a Cognito access token. */
export function jwt(claims: Record<string, unknown> = {}): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: alnum(8) }));
  const now = Math.floor(Date.now() / 1000);
  const payload = base64url(
    JSON.stringify({
      sub: `${alnum(8)}-${alnum(4)}`,
      token_use: 'access',
      scope: 'WildRydes/CustomizeUnicorn',
      client_id: alnum(26).toLowerCase(),
      iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
      iat: now,
      exp: now + 3600,
      jti: alnum(16),
      ...claims,
    }),
  );
  const signature = createHmac('sha256', randomBytes(32)).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The part of a JWT that identifies it uniquely (the signature). */
export function jwtSignature(token: string): string {
  return token.split('.')[2] ?? token;
}

export function awsAccessKeyId(): string {
  return `AKIA${alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
}

export function awsSecretAccessKey(): string {
  return alnum(40);
}

export function githubToken(): string {
  return `ghp_${alnum(36)}`;
}

export function slackToken(): string {
  return `xoxb-${alnum(11, '0123456789')}-${alnum(12, '0123456789')}-${alnum(24)}`;
}

/** A Luhn-valid 16-digit Visa-like number. */
export function cardNumber(): string {
  const digits = [4, ...Array.from(randomBytes(14), (b) => b % 10)];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i] as number;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
}

export function pemBody(): string {
  return alnum(64);
}

export function pemPrivateKey(body: string): string {
  return `-----BEGIN PRIVATE KEY-----\n${body}\n${alnum(64)}\n-----END PRIVATE KEY-----`;
}

/** A Cognito app client secret (what managePartners returns as `ClientSecret`). */
export function cognitoClientSecret(): string {
  return alnum(51, 'abcdefghijklmnopqrstuvwxyz0123456789');
}
