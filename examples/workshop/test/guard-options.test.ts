import { runtimeGuard } from '@lambda-sentinel/runtime-guard';
import { describe, expect, it } from 'vitest';
import { allowedHosts, guardOptions } from '../src/shared/guard.ts';

describe('guardOptions()', () => {
  it('in AWS: every policy blocks, outbound to the region’s services only (the database is an RDS endpoint)', () => {
    const options = guardOptions({
      AWS_REGION: 'eu-west-1',
      USER_POOL_ID: 'eu-west-1_AbCdEf',
      SECRET_NAME: 'db',
    });
    expect(options).toEqual({
      mode: 'block',
      outbound: {
        allowHosts: [
          '*.eu-west-1.amazonaws.com:443',
          '*.*.eu-west-1.rds.amazonaws.com:3306',
          'cognito-idp.eu-west-1.amazonaws.com:443',
        ],
      },
    });
    // Accepted by runtimeGuard as is, defaults filled in; released at once (hooks are process-wide).
    const guard = runtimeGuard({ ...options, taskRoot: '/var/task' });
    guard.release();
    expect(guard.policy).toMatchObject({
      childProcess: { mode: 'block' },
      fileWrite: { mode: 'block', list: ['/tmp/**'] },
      fileRead: { mode: 'block', list: expect.arrayContaining(['/var/task/**', '/proc/*/environ']) },
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
    ).toEqual(['127.0.0.1:41234', 'cognito.local:443', '127.0.0.1:3306']);
    expect(allowedHosts({ DYNAMODB_ENDPOINT: 'http://[::1]:8000', DB_HOST: 'db.internal' })).toEqual([
      '[::1]:8000',
      'db.internal:3306',
    ]);
  });

  it('ignores what is unset or malformed', () => {
    expect(allowedHosts({})).toEqual([]);
    expect(
      allowedHosts({ AWS_REGION: 'eu west', DYNAMODB_ENDPOINT: 'not a url', USER_POOL_ID: 'no-underscore$' }),
    ).toEqual([]);
  });
});
