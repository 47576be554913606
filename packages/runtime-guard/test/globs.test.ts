import fs from 'node:fs';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileHostGlobs,
  compilePathGlobs,
  hostGlobProblem,
  hostKey,
  pathGlobProblem,
} from '../src/globs.ts';
import { RuntimeGuardViolationError, runtimeGuard } from '../src/index.ts';

const matches = (patterns: string[], path: string) => compilePathGlobs(patterns)(path);
const hostMatches = (patterns: string[], host: string, port: number | string) =>
  compileHostGlobs(patterns)(hostKey(host, port));

describe('compilePathGlobs', () => {
  it('** matches any number of whole segments, none included', () => {
    expect(matches(['/tmp/**'], '/tmp')).toBe(true);
    expect(matches(['/tmp/**'], '/tmp/a')).toBe(true);
    expect(matches(['/tmp/**'], '/tmp/a/b/c.txt')).toBe(true);
    expect(matches(['/tmp/**'], '/tmpfoo')).toBe(false);
    expect(matches(['/tmp/**'], '/tmpfoo/a')).toBe(false);
    expect(matches(['/tmp/**'], '/')).toBe(false);
    expect(matches(['/tmp/**'], '/var/tmp')).toBe(false);
    expect(matches(['/a/**/z'], '/a/z')).toBe(true);
    expect(matches(['/a/**/z'], '/a/b/c/z')).toBe(true);
    expect(matches(['/a/**/z'], '/a/b/c/zz')).toBe(false);
    expect(matches(['/**'], '/')).toBe(true);
    expect(matches(['/**'], '/etc/passwd')).toBe(true);
    expect(matches(['/**/**'], '/')).toBe(true);
  });

  it('* and ? stay inside one segment', () => {
    expect(matches(['/var/task/*.js'], '/var/task/handler.js')).toBe(true);
    expect(matches(['/var/task/*.js'], '/var/task/.js')).toBe(true);
    expect(matches(['/var/task/*.js'], '/var/task/lib/handler.js')).toBe(false);
    expect(matches(['/var/task/*'], '/var/task')).toBe(false);
    expect(matches(['/*'], '/')).toBe(false);
    expect(matches(['/*'], '/etc')).toBe(true);
    expect(matches(['/proc/*/environ'], '/proc/1234/environ')).toBe(true);
    expect(matches(['/proc/*/environ'], '/proc/1/task/1/environ')).toBe(false);
    expect(matches(['/tmp/file?.txt'], '/tmp/file1.txt')).toBe(true);
    expect(matches(['/tmp/file?.txt'], '/tmp/file.txt')).toBe(false);
    expect(matches(['/tmp/file?.txt'], '/tmp/file12.txt')).toBe(false);
    expect(matches(['/tmp/?'], '/tmp//')).toBe(false);
    expect(matches(['/a/b**c'], '/a/bxyc')).toBe(true);
    expect(matches(['/a/b**c'], '/a/b/c')).toBe(false);
  });

  it('takes every other character literally', () => {
    expect(matches(['/tmp/a.b'], '/tmp/a.b')).toBe(true);
    expect(matches(['/tmp/a.b'], '/tmp/aXb')).toBe(false);
    expect(matches(['/tmp/a+b(1)|$^'], '/tmp/a+b(1)|$^')).toBe(true);
    expect(matches(['/tmp/a+b'], '/tmp/aab')).toBe(false);
    expect(matches(['/tmp/a\\b'], '/tmp/a\\b')).toBe(true);
    expect(matches(['/tmp/x'], '/tmp/x/')).toBe(false);
  });

  it('matches any glob of a list, and nothing for an empty list', () => {
    const list = ['/tmp/**', '/mnt/efs/*.db', '/var/task/config.json'];
    expect(matches(list, '/tmp/x')).toBe(true);
    expect(matches(list, '/mnt/efs/app.db')).toBe(true);
    expect(matches(list, '/var/task/config.json')).toBe(true);
    expect(matches(list, '/var/task/handler.js')).toBe(false);
    expect(matches([], '/')).toBe(false);
    expect(matches([], '/tmp')).toBe(false);
  });

  it('ignores a trailing slash and doubled slashes in the glob', () => {
    expect(matches(['/tmp/'], '/tmp')).toBe(true);
    expect(matches(['/tmp/**/'], '/tmp/a')).toBe(true);
    expect(matches(['/tmp//data/**'], '/tmp/data/x')).toBe(true);
    expect(matches(['/'], '/')).toBe(true);
    expect(matches(['/'], '/tmp')).toBe(false);
  });
});

