import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { captureClient } from '@lambda-sentinel/sdk-capture';

/**
 * AWS SDK v3 clients, created and captured once at module scope (the way
 * users write it). `*_ENDPOINT` points them at local stand-ins (dynalite, the
 * demo's Cognito emulation); in AWS they are unset.
 */
function endpointConfig(variable: string) {
  const endpoint = process.env[variable];
  return endpoint ? { endpoint } : {};
}

export const dynamodb = captureClient(new DynamoDBClient(endpointConfig('DYNAMODB_ENDPOINT')));
export const cognito = captureClient(new CognitoIdentityProviderClient(endpointConfig('COGNITO_ENDPOINT')));
