import { randomBytes } from 'node:crypto';
import type { RedactedError } from '../port.ts';

/** An X-Ray segment document's `cause` (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html#api-segmentdocuments-errors). */
export interface XrayCause {
  exceptions: XrayException[];
}

interface XrayException {
  id: string;
  type: string;
  message: string;
  stack?: { label: string; path: string; line?: number }[];
  /** The id of the exception that caused this one (the next in the list). */
  cause?: string;
}

const MAX_FRAMES = 50;
const MAX_CHAIN = 6;

/** `    at label (path:line:col)` or `    at path:line:col`. */
function frames(stack: string | undefined): XrayException['stack'] {
  if (!stack) return undefined;
  const parsed: NonNullable<XrayException['stack']> = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    const body = line.slice(3);
    const open = body.lastIndexOf(' (');
    const label = open > 0 ? body.slice(0, open) : 'anonymous';
    const location = open > 0 ? body.slice(open + 2, body.endsWith(')') ? -1 : undefined) : body;
    // path:line:col — the path itself may contain colons (file:///...).
    const parts = location.split(':');
    const lineNumber = parts.length >= 3 ? Number(parts[parts.length - 2]) : Number.NaN;
    const path = parts.length >= 3 ? parts.slice(0, -2).join(':') : location;
    parsed.push(Number.isFinite(lineNumber) ? { label, path, line: lineNumber } : { label, path });
    if (parsed.length >= MAX_FRAMES) break;
  }
  return parsed.length > 0 ? parsed : undefined;
}

/**
 * The `cause` block for a (redacted) error and its cause chain, built here
 * rather than by the SDK's `addError`, which always marks a fault and keeps a
 * reference to the raw error on the segment.
 */
export function xrayCause(error: RedactedError): XrayCause {
  const exceptions: XrayException[] = [];
  let current: RedactedError | undefined = error;
  while (current && exceptions.length < MAX_CHAIN) {
    const exception: XrayException = {
      id: randomBytes(8).toString('hex'),
      type: current.name,
      message: current.message,
    };
    const stack = frames(current.stack);
    if (stack) exception.stack = stack;
    const previous = exceptions[exceptions.length - 1];
    if (previous) previous.cause = exception.id;
    exceptions.push(exception);
    current = current.cause;
  }
  return { exceptions };
}
