import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiRule } from '../shared/allow.ts';
import { dbUtils } from '../shared/database.ts';
import { guardOptions } from '../shared/guard.ts';
import { instrumentation } from '../shared/observability.ts';
import {
  authorizedCompany,
  badRequest,
  forbidden,
  jsonBody,
  notFound,
  notImplemented,
  respond,
} from './http.ts';
import { parseId, validateCustomUnicorn } from './validation.ts';

const { logger, metrics } = instrumentation('customize-unicorn');

/**
 * /customizations (GET list, POST create) and /customizations/{id} (GET,
 * DELETE). The company is always the authorizer's; rows of other companies
 * are invisible.
 */
export async function customizeUnicorn(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const company = authorizedCompany(event);
  if (company === undefined) return forbidden();

  if (event.resource === '/customizations') {
    if (event.httpMethod === 'GET') return respond(200, await dbUtils.listCustomUnicorn(company));
    if (event.httpMethod === 'POST') {
      const input = validateCustomUnicorn(jsonBody(event));
      if (!input.ok) return badRequest(input.message);
      try {
        return respond(200, await dbUtils.createCustomUnicorn(input.value, company));
      } catch (error) {
        if (isForeignKeyError(error))
          return badRequest('sock, horn, glasses and cape must name existing options');
        throw error;
      }
    }
    return notImplemented();
  }

  if (event.resource === '/customizations/{id}') {
    const id = parseId(event.pathParameters?.id);
    if (id === undefined) return badRequest('id must be a positive integer');
    if (event.httpMethod === 'GET') {
      const unicorn = await dbUtils.getCustomUnicorn(id, company);
      return unicorn ? respond(200, unicorn) : notFound(`Unicorn customization ${id} does not exist.`);
    }
    if (event.httpMethod === 'DELETE') return respond(200, await dbUtils.deleteCustomUnicorn(id, company));
    return notImplemented();
  }
  return notImplemented();
}

function isForeignKeyError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === 'ER_NO_REFERENCED_ROW_2' || /FOREIGN KEY constraint failed/.test(e?.message ?? '');
}

export const handler = middy(customizeUnicorn).use(
  sentinel({
    serviceName: 'customize-unicorn',
    allow: [apiRule()],
    logEvent: true,
    logger,
    metrics,
    guard: guardOptions(),
  }),
);
