import {
  applyAccountId,
  applyArn,
  applyRegion,
  arnResource,
  child,
  field,
  hostRegion,
  isObject,
  text,
} from './classify-read.ts';
import type { InvocationSource } from './source-kinds.ts';

/**
 * The HTTP-shaped kinds: API Gateway (REST, HTTP, WebSocket, authorizers),
 * ALB, function URLs, VPC Lattice and AppSync resolvers.
 */

const EXECUTE_API = '.execute-api.';
const LAMBDA_URL = '.lambda-url.';
const APPSYNC_API = '.appsync-api.';

/**
 * Who called, as the request context says: an authorizer's principal id, a
 * JWT/Cognito `sub`, a Cognito identity, an IAM ARN or caller id.
 */
function principalOf(rc: object): string | undefined {
  const auth = child(rc, 'authorizer');
  if (auth) {
    const fromAuthorizer =
      text(auth, 'principalId') ??
      text(child(auth, 'lambda'), 'principalId') ??
      text(child(auth, 'claims'), 'sub') ??
      text(child(child(auth, 'jwt'), 'claims'), 'sub') ??
      text(child(auth, 'iam'), 'userArn');
    if (fromAuthorizer) return fromAuthorizer;
  }
  const identity = child(rc, 'identity');
  if (!identity) return undefined;
  return (
    text(identity, 'cognitoIdentityId') ??
    text(identity, 'userArn') ??
    text(identity, 'caller') ??
    text(identity, 'principal')
  );
}

