import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const HEADERS = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type,Authorization',
};

export function respond(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...HEADERS }, body: JSON.stringify(body) };
}

export const badRequest = (message: string) => respond(400, { message });
export const forbidden = () => respond(403, { message: 'Forbidden' });
export const notFound = (message: string) => respond(404, { message });
export const notImplemented = () => respond(501, { message: 'Not implemented' });
export const serverError = () => respond(500, { message: 'Internal server error' });

/** The JSON body of a REST API proxy event, or undefined when it is missing or not a JSON object. */
export function jsonBody(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  if (typeof event.body !== 'string') return undefined;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The company id the authorizer put in the request context. Never read from
 * the body: the original let a POST body's `company` override it.
 */
export function authorizedCompany(event: APIGatewayProxyEvent): number | undefined {
  const raw = event.requestContext?.authorizer?.CompanyID;
  const id =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^[0-9]{1,10}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
