import { runtimeGuard } from '@lambda-sentinel/runtime-guard';
import { describe, expect, it } from 'vitest';
import { allowedHosts, guardOptions } from '../src/shared/guard.ts';

describe('guardOptions()', () => {
  it('in AWS: every policy blocks, outbound to AWS only (the database is an RDS endpoint)', () => {
    const options = guardOptions({ USER_POOL_ID: 'eu-west-1_AbCdEf', SECRET_NAME: 'db' });
    expect(options).toEqual({
      mode: 'block',
      outbound: { allowHosts: ['*.amazonaws.com', 'cognito-idp.eu-west-1.amazonaws.com:443'] },
    });
    // Accepted by runtimeGuard as is, defaults filled in; released at once (hooks are process-wide).
    const guard = runtimeGuard({ ...options, taskRoot: '/var/task' });
    guard.release();
    expect(guard.policy).toMatchObject({
      childProcess: { mode: 'block' },
      fileWrite: { mode: 'block', list: ['/tmp/**'] },
      fileRead: { mode: 'block', list: expect.arrayContaining(['/var/task/**', '/proc/self/environ']) },
      outbound: { mode: 'block' },
    });
  });

  it('locally: adds the stand-ins the environment points the clients at, and the database', () => {
    expect(
      allowedHosts({
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:41234',
        COGNITO_ENDPOINT: 'https://cognito.local',
        DB_HOST: '127.0.0.1',
        DB_PORT: '3306',
      }),
    ).toEqual(['*.amazonaws.com', '127.0.0.1:41234', 'cognito.local:443', '127.0.0.1:3306']);
    expect(allowedHosts({ DYNAMODB_ENDPOINT: 'http://[::1]:8000', DB_HOST: 'db.internal' })).toEqual([
      '*.amazonaws.com',
      '[::1]:8000',
      'db.internal:3306',
    ]);
  });

  it('ignores what is unset or malformed', () => {
    expect(allowedHosts({})).toEqual(['*.amazonaws.com']);
    expect(allowedHosts({ DYNAMODB_ENDPOINT: 'not a url', USER_POOL_ID: 'no-underscore$' })).toEqual([
      '*.amazonaws.com',
    ]);
  });
});
