import type { AllowRule } from '@lambda-sentinel/source-allowlist';

/**
 * Each function's expected callers. The API id cannot be passed into the
 * function's environment in SAM without a circular reference (the API's
 * definition references the functions), so it is optional: the demo and
 * tests set `ALLOWED_API_ID`; in AWS the stage and the function's own
 * account (cross-account is always refused) narrow it.
 */
export function apiRule(): AllowRule {
  const rule: AllowRule = { kind: 'apigateway-rest', stage: process.env.ALLOWED_API_STAGE ?? 'dev' };
  if (process.env.ALLOWED_API_ID) rule.apiId = process.env.ALLOWED_API_ID;
  return rule;
}

export function authorizerRule(): AllowRule {
  const rule: AllowRule = {
    kind: 'apigateway-authorizer-token',
    stage: process.env.ALLOWED_API_STAGE ?? 'dev',
  };
  if (process.env.ALLOWED_API_ID) rule.apiId = process.env.ALLOWED_API_ID;
  return rule;
}

export function scheduleRule(): AllowRule {
  const rule: AllowRule = { kind: 'schedule' };
  if (process.env.ALLOWED_SCHEDULE_ARN) rule.arn = process.env.ALLOWED_SCHEDULE_ARN;
  return rule;
}
