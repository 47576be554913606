import { randomBytes, randomUUID } from 'node:crypto';
import {
  type CapturedOutput,
  captureOutput,
  type InvokeOptions,
  type InvokeResult,
  invoke,
} from '@lambda-sentinel/testing';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent } from 'aws-lambda';
import type { FunctionProcess, RanInvocation } from './function-process.ts';

/**
 * An in-process stand-in for API Gateway's REST API with a TOKEN authorizer
 * and `aws_proxy` integrations, for the demo and the end-to-end tests: it
 * runs the authorizer, evaluates its policy against the method ARN, passes
 * the authorizer context on, and invokes the function the Lambda way
 * (runtime environment, context, a trace id shared by both invocations).
 */

export type Handler = (event: any, context: any) => Promise<any>;

/** A function: a handler run in this process, or one running in a process of its own. */
export type LambdaFunction = Handler | FunctionProcess;

export interface Route {
  method: string;
  /** API Gateway resource template, e.g. `/customizations/{id}`. */
  resource: string;
  function: string;
}

export interface Invocation {
  function: string;
  /** How it was invoked: through the API emulation, or directly (a forged invocation, a schedule). */
  via: 'api' | 'direct';
  event: unknown;
  result: Omit<InvokeResult, 'context'>;
  output: CapturedOutput<unknown>;
  /** The X-Ray trace root and the facade segment id this invocation ran under. */
  traceRoot: string;
  parentId: string;
}

export interface ApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  invocations: Invocation[];
}

export interface ApiGatewayOptions {
  apiId: string;
  stage: string;
  accountId: string;
  region: string;
  authorizer: LambdaFunction;
  functions: Record<string, LambdaFunction>;
  routes: Route[];
  xrayDaemonAddress?: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function newTraceRoot(): string {
  return `1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)}`;
}

function matchRoute(routes: Route[], method: string, path: string) {
  const segments = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.resource.split('/').filter(Boolean);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (m) {
        params[m[1]!] = decodeURIComponent(segments[i]!);
        return true;
      }
      return part === segments[i];
    });
    if (matches) return { route, params };
  }
  return undefined;
}

/** IAM-style resource match: `*` matches any run of characters. */
function policyAllows(policy: APIGatewayAuthorizerResult, methodArn: string): boolean {
  let allowed = false;
  for (const statement of policy.policyDocument?.Statement ?? []) {
    const resources = ([] as string[]).concat((statement as { Resource?: string | string[] }).Resource ?? []);
    const hit = resources.some((r) =>
      new RegExp(
        `^${r
          .split('*')
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      ).test(methodArn),
    );
    if (hit && statement.Effect === 'Deny') return false;
    if (hit && statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/** Invokes `handler` here, its output captured. */
async function inThisProcess(
  handler: Handler,
  event: unknown,
  options: InvokeOptions,
): Promise<RanInvocation> {
  let result!: InvokeResult;
  const output = await captureOutput(async () => {
    result = await invoke(handler, event, options);
  });
  return { result, output };
}

export function createApiGateway(options: ApiGatewayOptions) {
  const { apiId, stage, accountId, region } = options;

  async function run(
    fn: string,
    target: LambdaFunction,
    event: unknown,
    traceRoot: string,
    via: Invocation['via'] = 'api',
  ): Promise<Invocation> {
    const parentId = hex(8);
    const invokeOptions: InvokeOptions = {
      functionName: fn,
      // Names the handler subsegment `## <function>.handler`, as each function's own handler setting would.
      env: { _HANDLER: `${fn}.handler` },
      accountId,
      region,
      traceId: `Root=${traceRoot};Parent=${parentId};Sampled=1`,
      ...(options.xrayDaemonAddress ? { xrayDaemonAddress: options.xrayDaemonAddress } : {}),
    };
    const { result, output } =
      typeof target === 'function'
        ? await inThisProcess(target, event, invokeOptions)
        : await target.invoke(event, invokeOptions);
    return { function: fn, via, event, result, output, traceRoot, parentId };
  }

  function reply(statusCode: number, body: unknown, invocations: Invocation[]): ApiResponse {
    return {
      statusCode,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      invocations,
    };
  }

  return {
    /** Sends one request through the authorizer and the route's function. */
    async request(
      method: string,
      path: string,
      init: { headers?: Record<string, string>; body?: string } = {},
    ): Promise<ApiResponse> {
      const url = new URL(path, 'http://localhost');
      const match = matchRoute(options.routes, method, url.pathname);
      if (!match) return reply(403, { message: 'Missing Authentication Token' }, []);
      const traceRoot = newTraceRoot();
      const headers = { ...(init.headers ?? {}) };
      const methodArn = `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}${url.pathname}`;
      const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
      if (!authorization) return reply(401, { message: 'Unauthorized' }, []);

      const auth = await run(
        'authorizer',
        options.authorizer,
        { type: 'TOKEN', authorizationToken: authorization, methodArn },
        traceRoot,
      );
      const policy = auth.result.result as APIGatewayAuthorizerResult | undefined;
      if (auth.result.error || !policy) return reply(401, { message: 'Unauthorized' }, [auth]);
      if (!policyAllows(policy, methodArn)) {
        return reply(403, { Message: 'User is not authorized to access this resource' }, [auth]);
      }

      const query = Object.fromEntries(url.searchParams);
      const event: APIGatewayProxyEvent = {
        resource: match.route.resource,
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
        queryStringParameters: Object.keys(query).length ? query : null,
        multiValueQueryStringParameters: null,
        pathParameters: Object.keys(match.params).length ? match.params : null,
        stageVariables: null,
        body: init.body ?? null,
        isBase64Encoded: false,
        requestContext: {
          accountId,
          apiId,
          stage,
          resourceId: hex(3),
          resourcePath: match.route.resource,
          httpMethod: method,
          path: `/${stage}${url.pathname}`,
          protocol: 'HTTP/1.1',
          requestId: randomUUID(),
          requestTimeEpoch: Date.now(),
          authorizer: { ...(policy.context ?? {}), principalId: policy.principalId },
          identity: {
            sourceIp: '127.0.0.1',
            userAgent: headers['user-agent'] ?? 'lambda-sentinel-demo',
          } as APIGatewayProxyEvent['requestContext']['identity'],
        },
      };
      const fn = options.functions[match.route.function];
      if (!fn) throw new Error(`no function ${match.route.function}`);
      const call = await run(match.route.function, fn, event, traceRoot);
      const response = call.result.result as {
        statusCode?: number;
        headers?: Record<string, string>;
        body?: string;
      };
      if (call.result.error || typeof response?.statusCode !== 'number') {
        return reply(502, { message: 'Internal server error' }, [auth, call]);
      }
      return {
        statusCode: response.statusCode,
        headers: response.headers ?? {},
        body: response.body ?? '',
        invocations: [auth, call],
      };
    },

    /** Invokes a function directly, bypassing the API (what a forged invocation looks like). */
    async invokeDirectly(fn: string, event: unknown): Promise<Invocation> {
      const handler = options.functions[fn] ?? (fn === 'authorizer' ? options.authorizer : undefined);
      if (!handler) throw new Error(`no function ${fn}`);
      return run(fn, handler, event, newTraceRoot(), 'direct');
    },
  };
}

export type ApiGateway = ReturnType<typeof createApiGateway>;
