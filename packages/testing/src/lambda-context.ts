import type { Context } from 'aws-lambda';

export interface ContextParts {
  requestId: string;
  functionName: string;
  functionVersion: string;
  region: string;
  accountId: string;
  memoryMb: number;
  timeoutMs: number;
  logStreamName: string;
  /** The tenant id of a function in tenant isolation mode; absent otherwise. */
  tenantId?: string | undefined;
  /** Called by the legacy `done`/`succeed`/`fail` methods. */
  settle: (error: unknown, result?: unknown) => void;
}

/** A complete Lambda context object, as the Node.js runtime builds it. */
export function createContext(parts: ContextParts): Context {
  const deadline = Date.now() + parts.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: parts.functionName,
    functionVersion: parts.functionVersion,
    invokedFunctionArn: `arn:aws:lambda:${parts.region}:${parts.accountId}:function:${parts.functionName}`,
    memoryLimitInMB: String(parts.memoryMb),
    awsRequestId: parts.requestId,
    logGroupName: `/aws/lambda/${parts.functionName}`,
    logStreamName: parts.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error?: Error, result?: unknown) => parts.settle(error, result),
    fail: (error: Error | string) => parts.settle(typeof error === 'string' ? new Error(error) : error),
    succeed: (result: unknown) => parts.settle(undefined, result),
    ...(parts.tenantId !== undefined ? { tenantId: parts.tenantId } : {}),
  };
}
