/**
 * Errors become plain objects: name, message and stack (not enumerable on an Error) first, then own
 * properties, then cause and errors when they are not own enumerable ones. Pinned for the shapes a
 * handler actually throws: a JSON message, a rewritten stack, an own enumerable message, a renamed
 * error, a hidden cause.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const redact = createRedactor();
type Copy = Record<string, unknown> & { stack: string };

describe('errors', () => {
  it('copy name, message and stack, and nothing else for a bare Error', () => {
    expect(Object.keys(redact(new Error('m')) as object)).toEqual(['name', 'message', 'stack']);
  });

  it('reuse the redacted message in the stack header, so JSON in a message is redacted in both', () => {
    const out = redact(new Error('{"password":"hunter2-Q7"}')) as Copy;
    expect(out.message).toBe('{"password":"[REDACTED]"}');
    expect(out.stack.split('\n')[0]).toBe('Error: {"password":"[REDACTED]"}');
    expect(out.stack.split('\n').length).toBeGreaterThan(1);
  });

  it('redact a rewritten stack as text of its own', () => {
    const error = new Error('plain');
    error.stack = 'custom stack with password=hunter2-Q7 inside';
    expect(redact(error)).toEqual({
      name: 'Error',
      message: 'plain',
      stack: 'custom stack with password=[REDACTED:secret-param] inside',
    });
  });

  it('redact an own enumerable message once, among the own properties', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'message', { value: 'password=hunter2-Q7 own', enumerable: true });
    const out = redact(error) as Copy;
    expect(Object.keys(out)).toEqual(['name', 'stack', 'message']);
    expect(out.message).toBe('password=[REDACTED:secret-param] own');
    expect(out.stack).not.toContain('hunter2');
  });

  it('name the error as it is named when logged, in the name and the stack header', () => {
    const error = new TypeError('bad');
    error.name = 'CustomName';
    const out = redact(error) as Copy;
    expect([out.name, out.stack.split('\n')[0]]).toEqual(['CustomName', 'CustomName: bad']);
  });

  it('redact a cause that is not enumerable, and keep an undefined cause as a key', () => {
    const hidden = new Error('m');
    Object.defineProperty(hidden, 'cause', { value: 'password=hunter2-Q7', enumerable: false });
    expect((redact(hidden) as Copy).cause).toBe('password=[REDACTED:secret-param]');
    expect(Object.keys(redact(new Error('m', { cause: undefined })) as object)).toEqual([
      'name',
      'message',
      'stack',
      'cause',
    ]);
  });
});