describe('pathGlobProblem', () => {
  it('accepts absolute globs of *, ** and ?', () => {
    for (const ok of ['/', '/tmp/**', '/var/task/*.js', '/tmp/file?.txt', '/a/**/z/', '/tmp/a+b(1)'])
      expect(pathGlobProblem(ok)).toBeUndefined();
  });

  it('explains what is wrong', () => {
    expect(pathGlobProblem('')).toBe('must be a non-empty string');
    expect(pathGlobProblem(42)).toBe('must be a non-empty string');
    expect(pathGlobProblem(undefined)).toBe('must be a non-empty string');
    expect(pathGlobProblem('tmp/**')).toBe('must be an absolute path; got "tmp/**"');
    expect(pathGlobProblem('./x')).toMatch(/^must be an absolute path/);
    expect(pathGlobProblem('~/x')).toMatch(/^must be an absolute path/);
    expect(pathGlobProblem('/tmp/[ab]')).toBe(
      'uses [ ] or { }; only *, ** and ? are special; got "/tmp/[ab]"',
    );
    expect(pathGlobProblem('/tmp/{a,b}')).toMatch(/^uses \[ \] or \{ \}/);
    expect(pathGlobProblem('/tmp/../etc')).toBe('must not contain . or .. segments; got "/tmp/../etc"');
    expect(pathGlobProblem('/tmp/./x')).toMatch(/^must not contain \. or \.\. segments/);
    expect(pathGlobProblem('/tmp/..')).toMatch(/^must not contain/);
    // Dots inside a name are fine.
    expect(pathGlobProblem('/tmp/..hidden/.env')).toBeUndefined();
  });
});

