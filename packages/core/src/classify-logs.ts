import { applyAccountId, field, text } from './classify-read.ts';
import type { InvocationSource } from './source-kinds.ts';

/**
 * The most base64 `awslogs.data` that is decoded: Lambda's largest
 * (synchronous) payload is 6 MB, so more is not a real event.
 */
export const MAX_LOGS_DATA_LENGTH = 6 * 1024 * 1024;

/**
 * The most a subscription's payload may inflate to. Real batches are far
 * smaller (CloudWatch Logs delivers at most ~1 MB of log events per call); a
 * payload that inflates past this is a gzip bomb and yields no facts.
 */
export const MAX_LOGS_INFLATED_BYTES = 8 * 1024 * 1024;

/**
 * CloudWatch Logs subscription: `awslogs.data` is base64(gzip(JSON)) whose
 * `owner` (the log group's account) and `logGroup` identify the source.
 * Decoding is bounded in input and output; a payload too large, not gzip,
 * a gzip bomb or not JSON keeps the kind and yields no facts, so a rule that
 * names an account or log group refuses it.
 */
export function cloudwatchLogs(data: string): InvocationSource {
  const source: InvocationSource = { kind: 'cloudwatch-logs' };
  if (data.length > MAX_LOGS_DATA_LENGTH) return source;
  let payload: unknown;
  try {
    // Loaded on first use: importing `node:zlib` costs ~4 ms of cold start, and only functions
    // subscribed to CloudWatch Logs need it.
    const { gunzipSync } = process.getBuiltinModule('node:zlib');
    const inflated = gunzipSync(Buffer.from(data, 'base64'), { maxOutputLength: MAX_LOGS_INFLATED_BYTES });
    payload = JSON.parse(inflated.toString('utf8'));
  } catch {
    return source;
  }
  applyAccountId(source, field(payload, 'owner'));
  const logGroup = text(payload, 'logGroup');
  if (logGroup) source.logGroup = logGroup;
  return source;
}
