/**
 * `arn` as a pair's name: an ARN (`arn:aws:…`) is one identifier, stepped over whole, but a name
 * `arn` whose colon does not follow it directly (`"arn": …`, `arn : …`) must not stop the scan.
 * The scanner used to resume at the end of the identifier, which there lies before the colon, and
 * found the same colon again forever: the log call never returned.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
const M = '[REDACTED:secret-param]';

describe('a name arn', () => {
  it.each([
    ['quoted, in JSON-ish text', 'event {"arn":"x", "token":"abc"}', `event {"arn":"x", "token":"${M}"}`],
    [
      'before a spaced colon',
      'token check: arn : x, password=hunter2',
      `token check: arn : x, password=${M}`,
    ],
    ['before a tab and a colon', 'token arn\t:x', 'token arn\t:x'],
    ['in single quotes', "cfg {'arn': 'a', 'secret': 'hunter2'}", `cfg {'arn': 'a', 'secret': '${M}'}`],
  ])('%s: the scan goes on past it', (_, input, expected) => {
    expect(redact.redactString(input)).toBe(expected);
  });

  it('still steps over a whole ARN, secret words in it included', () => {
    const text = 'resource arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf token=abc';
    expect(redact.redactString(text)).toBe(
      `resource arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf token=${M}`,
    );
  });
});