describe('compileHostGlobs and hostKey', () => {
  it('* stays inside one label: *.<region>.amazonaws.com is the services, not hosts anyone can own', () => {
    const regional = ['*.eu-west-1.amazonaws.com'];
    expect(hostMatches(regional, 'dynamodb.eu-west-1.amazonaws.com', 443)).toBe(true);
    expect(hostMatches(regional, 'sts.eu-west-1.amazonaws.com', 443)).toBe(true);
    // EC2 public names, S3 websites, API Gateway and load balancers: attacker-ownable, one label deeper
    expect(hostMatches(regional, 'ec2-203-0-113-7.eu-west-1.compute.amazonaws.com', 443)).toBe(false);
    expect(hostMatches(regional, 'evil-site.s3-website.eu-west-1.amazonaws.com', 443)).toBe(false);
    expect(hostMatches(regional, 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', 443)).toBe(false);
    expect(hostMatches(regional, 'my-lb-1234.eu-west-1.elb.amazonaws.com', 443)).toBe(false);
    expect(hostMatches(['*.amazonaws.com'], 'ec2-203-0-113-7.compute-1.amazonaws.com', 443)).toBe(false);
    expect(hostMatches(['*.amazonaws.com'], 's3.amazonaws.com', 443)).toBe(true);
    // not the look-alikes either
    expect(hostMatches(regional, 'eu-west-1.amazonaws.com', 443)).toBe(false);
    expect(hostMatches(regional, 'eu-west-1.amazonaws.com.evil.com', 443)).toBe(false);
    expect(hostMatches(regional, 'dynamodb.eu-west-1.amazonaws.com.evil.com', 443)).toBe(false);
    expect(hostMatches(regional, 'evileu-west-1.amazonaws.com', 443)).toBe(false);
    expect(hostMatches(['db*.internal'], 'db1.internal', 5432)).toBe(true);
    expect(hostMatches(['db*.internal'], 'db.evil.internal', 5432)).toBe(false);
  });

  it('a leading **. spans labels, and ** alone is any host: the explicit way to widen', () => {
    const deep = ['**.amazonaws.com'];
    expect(hostMatches(deep, 'dynamodb.eu-west-1.amazonaws.com', 443)).toBe(true);
    expect(hostMatches(deep, 'a.b.c.d.amazonaws.com', 80)).toBe(true);
    expect(hostMatches(deep, 's3.amazonaws.com', 443)).toBe(true);
    expect(hostMatches(deep, 'amazonaws.com', 443)).toBe(false);
    expect(hostMatches(deep, 'amazonaws.com.evil.com', 443)).toBe(false);
    expect(hostMatches(deep, 'evilamazonaws.com', 443)).toBe(false);
    expect(hostMatches(['**'], 'anything.example', 1234)).toBe(true);
    expect(hostMatches(['**:443'], 'anything.example', 80)).toBe(false);
  });

  it('* in an IPv4 pattern is one number, so no host name passes for an address', () => {
    expect(hostMatches(['10.0.*.*:5432'], '10.0.3.7', 5432)).toBe(true);
    expect(hostMatches(['10.0.*.*:5432'], '10.0.attacker.example', 5432)).toBe(false);
    expect(hostMatches(['10.0.*.*:5432'], '10.0.evil.com', 5432)).toBe(false);
    expect(hostMatches(['10.0.*.*:5432'], '10.0.3.7.evil.com', 5432)).toBe(false);
    expect(hostMatches(['127.0.0.*'], '127.0.0.1', 80)).toBe(true);
    expect(hostMatches(['127.0.0.*'], '127.0.0.1x', 80)).toBe(false);
    expect(hostMatches(['127.0.0.*'], '127.0.0.1234', 80)).toBe(false);
  });

  it('ignores case and a trailing dot, in the host and in the glob', () => {
    expect(hostMatches(['*.eu-west-1.amazonaws.com'], 'DynamoDB.EU-WEST-1.AmazonAWS.com', 443)).toBe(true);
    expect(hostMatches(['*.AmazonAWS.COM'], 'sts.amazonaws.com', 443)).toBe(true);
    expect(hostMatches(['*.amazonaws.com'], 'sts.amazonaws.com.', 443)).toBe(true);
    expect(hostMatches(['db.internal.'], 'db.internal', 5432)).toBe(true);
    expect(hostKey('Sts.AmazonAWS.com.', 443)).toBe('sts.amazonaws.com 443');
    expect(hostKey('::1', '8000')).toBe('::1 8000');
  });

  it('matches ports: any without one, exactly with one, any with :*', () => {
    expect(hostMatches(['db.internal'], 'db.internal', 3306)).toBe(true);
    expect(hostMatches(['db.internal:3306'], 'db.internal', 3306)).toBe(true);
    expect(hostMatches(['db.internal:3306'], 'db.internal', '3306')).toBe(true);
    expect(hostMatches(['db.internal:3306'], 'db.internal', 33060)).toBe(false);
    expect(hostMatches(['db.internal:3306'], 'db.internal', 330)).toBe(false);
    expect(hostMatches(['db.internal:*'], 'db.internal', 1)).toBe(true);
    expect(hostMatches(['10.0.*.*:5432'], '10.0.3.7', 5432)).toBe(true);
    expect(hostMatches(['10.0.*.*:5432'], '10.1.3.7', 5432)).toBe(false);
    expect(hostMatches(['10.0.*.*:5432'], '10.0.3.7', 5433)).toBe(false);
    expect(hostMatches(['127.0.0.1:9001'], '127.0.0.1', 9001)).toBe(true);
    // A leading zero in the glob's port is the same port.
    expect(hostMatches(['api.local:0443'], 'api.local', 443)).toBe(true);
  });

  it('a * never reaches across into the port', () => {
    expect(hostMatches(['a*:443'], 'a 80 b', 443)).toBe(false);
    expect(hostMatches(['**:443'], 'a 80 b', 443)).toBe(false);
    expect(hostMatches(['*.example:*'], 'anything.example', 1234)).toBe(true);
  });

  it('takes IPv6 in brackets, with or without a port, and bare', () => {
    expect(hostMatches(['[::1]:8000'], '::1', 8000)).toBe(true);
    expect(hostMatches(['[::1]:8000'], '::1', 8001)).toBe(false);
    expect(hostMatches(['[::1]:8000'], '::2', 8000)).toBe(false);
    expect(hostMatches(['[::1]'], '::1', 9)).toBe(true);
    expect(hostMatches(['[::1]:*'], '::1', 9)).toBe(true);
    expect(hostMatches(['::1'], '::1', 9)).toBe(true);
    expect(hostMatches(['[2001:DB8::*]:443'], '2001:db8::42', 443)).toBe(true);
  });

  it('matches Unix sockets by path glob, never by host', () => {
    const sockets = compileHostGlobs(['unix:/run/*.sock', 'localhost']);
    expect(sockets('unix:/run/docker.sock')).toBe(true);
    expect(sockets('unix:/run/sub/docker.sock')).toBe(false);
    expect(sockets('unix:/tmp/docker.sock')).toBe(false);
    expect(sockets('unix:localhost')).toBe(false);
    expect(sockets('unix:/lhost')).toBe(false); // a host pattern is never read as a socket path
    expect(sockets(hostKey('localhost', 80))).toBe(true);
    expect(compileHostGlobs(['unix:/run/**'])('unix:/run/a/b.sock')).toBe(true);
    expect(compileHostGlobs(['unix:/run/**'])(hostKey('run', 1))).toBe(false);
    expect(compileHostGlobs([])(hostKey('localhost', 80))).toBe(false);
    expect(compileHostGlobs([])('unix:/run/x.sock')).toBe(false);
  });
});

describe('host patterns, label by label', () => {
  it('every label but a leading ** is matched as written: literal characters, * within the label', () => {
    expect(hostMatches(['a.example.com'], 'b.example.com', 443)).toBe(false);
    expect(hostMatches(['a.*.com'], 'a.example.com', 443)).toBe(true);
    expect(hostMatches(['a.*.com'], 'b.example.com', 443)).toBe(false);
    expect(hostMatches(['a+b.example'], 'aab.example', 443)).toBe(false);
    expect(hostMatches(['a+b.example'], 'a+b.example', 443)).toBe(true);
    expect(hostMatches(['db-*.internal'], 'db-1.internal', 5432)).toBe(true);
  });

  it('an IPv4 pattern is numbers and * only; any other is a name pattern', () => {
    expect(hostMatches(['10.100.*.*'], '10.100.7.8', 80)).toBe(true);
    expect(hostMatches(['10.100.*.*'], '10.100.evil.com', 80)).toBe(false);
    expect(hostMatches(['192.168.100.*'], '192.168.100.250', 80)).toBe(true);
    // no number in it: four labels of any name
    expect(hostMatches(['*.*.*.*'], 'a.b.c.d', 80)).toBe(true);
    expect(hostMatches(['*.*.*.*'], 'a.b.c', 80)).toBe(false);
  });
});

describe('hostGlobProblem', () => {
  it('accepts host, host:port, host:*, IPv6 and unix: globs', () => {
    for (const ok of [
      'example.com',
      '*.amazonaws.com',
      'db.internal:3306',
      'db.internal:*',
      '10.0.*.*:5432',
      '**.example.com',
      '**:443',
      '[::1]:8000',
      '[::1]',
      '::1',
      'localhost:65535',
      'unix:/run/*.sock',
    ])
      expect(hostGlobProblem(ok), ok).toBeUndefined();
  });

  it('explains what is wrong', () => {
    expect(hostGlobProblem('')).toBe('must be a non-empty string');
    expect(hostGlobProblem(443)).toBe('must be a non-empty string');
    const form = 'must be host, host:port or host:*, without scheme or path; got';
    expect(hostGlobProblem('https://api.example.com')).toBe(`${form} "https://api.example.com"`);
    expect(hostGlobProblem('api.example.com/v1')).toBe(`${form} "api.example.com/v1"`);
    expect(hostGlobProblem('user@api.example.com')).toMatch(/^must be host, host:port or host:\*/);
    expect(hostGlobProblem('api.example.com?x')).toMatch(/without scheme or path/);
    expect(hostGlobProblem('api example.com')).toMatch(/without scheme or path/);
    expect(hostGlobProblem('[::1')).toMatch(/without scheme or path/);
    expect(hostGlobProblem('[::1]x')).toBe('must be [IPv6] or [IPv6]:port; got "[::1]x"');
    expect(hostGlobProblem('api.example.com:https')).toBe('has an invalid port; got "api.example.com:https"');
    expect(hostGlobProblem('api.example.com:')).toMatch(/^has an invalid port/);
    expect(hostGlobProblem('api.example.com:-1')).toMatch(/^has an invalid port/);
    expect(hostGlobProblem('api.example.com:123456')).toMatch(/^has an invalid port/);
    expect(hostGlobProblem('api.example.com:65536')).toMatch(/^has an invalid port/);
    expect(hostGlobProblem('[::1]:port')).toMatch(/^has an invalid port/);
    expect(hostGlobProblem(':443')).toBe('has no host; got ":443"');
    expect(hostGlobProblem('.')).toBe('has no host; got "."');
    expect(hostGlobProblem('.:80')).toBe('has no host; got ".:80"');
    expect(hostGlobProblem('a[::1]')).toBe(
      'must be host, host:port or host:*, without scheme or path; got "a[::1]"',
    );
    expect(hostGlobProblem('fe80::1%eth0')).toBe(
      'must be host, host:port or host:* (IPv6 in brackets: [::1]:8000); got "fe80::1%eth0"',
    );
    expect(hostGlobProblem('10.0.*.')).toMatch(/^an IPv4 pattern has four parts/);
    // numbers without * are a literal name, matched as written
    expect(hostGlobProblem('10.0.0')).toBeUndefined();
    expect(hostGlobProblem('host:3306:1')).toMatch(/IPv6 in brackets/);
    expect(hostGlobProblem('unix:run/x.sock')).toMatch(/^must be an absolute path/);
    expect(hostGlobProblem('10.0.*:5432')).toBe(
      'an IPv4 pattern has four parts, * standing for one number (10.0.*.*); got "10.0.*:5432"',
    );
    expect(hostGlobProblem('10.*')).toMatch(/^an IPv4 pattern has four parts/);
    expect(hostGlobProblem('a.**.example.com')).toBe(
      'may use ** only as its whole first label (**.example.com) or alone; got "a.**.example.com"',
    );
    expect(hostGlobProblem('x**.example.com')).toMatch(/^may use \*\* only as its whole first label/);
    expect(hostGlobProblem('*:443')).toBe(
      '* never crosses a dot, so alone it matches only single-label names; use ** for any host; got "*:443"',
    );
    expect(hostGlobProblem('unix:/run/[ab].sock')).toMatch(/^uses \[ \] or \{ \}/);
  });
});

/** A reference glob matcher written segment by segment, independent of the regex compiler. */
function referenceMatch(pattern: string, path: string): boolean {
  const globs = pattern.split('/').filter(Boolean);
  const names = path.split('/').filter(Boolean);
  const segment = (glob: string, name: string): boolean => {
    if (glob === '') return name === '';
    if (glob[0] === '*') return segment(glob.slice(1), name) || (name !== '' && segment(glob, name.slice(1)));
    if (name === '') return false;
    return (glob[0] === '?' || glob[0] === name[0]) && segment(glob.slice(1), name.slice(1));
  };
  const from = (i: number, j: number): boolean => {
    if (i === globs.length) return j === names.length;
    if (globs[i] === '**') return from(i + 1, j) || (j < names.length && from(i, j + 1));
    return j < names.length && segment(globs[i] as string, names[j] as string) && from(i + 1, j + 1);
  };
  return from(0, 0);
}

describe('properties', () => {
  const name = fc.constantFrom('a', 'b', 'ab', 'ba', 'abb', 'x.y', '.a');
  const globSegment = fc.constantFrom('a', 'b', '*', '?', 'a*', '*b', 'a?', '**', '*.y', '?a*');

  it('the compiled glob agrees with a segment-by-segment reference matcher', () => {
    const seen = new Set<boolean>();
    fc.assert(
      fc.property(
        fc.array(globSegment, { minLength: 0, maxLength: 5 }),
        fc.array(name, { minLength: 0, maxLength: 6 }),
        fc.boolean(),
        (globs, names, trailingSlash) => {
          const pattern = `/${globs.join('/')}${trailingSlash && globs.length ? '/' : ''}`;
          const path = `/${names.join('/')}`;
          expect(pathGlobProblem(pattern)).toBeUndefined();
          const expected = referenceMatch(pattern, path);
          seen.add(expected);
          expect(matches([pattern], path)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
    expect(seen).toEqual(new Set([true, false]));
  });

  it('a path outside /tmp never matches /tmp/**, however it is built', () => {
    const start = fc.constantFrom(
      '/tmp',
      '/tmpfoo',
      '/tm',
      '/tmp2',
      '/',
      '/etc',
      '/var/tmp',
      '/tmp.d',
      '/TMP',
    );
    const piece = fc.constantFrom('..', '.', '', 'tmp', 'etc', 'x', 'tmpfoo', '..tmp');
    const allowTmp = compilePathGlobs(['/tmp/**']);
    fc.assert(
      fc.property(start, fc.array(piece, { maxLength: 6 }), (head, pieces) => {
        const resolved = resolve([head, ...pieces].join('/'));
        const underTmp = resolved === '/tmp' || resolved.startsWith('/tmp/');
        expect(allowTmp(resolved)).toBe(underTmp);
      }),
      { numRuns: 500 },
    );
    for (const tricky of ['/tmp/../etc/x', '/tmpfoo/x', '/tmp/./../tmpx', '//tmp/..//etc'])
      expect(allowTmp(resolve(tricky))).toBe(false);
    expect(allowTmp(resolve('/etc/../tmp/./x'))).toBe(true);
  });

  it('a name one label under a suffix matches *.suffix, in any case; deeper ones only **.suffix; others neither', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
    // A top-level domain is never a number (a suffix of numbers would be an IPv4 pattern).
    const tld = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
    const domain = fc
      .tuple(fc.array(label, { maxLength: 3 }), tld)
      .map(([labels, last]) => [...labels, last].join('.'));
    const port = fc.integer({ min: 1, max: 65535 });
    const depths = new Set<number>();
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 4 }),
        domain,
        port,
        fc.boolean(),
        (sub, suffix, p, shout) => {
          depths.add(sub.length);
          const one = compileHostGlobs([`*.${suffix}`]);
          const any = compileHostGlobs([`**.${suffix}`]);
          const host = `${sub.join('.')}.${suffix}`;
          const key = hostKey(shout ? host.toUpperCase() : host, p);
          expect(one(key)).toBe(sub.length === 1);
          expect(any(key)).toBe(true);
          for (const matcher of [one, any]) {
            expect(matcher(hostKey(suffix, p))).toBe(false);
            expect(matcher(hostKey(`${host}.evil.example`, p))).toBe(false);
            expect(matcher(hostKey(`${sub.join('')}${suffix}`, p))).toBe(false);
          }
          expect(compileHostGlobs([`**.${suffix}:${p}`])(hostKey(host, p === 65535 ? 1 : p + 1))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
    expect([...depths].sort()).toEqual([1, 2, 3, 4]);
    fc.assert(
      fc.property(domain, domain, port, (other, suffix, p) => {
        fc.pre(!other.endsWith(`.${suffix}`));
        expect(compileHostGlobs([`*.${suffix}`, `**.${suffix}`])(hostKey(other, p))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('an IPv4 pattern with * matches exactly the addresses of its numbers, and no host name', () => {
    const octet = fc.integer({ min: 0, max: 255 }).map(String);
    const part = fc.oneof(octet, fc.constant('*'));
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);
    fc.assert(
      fc.property(
        fc.tuple(part, part, part, part),
        fc.tuple(octet, octet, octet, octet),
        fc.array(fc.oneof(octet, name), { minLength: 1, maxLength: 6 }),
        (pattern, address, labels) => {
          fc.pre(pattern.some((p) => p !== '*')); // `*.*.*.*` is any four-label name, not an address pattern
          const allow = compileHostGlobs([pattern.join('.')]);
          const expected = pattern.every((p, i) => p === '*' || p === address[i]);
          expect(allow(hostKey(address.join('.'), 80))).toBe(expected);
          const host = labels.join('.');
          if (!/^\d+(?:\.\d+){3}$/.test(host)) expect(allow(hostKey(host, 80))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the guard decides on the path a call really names', () => {
  let sandbox: string;
  beforeAll(() => {
    sandbox = fs.realpathSync(fs.mkdtempSync(join(fs.realpathSync('/tmp'), 'guard-globs-')));
    for (const dir of ['ok/a', 'ok/b', 'deny/a', 'a/b'])
      fs.mkdirSync(join(sandbox, dir), { recursive: true });
  });
  afterAll(() => {
    fs.rmSync(sandbox, { recursive: true, force: true });
  });

  /** Whether the guard stops the call. The calls have no effect either way: a listing, and an open for write without create or truncate. */
  function blocked(call: () => unknown): boolean {
    try {
      const result = call();
      if (typeof result === 'number') fs.closeSync(result);
      return false;
    } catch (error) {
      return error instanceof RuntimeGuardViolationError;
    }
  }

  it('relative and unnormalised paths get the decision of path.resolve(path)', () => {
    const guard = runtimeGuard({
      childProcess: 'allow',
      outbound: 'allow',
      fileWrite: { mode: 'block', allow: [`${sandbox}/ok/**`] },
      fileRead: { mode: 'block', deny: [`${sandbox}/deny/**`] },
    });
    // Everything below runs synchronously, so the guard governs nothing else before it is released.
    try {
      const segment = fc.constantFrom('ok', 'deny', 'a', 'b', '..', '.', '');
      const fromCwd = relative(process.cwd(), sandbox);
      const allowWrite = compilePathGlobs([`${sandbox}/ok/**`]);
      const denyRead = compilePathGlobs([`${sandbox}/deny/**`]);
      const seen = new Set<string>();
      fc.assert(
        fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (segments, relativeForm) => {
          const tail = segments.join('/');
          const raw = relativeForm ? `${fromCwd}/${tail}` : `${sandbox}/${tail}`;
          const absolute = resolve(raw);
          const readBlocked = blocked(() => fs.readdirSync(raw));
          const writeBlocked = blocked(() => fs.openSync(raw, fs.constants.O_WRONLY));
          expect(readBlocked).toBe(blocked(() => fs.readdirSync(absolute)));
          expect(writeBlocked).toBe(blocked(() => fs.openSync(absolute, fs.constants.O_WRONLY)));
          expect(readBlocked).toBe(denyRead(absolute));
          expect(writeBlocked).toBe(!allowWrite(absolute));
          seen.add(`read ${readBlocked}`).add(`write ${writeBlocked}`);
        }),
        { numRuns: 300 },
      );
      expect([...seen].sort()).toEqual(['read false', 'read true', 'write false', 'write true']);
    } finally {
      guard.release();
    }
  });
});
