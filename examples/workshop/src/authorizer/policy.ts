import type { APIGatewayAuthorizerResult } from 'aws-lambda';

export const PARTS = ['/horns', '/socks', '/glasses', '/capes'];
export const SCOPES = {
  customize: 'WildRydes/CustomizeUnicorn',
  managePartners: 'WildRydes/ManagePartners',
} as const;

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}` → the prefix up to the stage. */
export function apiArnPrefix(methodArn: string): string | undefined {
  const match = /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9]+\/[A-Za-z0-9_-]+)\//.exec(
    methodArn,
  );
  return match?.[1];
}

/**
 * The resources a token may invoke, as in the workshop: every valid token
 * reads the parts; `WildRydes/ManagePartners` manages partners;
 * `WildRydes/CustomizeUnicorn` manages customizations. Scopes are compared
 * whole (the original matched substrings, so `WildRydes/CustomizeUnicornX`
 * passed).
 */
export function allowedResources(prefix: string, scopes: readonly string[]): string[] {
  const resources = PARTS.map((path) => `${prefix}/GET${path}`);
  if (scopes.includes(SCOPES.managePartners)) {
    for (const verb of ['GET', 'POST', 'DELETE']) resources.push(`${prefix}/${verb}/partner*`);
  }
  if (scopes.includes(SCOPES.customize)) {
    for (const verb of ['GET', 'POST', 'DELETE']) resources.push(`${prefix}/${verb}/customizations*`);
  }
  return resources;
}

export function allowPolicy(
  principalId: string,
  resources: string[],
  context: Record<string, string> = {},
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resources }],
    },
    context,
  };
}