function setIfPresent(
  target: InvocationSource,
  key: 'apiId' | 'stage' | 'method' | 'path' | 'principal',
  value: string | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

/** API Gateway REST (v1 proxy), HTTP API payload 1.0 and 2.0: the shared request-context fields. */
function apiGateway(kind: InvocationSource['kind'], rc: object): InvocationSource {
  const source: InvocationSource = { kind };
  applyAccountId(source, field(rc, 'accountId'));
  const domain = text(rc, 'domainName');
  if (domain) applyRegion(source, hostRegion(domain, EXECUTE_API));
  setIfPresent(source, 'apiId', text(rc, 'apiId'));
  setIfPresent(source, 'stage', text(rc, 'stage'));
  setIfPresent(source, 'principal', principalOf(rc));
  return source;
}

/**
 * Kinds whose event has a `requestContext` object. Undefined when the
 * context matches none of them.
 */
export function fromRequestContext(event: object, rc: object): InvocationSource | undefined {
  const elb = child(rc, 'elb');
  if (elb) {
    const targetGroupArn = text(elb, 'targetGroupArn');
    if (!targetGroupArn) return undefined;
    const source: InvocationSource = { kind: 'alb' };
    applyArn(source, targetGroupArn);
    setIfPresent(source, 'method', text(event, 'httpMethod'));
    setIfPresent(source, 'path', text(event, 'path'));
    return source;
  }

  const http = child(rc, 'http');
  if (http) {
    // Payload 2.0: HTTP APIs and function URLs share it; the domain tells them apart.
    const domain = text(rc, 'domainName');
    if (domain?.includes(LAMBDA_URL)) {
      const source: InvocationSource = { kind: 'function-url' };
      applyAccountId(source, field(rc, 'accountId'));
      applyRegion(source, hostRegion(domain, LAMBDA_URL));
      setIfPresent(source, 'method', text(http, 'method'));
      setIfPresent(source, 'path', text(http, 'path'));
      setIfPresent(source, 'principal', principalOf(rc));
      return source;
    }
    if (!text(rc, 'apiId') || !text(event, 'routeKey')) return undefined;
    const source = apiGateway('apigateway-http', rc);
    setIfPresent(source, 'method', text(http, 'method'));
    setIfPresent(source, 'path', text(http, 'path'));
    return source;
  }

  if (text(rc, 'connectionId') && text(rc, 'eventType') && text(rc, 'apiId')) {
    return apiGateway('apigateway-websocket', rc);
  }

  const httpMethod = text(event, 'httpMethod');
  if (httpMethod && text(rc, 'apiId') && text(rc, 'stage')) {
    // HTTP APIs can send the REST-shaped payload 1.0; only they set `version`.
    const source = apiGateway(field(event, 'version') === '1.0' ? 'apigateway-http' : 'apigateway-rest', rc);
    source.method = httpMethod;
    setIfPresent(source, 'path', text(event, 'path') ?? text(rc, 'resourcePath'));
    return source;
  }

  const latticeTargetGroup = text(rc, 'targetGroupArn');
  if (
    (latticeTargetGroup || text(rc, 'serviceNetworkArn') || text(rc, 'serviceArn')) &&
    text(event, 'method')
  ) {
    const source: InvocationSource = { kind: 'vpc-lattice' };
    applyRegion(source, field(rc, 'region'));
    applyArn(source, latticeTargetGroup ?? text(rc, 'serviceArn') ?? text(rc, 'serviceNetworkArn'));
    setIfPresent(source, 'method', text(event, 'method'));
    setIfPresent(source, 'path', text(event, 'path'));
    setIfPresent(source, 'principal', principalOf(rc));
    return source;
  }
  return undefined;
}

/**
 * TOKEN and REQUEST authorizers (REST payload, HTTP API payload 1.0 and
 * 2.0). Everything comes from the method/route ARN:
 * `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`.
 */
export function authorizer(event: object, type: 'TOKEN' | 'REQUEST'): InvocationSource | undefined {
  if (type === 'TOKEN' && typeof field(event, 'authorizationToken') !== 'string') return undefined;
  const methodArn = text(event, 'methodArn') ?? text(event, 'routeArn');
  if (!methodArn) return undefined;
  const resource = arnResource(methodArn);
  if (resource === undefined) return undefined;
  const source: InvocationSource = {
    kind: type === 'TOKEN' ? 'apigateway-authorizer-token' : 'apigateway-authorizer-request',
  };
  applyArn(source, methodArn);
  const afterApi = resource.indexOf('/');
  if (afterApi <= 0) return source;
  source.apiId = resource.slice(0, afterApi);
  const afterStage = resource.indexOf('/', afterApi + 1);
  if (afterStage < 0) return source;
  if (afterStage > afterApi + 1) source.stage = resource.slice(afterApi + 1, afterStage);
  const afterMethod = resource.indexOf('/', afterStage + 1);
  const method = resource.slice(afterStage + 1, afterMethod < 0 ? resource.length : afterMethod);
  if (method) source.method = method;
  source.path = afterMethod < 0 ? '/' : resource.slice(afterMethod);
  return source;
}

/** Sets `apiId` and `region` from AppSync's default host `<apiId>.appsync-api.<region>.amazonaws.com`. */
export function applyAppSyncHost(source: InvocationSource, event: object): void {
  const host = text(child(child(event, 'request'), 'headers'), 'host');
  const region = host ? hostRegion(host, APPSYNC_API) : undefined;
  if (host && region) {
    source.apiId = host.slice(0, host.indexOf('.'));
    source.region = region;
  }
}

/**
 * AppSync direct Lambda resolver (`info.fieldName`/`parentTypeName` and
 * `arguments`), or the payload Amplify's `@function` directive sends
 * (`typeName`/`fieldName` at the top level, and `arguments`).
 */
export function appsync(event: object): InvocationSource | undefined {
  const info = child(event, 'info');
  const resolver = info
    ? text(info, 'fieldName') && text(info, 'parentTypeName')
    : text(event, 'fieldName') && text(event, 'typeName');
  if (!resolver || !isObject(field(event, 'arguments'))) return undefined;
  const source: InvocationSource = { kind: 'appsync' };
  applyAppSyncHost(source, event);
  const identity = child(event, 'identity');
  if (identity) {
    setIfPresent(
      source,
      'principal',
      text(identity, 'sub') ?? text(identity, 'userArn') ?? text(identity, 'cognitoIdentityId'),
    );
  }
  return source;
}

/** VPC Lattice event structure v1 (snake_case, no request context). */
export function latticeV1(event: object): InvocationSource | undefined {
  const rawPath = text(event, 'raw_path');
  const method = text(event, 'method');
  if (!rawPath || !method || typeof field(event, 'is_base64_encoded') !== 'boolean') return undefined;
  const query = rawPath.indexOf('?');
  return { kind: 'vpc-lattice', method, path: query < 0 ? rawPath : rawPath.slice(0, query) };
}
