import { createSign, generateKeyPairSync, type JsonWebKey, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Cognito user pool, for local runs only: an RS256 key
 * pair whose JWKS the authorizer preloads (LOCAL_JWKS), access tokens shaped
 * like Cognito's client-credentials tokens, and the one Cognito API call the
 * app makes (CreateUserPoolClient) over the AWS JSON protocol, so the real
 * SDK client talks to it.
 */
export interface LocalCognito {
  userPoolId: string;
  issuer: string;
  endpoint: string;
  jwks: { keys: JsonWebKey[] };
  /** An access token for `clientId` with `scopes`, signed by the pool's key; `claims` override fields (tests). */
  accessToken(
    clientId: string,
    scopes: string[],
    options?: { expiresInSeconds?: number; claims?: Record<string, unknown> },
  ): string;
  close(): Promise<void>;
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export async function startLocalCognito(region = 'us-east-1'): Promise<LocalCognito> {
  const userPoolId = `${region}_Demo${randomBytes(3).toString('hex')}`;
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const kid = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target !== 'AWSCognitoIdentityProviderService.CreateUserPoolClient') {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'InvalidParameterException', message: `unsupported ${target}` }));
        return;
      }
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      res.end(
        JSON.stringify({
          UserPoolClient: {
            ...input,
            ClientId: randomBytes(13).toString('hex').slice(0, 26),
            ClientSecret: randomBytes(39).toString('base64url'),
            CreationDate: Date.now() / 1000,
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    userPoolId,
    issuer,
    endpoint: `http://127.0.0.1:${port}`,
    jwks: { keys: [jwk] },
    accessToken(clientId, scopes, { expiresInSeconds = 3600, claims = {} } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ kid, alg: 'RS256' }));
      const payload = b64url(
        JSON.stringify({
          sub: clientId,
          token_use: 'access',
          scope: scopes.join(' '),
          auth_time: now,
          iss: issuer,
          exp: now + expiresInSeconds,
          iat: now,
          version: 2,
          jti: randomUUID(),
          client_id: clientId,
          ...claims,
        }),
      );
      const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
      return `${header}.${payload}.${b64url(signature)}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
