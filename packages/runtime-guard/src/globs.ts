/**
 * The two pattern languages of the guard, compiled once at construction into
 * one regular expression per list (rule 6: the hot path runs a single
 * `RegExp.test`).
 *
 * Paths: absolute; `**` matches any number of segments, including none, so
 * `/tmp/**` matches `/tmp` itself; `*` and `?` stay inside one segment.
 *
 * Hosts: `host`, `host:port` or `host:*`; `*` in the host matches any run of
 * characters, dots included, so `*.amazonaws.com` matches
 * `dynamodb.eu-west-1.amazonaws.com`; IPv6 goes in brackets (`[::1]:8000`);
 * matching ignores case. `unix:/path/glob` matches Unix-socket connections.
 */

const REGEX_SPECIAL = /[.+^$()|\\{}[\]]/g;

export type Matcher = (value: string) => boolean;

const NEVER: Matcher = () => false;

/** Returns an error message, or undefined when `pattern` is a usable path glob. */
export function pathGlobProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern === '') return 'must be a non-empty string';
  if (!pattern.startsWith('/')) return `must be an absolute path; got ${JSON.stringify(pattern)}`;
  if (/[[\]{}]/.test(pattern))
    return `uses [ ] or { }; only *, ** and ? are special; got ${JSON.stringify(pattern)}`;
  if (/(^|\/)\.\.?(\/|$)/.test(pattern))
    return `must not contain . or .. segments; got ${JSON.stringify(pattern)}`;
  return undefined;
}

function pathGlobSource(pattern: string): string {
  const trimmed = pattern.length > 1 ? pattern.replace(/\/+$/, '') : pattern;
  let out = '';
  const segments = trimmed.split('/').slice(1);
  for (const segment of segments) {
    if (segment === '**') {
      // zero or more whole segments
      out += '(?:/[^/]+)*';
      continue;
    }
    out += `/${segment.replace(REGEX_SPECIAL, '\\$&').replace(/\*+/g, '[^/]*').replace(/\?/g, '[^/]')}`;
  }
  return out === '' ? '/' : out;
}

/** One matcher for a list of path globs. */
export function compilePathGlobs(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return NEVER;
  const regex = new RegExp(`^(?:${patterns.map(pathGlobSource).join('|')})$`);
  return (path) => regex.test(path);
}

/** Returns an error message, or undefined when `pattern` is a usable host glob. */
export function hostGlobProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern === '') return 'must be a non-empty string';
  if (pattern.startsWith('unix:')) return pathGlobProblem(pattern.slice(5));
  if (/[\s/@?#[\]]/.test(pattern.replace(/^\[[0-9a-fA-F:.*]+\]/, ''))) {
    return `must be host, host:port or host:*, without scheme or path; got ${JSON.stringify(pattern)}`;
  }
  const port = splitHostPattern(pattern).port;
  if (port !== '*' && port !== undefined && !/^\d{1,5}$/.test(port)) {
    return `has an invalid port; got ${JSON.stringify(pattern)}`;
  }
  return undefined;
}

function splitHostPattern(pattern: string): { host: string; port?: string } {
  if (pattern.startsWith('[')) {
    const end = pattern.indexOf(']');
    const host = pattern.slice(1, end);
    const rest = pattern.slice(end + 1);
    return rest.startsWith(':') ? { host, port: rest.slice(1) } : { host };
  }
  const colons = pattern.split(':').length - 1;
  if (colons === 1) {
    const [host = '', port] = pattern.split(':');
    return port === undefined ? { host } : { host, port };
  }
  // a bare IPv6 address without brackets: no port
  return { host: pattern };
}

function hostGlobSource(pattern: string): string {
  const { host, port } = splitHostPattern(pattern.toLowerCase());
  const hostSource = host.replace(REGEX_SPECIAL, '\\$&').replace(/\*+/g, '.*');
  const portSource = port === undefined || port === '*' ? '\\d+' : port;
  return `${hostSource} ${portSource}`;
}

/**
 * One matcher for a list of host globs. The matcher takes `host port`
 * (a space between them: hosts never contain one) or `unix:/path`.
 */
export function compileHostGlobs(patterns: readonly string[]): Matcher {
  const hosts = patterns.filter((p) => !p.startsWith('unix:'));
  const sockets = patterns.filter((p) => p.startsWith('unix:')).map((p) => p.slice(5));
  const hostRegex = hosts.length ? new RegExp(`^(?:${hosts.map(hostGlobSource).join('|')})$`) : undefined;
  const socketMatcher = compilePathGlobs(sockets);
  return (target) =>
    target.startsWith('unix:') ? socketMatcher(target.slice(5)) : (hostRegex?.test(target) ?? false);
}

/** The matcher's key for a TCP target. */
export function hostKey(host: string, port: number | string): string {
  return `${host.toLowerCase().replace(/\.$/, '')} ${port}`;
}
