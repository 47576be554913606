import { CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiRule } from '../shared/allow.ts';
import { cognito, dynamodb } from '../shared/clients.ts';
import { dbUtils } from '../shared/database.ts';
import { guardOptions } from '../shared/guard.ts';
import { instrumentation } from '../shared/observability.ts';
import { DuplicateCompanyError } from './dbUtils.ts';
import { badRequest, forbidden, jsonBody, respond } from './http.ts';
import { validateName } from './validation.ts';

const { logger, metrics } = instrumentation('manage-partners');

export const CUSTOMIZE_SCOPE = 'WildRydes/CustomizeUnicorn';

/**
 * POST /partners: registers a partner company, gives it a Cognito app client
 * (client credentials, the CustomizeUnicorn scope) and maps the client to the
 * company for the authorizer. The response carries the client secret; the
 * logger's redaction keeps it out of the logs even with `logResponse`.
 */
export async function managePartners(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (!event.requestContext?.authorizer?.principalId) return forbidden();
  if (event.httpMethod !== 'POST' || event.resource !== '/partners') return badRequest('Unsupported request');
  const name = validateName(jsonBody(event)?.name);
  if (!name.ok) return badRequest(name.message);

  let companyId: number;
  try {
    ({ companyId } = await dbUtils.addPartnerCompany(name.value));
  } catch (error) {
    if (error instanceof DuplicateCompanyError) return badRequest(`Company ${name.value} already exists`);
    throw error;
  }
  const { UserPoolClient: client } = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: process.env.USER_POOL_ID,
      ClientName: name.value,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [CUSTOMIZE_SCOPE],
    }),
  );
  if (!client?.ClientId || !client.ClientSecret) throw new Error('Cognito returned no app client');
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.PARTNER_DDB_TABLE,
      Item: { ClientID: { S: client.ClientId }, CompanyID: { S: String(companyId) } },
    }),
  );
  logger.info('partner registered', { companyId, clientId: client.ClientId });
  return respond(200, { ClientID: client.ClientId, ClientSecret: client.ClientSecret });
}

export const handler = middy(managePartners).use(
  sentinel({
    serviceName: 'manage-partners',
    allow: [apiRule()],
    logResponse: true,
    logger,
    metrics,
    guard: guardOptions(),
  }),
);
