import { sentinel } from '@lambda-sentinel/preset/guard';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiRule } from '../shared/allow.ts';
import { dbUtils } from '../shared/database.ts';
import { guardOptions } from '../shared/guard.ts';
import { instrumentation } from '../shared/observability.ts';
import { isBodyPart } from './dbUtils.ts';
import { badRequest, respond } from './http.ts';

const { logger, metrics } = instrumentation('unicorn-parts');

/** GET /horns, /socks, /glasses, /capes: the options for one body part. */
export async function unicornParts(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.httpMethod !== 'GET') return badRequest(`Unsupported method ${event.httpMethod}`);
  const part = event.resource?.replace(/^\//, '');
  if (!isBodyPart(part)) return badRequest('Unknown body part');
  return respond(200, await dbUtils.listBodyPartOptions(part));
}

export const handler = middy(unicornParts).use(
  sentinel({
    serviceName: 'unicorn-parts',
    allow: [apiRule()],
    logger,
    metrics,
    guard: guardOptions(),
  }),
);
