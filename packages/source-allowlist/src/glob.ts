/**
 * Glob patterns for ARNs and paths. In a path, `*` matches within one
 * `/`-separated segment. In an ARN, `*` matches within one of its six
 * components (`arn:partition:service:region:account:resource`), like IAM: it
 * never crosses into another component, but the resource component may
 * itself contain `:` (DynamoDB stream labels, Lambda qualifiers). Nothing
 * else is special — `?`, `[`, `{` are refused so nobody relies on syntax we
 * do not implement.
 */

const UNSUPPORTED = /[?[\]{}\s]/;
const REGEX_SPECIAL = /[.+^$()|\\]/g;

export interface CompiledGlob {
  readonly source: string;
  /** Undefined for a pattern without `*`: compare with `===`, cheaper than a regex. */
  readonly regex?: RegExp;
}

/** Returns an error message, or undefined when `pattern` is a valid glob. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.includes('**')) return 'uses "**"; only "*" (within one segment) is supported';
  const bad = UNSUPPORTED.exec(pattern);
  if (bad) return `contains ${JSON.stringify(bad[0])}; only "*" is special and whitespace is not allowed`;
  return undefined;
}

function globBody(pattern: string, star: string): string {
  return pattern
    .split('*')
    .map((literal) => literal.replace(REGEX_SPECIAL, '\\$&'))
    .join(star);
}

export function compilePathGlob(pattern: string): CompiledGlob {
  if (!pattern.includes('*')) return { source: pattern };
  return { source: pattern, regex: new RegExp(`^${globBody(pattern, '[^/]*')}$`) };
}

/** `pattern` must already be checked to have six components. */
export function compileArnGlob(pattern: string): CompiledGlob {
  if (!pattern.includes('*')) return { source: pattern };
  const components = pattern.split(':');
  const head = components.slice(0, 5).map((c) => globBody(c, '[^:]*'));
  const resource = globBody(components.slice(5).join(':'), '.*');
  return { source: pattern, regex: new RegExp(`^${[...head, resource].join(':')}$`) };
}

export function globMatches(glob: CompiledGlob, value: string): boolean {
  return glob.regex ? glob.regex.test(value) : glob.source === value;
}
