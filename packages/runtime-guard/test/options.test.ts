import fs from 'node:fs';
import net from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SentinelConfigError } from '@lambda-sentinel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { activePolicy } from '../src/active-policy.ts';
import { type RuntimeGuardMiddleware, type RuntimeGuardOptions, runtimeGuard } from '../src/index.ts';
import { compilePolicy, normaliseOptions } from '../src/policy.ts';

const made: RuntimeGuardMiddleware[] = [];
function build(options?: RuntimeGuardOptions): RuntimeGuardMiddleware {
  const guard = runtimeGuard(options);
  made.push(guard);
  return guard;
}
afterEach(() => {
  for (const guard of made.splice(0)) guard.release();
});

/** Runs `fn` with these environment variables set (or removed, for undefined), restoring them after. */
function withEnv<T>(values: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (from: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(from)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(values);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

const withTaskRootEnv = <T>(value: string | undefined, fn: () => T): T =>
  withEnv({ LAMBDA_TASK_ROOT: value }, fn);

/** The SentinelConfigError `runtimeGuard(options)` throws. */
function rejection(options: unknown): SentinelConfigError {
  try {
    runtimeGuard(options as RuntimeGuardOptions).release();
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return error as SentinelConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

/** Asserts the error names `option` — in its `option` property and at the start of its message — and says `says`. */
function expectRejected(options: unknown, option: string, says: string | RegExp): void {
  const error = rejection(options);
  expect(error.option).toBe(option);
  expect(error.message.startsWith(`${option}: `)).toBe(true);
  if (typeof says === 'string') expect(error.message).toBe(`${option}: ${says}`);
  else expect(error.message.slice(option.length + 2)).toMatch(says);
}

describe('a rejected configuration', () => {
  it('throws at construction, patches nothing more and governs nothing', () => {
    const hooks = () => [fs.writeFileSync, fs.promises.readFile, net.Socket.prototype.connect];
    const before = hooks();
    const governing = activePolicy();
    expect(() => runtimeGuard({ mode: 'block', fileWrite: { allow: ['tmp/**'] } })).toThrow(
      SentinelConfigError,
    );
    expect(() => runtimeGuard({ mode: 'block', outbound: { allowHosts: ['https://x'] } })).toThrow(
      SentinelConfigError,
    );
    expect(() => runtimeGuard({ mode: 'block', childProcess: { allow: ['no-such-program-here'] } })).toThrow(
      SentinelConfigError,
    );
    hooks().forEach((hook, i) => {
      expect(hook).toBe(before[i]);
    });
    expect(activePolicy()).toBe(governing);
  });
});

describe('options that are not an object', () => {
  it.each([['block'], [42], [null], [true], [['block']], [() => ({})]])('%j', (options) => {
    expectRejected(options, 'options', /^expected an object like \{ mode: 'block'/);
  });

  it('undefined and {} are fine', () => {
    expect(build(undefined).policy.fileWrite.mode).toBe('alert');
    expect(build({}).policy.fileWrite.mode).toBe('alert');
  });
});

describe('unknown options', () => {
  it.each(['modes', 'fileWrites', 'network', 'allow', 'deny', 'allowHosts', 'taskroot'])('%s', (key) => {
    expectRejected({ [key]: 'block' }, key, 'unknown option of runtimeGuard()');
  });

  it.each([
    ['fileWrite', 'deny', 'fileWrite takes mode and allow'],
    ['fileRead', 'allow', 'fileRead takes mode and deny'],
    ['outbound', 'allow', 'outbound takes mode and allowHosts'],
    ['outbound', 'hosts', 'outbound takes mode and allowHosts'],
    ['childProcess', 'allowHosts', 'childProcess takes mode and allow'],
  ])('%s.%s', (policy, key, takes) => {
    expectRejected({ [policy]: { [key]: [] } }, `${policy}.${key}`, `unknown option; ${takes}`);
  });
});

describe('modes', () => {
  const modeMessage = (got: unknown) => `must be 'block', 'alert' or 'allow'; got ${JSON.stringify(got)}`;

  it.each([['deny'], ['BLOCK'], [''], [true], [null], [1]])('a bad top-level mode %j', (mode) => {
    expectRejected({ mode }, 'mode', modeMessage(mode));
  });

  it.each(['childProcess', 'fileWrite', 'fileRead', 'outbound'])(
    'a bad mode for %s, given as a string',
    (policy) => {
      expectRejected({ [policy]: 'warn' }, policy, modeMessage('warn'));
    },
  );

  it.each(['childProcess', 'fileWrite', 'fileRead', 'outbound'])(
    'a bad mode for %s, inside its object',
    (policy) => {
      expectRejected({ [policy]: { mode: 'Block' } }, `${policy}.mode`, modeMessage('Block'));
      expectRejected({ [policy]: { mode: null } }, `${policy}.mode`, modeMessage(null));
    },
  );

  it.each([
    ['fileWrite', 42, 'allow'],
    ['fileRead', null, 'deny'],
    ['outbound', ['*.amazonaws.com'], 'allowHosts'],
    ['childProcess', true, 'allow'],
  ])('%s given as %j', (policy, value, listKey) => {
    expectRejected(
      { [policy]: value },
      policy,
      `expected a mode or an object like { mode: 'block', ${listKey}: [...] }`,
    );
  });
});

describe('lists', () => {
  it.each([
    ['fileWrite', 'allow', '/tmp/**'],
    ['fileRead', 'deny', '/var/task/**'],
    ['outbound', 'allowHosts', '*.amazonaws.com'],
    ['childProcess', 'allow', 'convert'],
  ])('%s.%s must be an array', (policy, listKey, entry) => {
    for (const value of [entry, new Set([entry]), { 0: entry }, null]) {
      expectRejected(
        { [policy]: { [listKey]: value } },
        `${policy}.${listKey}`,
        'must be an array of strings',
      );
    }
  });

  it('entries must be non-empty strings, named by index', () => {
    expectRejected(
      { fileWrite: { allow: ['/tmp/**', 42] } },
      'fileWrite.allow[1]',
      'must be a non-empty string',
    );
    expectRejected({ fileRead: { deny: [''] } }, 'fileRead.deny[0]', 'must be a non-empty string');
    expectRejected(
      { outbound: { allowHosts: [null] } },
      'outbound.allowHosts[0]',
      'must be a non-empty string',
    );
    expectRejected(
      { childProcess: { allow: ['convert', ''] } },
      'childProcess.allow[1]',
      'must be a non-empty string',
    );
  });

  it('only childProcess takes bare names; anything else in its list must be a path glob', () => {
    expectRejected(
      { fileWrite: { allow: ['tmp'] } },
      'fileWrite.allow[0]',
      'must be an absolute path; got "tmp"',
    );
    expectRejected({ fileRead: { deny: ['environ'] } }, 'fileRead.deny[0]', /^must be an absolute path/);
    expectRejected(
      { childProcess: { allow: [null] } },
      'childProcess.allow[0]',
      'must be a non-empty string',
    );
    expectRejected({ childProcess: { allow: [7] } }, 'childProcess.allow[0]', 'must be a non-empty string');
  });

  it('a name is looked up on PATH, and the message says which PATH', () => {
    const normalised = normaliseOptions({ childProcess: { mode: 'block', allow: ['true'] } }, {});
    expect(() => compilePolicy(normalised, { PATH: '/nowhere' })).toThrow(
      'childProcess.allow[0]: "true" is not an executable on PATH (/nowhere); give its absolute path',
    );
    expect(() => compilePolicy(normalised, {})).toThrow(
      'childProcess.allow[0]: "true" is not an executable on PATH (); give its absolute path',
    );
  });

  it('path globs must be absolute', () => {
    expectRejected(
      { fileWrite: { allow: ['/tmp/**', 'data/**'] } },
      'fileWrite.allow[1]',
      'must be an absolute path; got "data/**"',
    );
    expectRejected({ fileRead: { deny: ['./secrets/*'] } }, 'fileRead.deny[0]', /^must be an absolute path/);
    expectRejected({ fileRead: { deny: ['~/.aws/**'] } }, 'fileRead.deny[0]', /^must be an absolute path/);
    expectRejected(
      { childProcess: { allow: ['bin/convert'] } },
      'childProcess.allow[0]',
      /^must be an absolute path/,
    );
  });

  it('path globs may not use [ ] or { }, nor . or .. segments', () => {
    expectRejected(
      { fileRead: { deny: ['/var/task/{a,b}.js'] } },
      'fileRead.deny[0]',
      'uses [ ] or { }; only *, ** and ? are special; got "/var/task/{a,b}.js"',
    );
    expectRejected({ fileWrite: { allow: ['/tmp/[abc]/**'] } }, 'fileWrite.allow[0]', /^uses \[ \] or \{ \}/);
    expectRejected(
      { childProcess: { allow: ['/usr/bin/[a-z]*'] } },
      'childProcess.allow[0]',
      /^uses \[ \] or \{ \}/,
    );
    expectRejected(
      { fileWrite: { allow: ['/tmp/../etc/**'] } },
      'fileWrite.allow[0]',
      /^must not contain \. or \.\./,
    );
  });

  it('host globs may not carry a scheme, a path or user info', () => {
    for (const pattern of [
      'https://api.example.com',
      'api.example.com/v1',
      'me@api.example.com',
      'a b.com',
    ]) {
      expectRejected(
        { outbound: { allowHosts: ['*.amazonaws.com', pattern] } },
        'outbound.allowHosts[1]',
        `must be host, host:port or host:*, without scheme or path; got ${JSON.stringify(pattern)}`,
      );
    }
  });

  it('host globs need a valid port', () => {
    for (const pattern of [
      'db.internal:mysql',
      'db.internal:',
      'db.internal:99999',
      'db.internal:65536',
      '[::1]:x',
    ]) {
      expectRejected(
        { outbound: { allowHosts: [pattern] } },
        'outbound.allowHosts[0]',
        `has an invalid port; got ${JSON.stringify(pattern)}`,
      );
    }
    expectRejected(
      { outbound: { allowHosts: [':443'] } },
      'outbound.allowHosts[0]',
      'has no host; got ":443"',
    );
  });

  it('a Unix socket glob is a path glob', () => {
    expectRejected(
      { outbound: { allowHosts: ['unix:run/x.sock'] } },
      'outbound.allowHosts[0]',
      /^must be an absolute/,
    );
    expect(
      build({ mode: 'allow', outbound: { allowHosts: ['unix:/run/*.sock'] } }).policy.outbound.list,
    ).toEqual(['unix:/run/*.sock']);
  });
});

describe('clients', () => {
  it.each([['a client'], [42], [null], [{}]])('%j is not a list', (clients) => {
    expectRejected({ clients }, 'clients', 'must be an array of AWS SDK v3 clients');
  });

  it.each([[{}], [null], [{ config: {} }], [{ config: { endpointProvider: 'x' } }]])(
    'an entry like %j is not a client',
    (client) => {
      expectRejected(
        { clients: [new DynamoDBClient({ region: 'eu-west-1' }), client] },
        'clients[1]',
        'must be an AWS SDK v3 client (an object whose config has an endpointProvider)',
      );
    },
  );
});

describe('taskRoot', () => {
  it.each([['var/task'], ['./task'], [''], [42], [null], [['/var/task']]])('%j is rejected', (taskRoot) => {
    expectRejected({ taskRoot }, 'taskRoot', `must be an absolute path; got ${JSON.stringify(taskRoot)}`);
  });

  it('a relative LAMBDA_TASK_ROOT is rejected the same way', () => {
    withTaskRootEnv('task', () => expectRejected({}, 'taskRoot', 'must be an absolute path; got "task"'));
  });
});

const PROC_DENY = ['environ', 'cmdline', 'mem', 'maps', 'auxv'].flatMap((name) => [
  `/proc/*/${name}`,
  `/proc/*/task/*/${name}`,
]);

describe('the normalised policy', () => {
  it('shows every default', () => {
    const guard = withEnv({ LAMBDA_TASK_ROOT: undefined, AWS_REGION: 'eu-west-1' }, () => build());
    expect(guard.policy).toEqual({
      taskRoot: undefined,
      clients: [],
      childProcess: { mode: 'alert' },
      fileWrite: { mode: 'alert', list: ['/tmp/**'] },
      fileRead: { mode: 'alert', list: PROC_DENY },
      outbound: { mode: 'alert', list: ['*.eu-west-1.amazonaws.com:443', '*.eu-west-1.api.aws:443'] },
    });
  });

  it('allows no AWS host by default where the region is unknown, and none but the clients’ when given', () => {
    const ddb = new DynamoDBClient({ region: 'eu-west-1' });
    expect(
      withEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }, () => build()).policy.outbound.list,
    ).toEqual([]);
    expect(withEnv({ AWS_REGION: 'cn-north-1' }, () => build()).policy.outbound.list).toEqual([
      '*.cn-north-1.amazonaws.com.cn:443',
      '*.cn-north-1.api.aws:443',
    ]);
    expect(withEnv({ AWS_REGION: 'not a region' }, () => build()).policy.outbound.list).toEqual([]);
    const withClients = withEnv({ AWS_REGION: 'eu-west-1' }, () => build({ clients: [ddb] }));
    expect(withClients.policy.outbound.list).toEqual([]);
    expect(withClients.policy.clients).toEqual([ddb]);
    ddb.destroy();
  });

  it('denies reading the task root, from LAMBDA_TASK_ROOT or the option', () => {
    const fromEnv = withTaskRootEnv('/var/task', () => build({ mode: 'allow' }));
    expect(fromEnv.policy.taskRoot).toBe('/var/task');
    expect(fromEnv.policy.fileRead.list).toEqual(['/var/task/**', ...PROC_DENY]);
    const fromOption = withTaskRootEnv('/var/task', () => build({ mode: 'allow', taskRoot: '/opt/app/' }));
    expect(fromOption.policy.taskRoot).toBe('/opt/app/');
    expect(fromOption.policy.fileRead.list[0]).toBe('/opt/app/**');
    // An unnormalised root still yields a glob that can match.
    expect(build({ mode: 'allow', taskRoot: '/opt/./app//' }).policy.fileRead.list[0]).toBe('/opt/app/**');
  });

  it('takes the top-level mode for every policy not given one', () => {
    const guard = withEnv({ AWS_REGION: 'eu-west-1' }, () =>
      build({
        mode: 'allow',
        fileRead: { deny: ['/secrets/**'] },
        outbound: 'alert',
        childProcess: { mode: 'allow', allow: ['convert', '/usr/bin/*'] },
      }),
    );
    expect(guard.policy).toMatchObject({
      childProcess: { mode: 'allow', list: ['convert', '/usr/bin/*'] },
      fileWrite: { mode: 'allow', list: ['/tmp/**'] },
      fileRead: { mode: 'allow', list: ['/secrets/**'] },
      outbound: { mode: 'alert', list: ['*.eu-west-1.amazonaws.com:443', '*.eu-west-1.api.aws:443'] },
    });
  });

  it('a policy object with only a mode keeps the default list', () => {
    const guard = withEnv({ AWS_REGION: 'eu-west-1' }, () =>
      build({ mode: 'allow', fileWrite: { mode: 'alert' }, outbound: { mode: 'alert' } }),
    );
    expect(guard.policy.fileWrite).toEqual({ mode: 'alert', list: ['/tmp/**'] });
    expect(guard.policy.outbound).toEqual({
      mode: 'alert',
      list: ['*.eu-west-1.amazonaws.com:443', '*.eu-west-1.api.aws:443'],
    });
  });

  it('replaces a default list with the given one (no merging) and keeps its own copy', () => {
    const allow = ['/mnt/efs/**'];
    const guard = build({ mode: 'allow', fileWrite: { allow }, outbound: { allowHosts: [] } });
    allow.push('/**');
    expect(guard.policy.fileWrite.list).toEqual(['/mnt/efs/**']);
    expect(guard.policy.outbound.list).toEqual([]);
  });
});
