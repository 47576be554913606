/**
 * The two pattern languages of the guard, compiled once at construction into
 * one regular expression per list (rule 6: the hot path runs a single
 * `RegExp.test`).
 *
 * Paths: absolute; `**` matches any number of segments, including none, so
 * `/tmp/**` matches `/tmp` itself; `*` and `?` stay inside one segment.
 *
 * Hosts: `host`, `host:port` or `host:*`. `*` in the host stays inside one
 * label — it never crosses a dot, so `*.eu-west-1.amazonaws.com` matches
 * `dynamodb.eu-west-1.amazonaws.com` but not
 * `ec2-1-2-3-4.eu-west-1.compute.amazonaws.com` — and in an IPv4 pattern
 * (`10.0.*.*`) it matches one number, so no name passes for an address. A
 * leading `**.` matches one or more labels (`**.example.com`), and `**` alone
 * any host: the explicit way to widen. IPv6 goes in brackets (`[::1]:8000`);
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
  if (/\/\.\.?(\/|$)/.test(pattern))
    return `must not contain . or .. segments; got ${JSON.stringify(pattern)}`;
  return undefined;
}

function pathGlobSource(pattern: string): string {
  // `//` means `/` to the file system, a trailing `/` nothing, and the paths checked are normalised:
  // empty segments are dropped.
  const segments = pattern.split('/').filter((segment) => segment !== '');
  // Only `**` segments (`/**`): every path, the root included.
  if (segments.length > 0 && segments.every((segment) => segment === '**')) return '/(?:[^/]+(?:/[^/]+)*)?';
  let out = '';
  for (const segment of segments) {
    if (segment === '**') {
      // zero or more whole segments
      out += '(?:/[^/]+)*';
      continue;
    }
    // A segment is never empty: `/*` does not match `/`.
    out += `/(?=[^/])${segment.replace(REGEX_SPECIAL, '\\$&').replace(/\*+/g, '[^/]*').replace(/\?/g, '[^/]')}`;
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
  if (pattern.startsWith('[') && !/^\[[^\]]+\](?::.*)?$/.test(pattern)) {
    return `must be [IPv6] or [IPv6]:port; got ${JSON.stringify(pattern)}`;
  }
  const { host, port } = splitHostPattern(pattern);
  if (host === '' || host === '.') return `has no host; got ${JSON.stringify(pattern)}`;
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.some((label, i) => label.includes('**') && (i !== 0 || label !== '**'))) {
    return `may use ** only as its whole first label (**.example.com) or alone; got ${JSON.stringify(pattern)}`;
  }
  if (labels.length === 1 && labels[0] === '*') {
    return `* never crosses a dot, so alone it matches only single-label names; use ** for any host; got ${JSON.stringify(pattern)}`;
  }
  if (isIpv4Pattern(labels.join('.')) && host.includes('*') && labels.length !== 4) {
    return `an IPv4 pattern has four parts, * standing for one number (10.0.*.*); got ${JSON.stringify(pattern)}`;
  }
  if (!pattern.startsWith('[') && host.includes(':') && !/^[0-9a-fA-F:.*]+$/.test(host)) {
    return `must be host, host:port or host:* (IPv6 in brackets: [::1]:8000); got ${JSON.stringify(pattern)}`;
  }
  if (port !== '*' && port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) {
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

/** Numbers and `*`, dot-separated, at least one number: a pattern for IPv4 addresses, where `*` is one number. */
function isIpv4Pattern(host: string): boolean {
  return /^(?:\d{1,3}|\*)(?:\.(?:\d{1,3}|\*))*$/.test(host) && /\d/.test(host);
}

function hostGlobSource(pattern: string): string {
  const { host, port } = splitHostPattern(pattern.toLowerCase());
  // Like the key, without a trailing dot. `*` stays inside one label: it never crosses a dot (nor
  // into the port), and in an IPv4 pattern it is one number, so no host name passes for an address.
  const bare = host.replace(/\.$/, '');
  const star = isIpv4Pattern(bare) ? '\\d{1,3}' : '[^. ]*';
  const hostSource = bare
    .split('.')
    .map((label, i) =>
      // A leading `**` is one or more whole labels: the explicit way to widen.
      i === 0 && label === '**' ? '[^ ]+' : label.replace(REGEX_SPECIAL, '\\$&').replace(/\*+/g, star),
    )
    .join('\\.');
  const portSource = port === undefined || port === '*' ? '\\d+' : String(Number(port));
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
