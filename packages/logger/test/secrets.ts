import { createHmac, randomBytes } from 'node:crypto';

/** Shared builders for realistic secrets, so a leak shows up as an exact substring of stdout. */

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Where a builder's randomness comes from. */
export type Bytes = (length: number) => Uint8Array;

/**
 * Bytes that follow from `seed` alone (xorshift32), for property tests: the
 * seed fast-check reports then plants exactly the same secrets again.
 */
export function seededBytes(seed: number): Bytes {
  let state = seed >>> 0 || 0x9e3779b9;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out[i] = state & 0xff;
    }
    return out;
  };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** The builders, drawing their randomness from `bytes`. */
export function secretsFrom(bytes: Bytes) {
  function alnum(length: number, alphabet = ALNUM): string {
    let out = '';
    for (const byte of bytes(length)) out += alphabet[byte % alphabet.length];
    return out;
  }

  return {
    alnum,

    /** A signed HS256 JWT shaped like a Cognito access token. */
    jwt(claims: Record<string, unknown> = {}, now = Math.floor(Date.now() / 1000)): string {
      const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: alnum(8) }));
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
      const signature = createHmac('sha256', Buffer.from(bytes(32)))
        .update(`${header}.${payload}`)
        .digest('base64url');
      return `${header}.${payload}.${signature}`;
    },

    awsAccessKeyId: (): string => `AKIA${alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,

    awsSecretAccessKey: (): string => alnum(40),

    githubToken: (): string => `ghp_${alnum(36)}`,

    slackToken: (): string => `xoxb-${alnum(11, '0123456789')}-${alnum(12, '0123456789')}-${alnum(24)}`,

    /** A Luhn-valid 16-digit Visa-like number. */
    cardNumber(): string {
      const digits = [4, ...Array.from(bytes(14), (b) => b % 10)];
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
    },

    pemBody: (): string => alnum(64),

    pemPrivateKey: (body: string): string =>
      `-----BEGIN PRIVATE KEY-----\n${body}\n${alnum(64)}\n-----END PRIVATE KEY-----`,

    /** A Cognito app client secret (what managePartners returns as `ClientSecret`). */
    cognitoClientSecret: (): string => alnum(51, 'abcdefghijklmnopqrstuvwxyz0123456789'),
  };
}

/** The part of a JWT that identifies it uniquely (the signature). */
export function jwtSignature(token: string): string {
  return token.split('.')[2] ?? token;
}

// For example-based tests: fresh secrets every time.
export const {
  alnum,
  jwt,
  awsAccessKeyId,
  awsSecretAccessKey,
  githubToken,
  slackToken,
  cardNumber,
  pemBody,
  pemPrivateKey,
  cognitoClientSecret,
} = secretsFrom(randomBytes);
