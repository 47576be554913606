import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { authorizerRule } from '../shared/allow.ts';
import { dynamodb } from '../shared/clients.ts';
import { guardOptions } from '../shared/guard.ts';
import { instrumentation } from '../shared/observability.ts';
import { allowedResources, allowPolicy, apiArnPrefix, SCOPES } from './policy.ts';

const { logger, metrics } = instrumentation('authorizer');

const userPoolId = process.env.USER_POOL_ID ?? '';

// Checks issuer (https://cognito-idp.<region>.amazonaws.com/<pool>), token_use = access,
// expiry and the signature against the pool's JWKS (fetched once and cached).
const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'access', clientId: null });
// Local runs (demo, tests) stand in for Cognito with their own key pair: preload its JWKS.
if (process.env.LOCAL_JWKS) verifier.cacheJwks(JSON.parse(process.env.LOCAL_JWKS));

/** What API Gateway expects from a TOKEN authorizer that refuses: an `Unauthorized` error. */
function unauthorized(reason: string): Error {
  logger.warn('authorization refused', { reason });
  return new Error('Unauthorized');
}

/**
 * TOKEN authorizer. Any failure — bad token, unknown client, DynamoDB down —
 * ends in Unauthorized (the original never answered when DynamoDB threw).
 * The token itself is never logged.
 */
export async function authorize(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const token = event.authorizationToken?.replace(/^Bearer\s+/i, '') ?? '';
  const prefix = typeof event.methodArn === 'string' ? apiArnPrefix(event.methodArn) : undefined;
  if (!prefix) throw unauthorized('malformed methodArn');

  let payload: Awaited<ReturnType<typeof verifier.verify>>;
  try {
    payload = await verifier.verify(token);
  } catch (error) {
    throw unauthorized(`token rejected: ${(error as Error).name}`);
  }
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  const principalId = `${userPoolId}|${payload.sub}`;
  const resources = allowedResources(prefix, scopes);
  if (!scopes.includes(SCOPES.customize)) return allowPolicy(principalId, resources);

  let companyId: string | undefined;
  try {
    const { Item } = await dynamodb.send(
      new GetItemCommand({
        TableName: process.env.PARTNER_DDB_TABLE,
        Key: { ClientID: { S: String(payload.client_id) } },
      }),
    );
    companyId = Item?.CompanyID?.S;
  } catch (error) {
    throw unauthorized(`partner lookup failed: ${(error as Error).name}`);
  }
  if (!companyId) throw unauthorized('client is not mapped to a company');
  return allowPolicy(principalId, resources, { CompanyID: companyId });
}

export const handler = middy(authorize).use(
  sentinel({
    serviceName: 'authorizer',
    allow: [authorizerRule()],
    logger,
    metrics,
    guard: guardOptions(),
  }),
);
