/**
 * Credential detectors. High precision first: each pattern is anchored on a
 * prefix or structure real credentials have, and only the secret part is
 * masked so the rest of a log message stays readable.
 */
import {
  type Detector,
  isMarked,
  marker,
  regexDetector,
  START,
  TEXT_B,
  TEXT_I,
  TEXT_J,
  TEXT_K,
  TEXT_PAIR,
  TEXT_SCHEME,
  TEXT_UNDERSCORE,
  TEXT_X,
} from './detector.ts';
import type { KeyMatcher } from './key-rules.ts';

export const SECRET_DETECTOR_FAMILIES = [
  'private-key',
  'jwt',
  'aws-access-key',
  'github-token',
  'slack-token',
  'url-password',
  'auth-credential',
  'secret-param',
] as const;
export type SecretDetectorFamily = (typeof SECRET_DETECTOR_FAMILIES)[number];

const privateKey = regexDetector(
  'private-key',
  TEXT_K,
  (s) => s.includes('PRIVATE KEY'),
  // Keep the BEGIN/END lines (they say what was there); a block cut off before END is masked to the end.
  /(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)[\s\S]*?(-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g,
  (_match, [begin, end]) => `${begin}${marker('private-key')}${end}`,
);

const jwt = regexDetector(
  'jwt',
  TEXT_J,
  (s) => s.includes('eyJ'),
  // header.payload[.signature[...JWE parts]]; the header is base64url of '{"' so it starts with eyJ.
  new RegExp(
    `${START('A-Za-z0-9_-')}eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{2,}(?:\\.[A-Za-z0-9_-]+){0,3}`,
    'g',
  ),
  () => marker('jwt'),
);

const awsAccessKey = regexDetector(
  'aws-access-key',
  TEXT_I,
  (s) => s.includes('AKIA') || s.includes('ASIA'),
  new RegExp(`${START('A-Za-z0-9')}(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])`, 'g'),
  () => marker('aws-access-key'),
);

const githubToken = regexDetector(
  'github-token',
  TEXT_UNDERSCORE,
  (s) => s.includes('_') && (s.includes('gh') || s.includes('github')),
  new RegExp(`${START('A-Za-z0-9_')}(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`, 'g'),
  () => marker('github-token'),
);

const slackToken = regexDetector(
  'slack-token',
  TEXT_X,
  (s) => s.includes('xox'),
  new RegExp(`${START('A-Za-z0-9')}xox[abposr]-[A-Za-z0-9-]{10,}`, 'g'),
  () => marker('slack-token'),
);

const urlPassword = regexDetector(
  'url-password',
  TEXT_SCHEME,
  (s) => s.includes('://') && s.includes('@'),
  // scheme://user:password@host — the greedy password part backtracks to the LAST '@' before the host.
  new RegExp(
    `${START('A-Za-z0-9+.-')}([A-Za-z][A-Za-z0-9+.-]{0,31}://[^\\s:@/?#]{0,256}:)([^\\s/?#]{1,1024})@`,
    'g',
  ),
  (match, [prefix, password]) => (isMarked(password!) ? match : `${prefix}${marker('url-password')}@`),
);

// Base64 of "user:password"; decoded to check it really is one, so prose like "Basic information" passes.
const BASIC_CREDENTIAL = /^[A-Za-z0-9+/]{4,}={0,2}$/;
const PRINTABLE_WITH_COLON = /^[\x20-\x7e]*:[\x20-\x7e]*$/;
// An opaque bearer token has a digit or punctuation (or is long), unlike "Bearer Authentication".
const TOKEN_LIKE = /[0-9._~+/=-]/;

const authCredential = regexDetector(
  'auth-credential',
  TEXT_B,
  (s) => /bearer|basic/i.test(s),
  /\b(bearer|basic)(\s+)([A-Za-z0-9._~+/-]+=*)/gi,
  (match, [scheme, space, credential]) => {
    if (isMarked(credential!)) return match;
    const isBasic = scheme!.toLowerCase() === 'basic';
    const looksReal = isBasic
      ? BASIC_CREDENTIAL.test(credential!) &&
        PRINTABLE_WITH_COLON.test(Buffer.from(credential!, 'base64').toString('latin1'))
      : credential!.length >= 8 && (TOKEN_LIKE.test(credential!) || credential!.length >= 20);
    return looksReal ? `${scheme}${space}${marker('auth-credential')}` : match;
  },
);

/** Values that are an auth scheme, not a credential: `Authorization: Bearer …` keeps its scheme. */
const SCHEME_WORDS = new Set(['bearer', 'basic', 'digest', 'negotiate', 'aws4-hmac-sha256']);

/**
 * `name=value` and `name: value` pairs in query strings, form bodies,
 * connection strings (`Password=…;`), JSON fragments in messages
 * (`"token":"…"`) and log text: the value is masked when the NAME is secret
 * by the key rules, so the two never disagree.
 */
function secretParam(isSecretKey: KeyMatcher): Detector {
  const pattern = new RegExp(
    `${START('A-Za-z0-9_.%-')}([A-Za-z_][A-Za-z0-9_.%[\\]-]*)(\\\\?["']?[ \\t]*(?:=|:(?!//))[ \\t]*)(\\\\"(?:[^"\\n])*?\\\\"|"[^"\\n]*"|'[^'\\n]*'|[^\\s&;,"'<>]+)`,
    'g',
  );
  const replacePair = (match: string, [name, separator, value]: string[]): string => {
    const quote = value!.startsWith('\\"') ? '\\"' : value![0] === '"' || value![0] === "'" ? value![0] : '';
    if (!isSecretKey(decodeName(name!))) {
      // The unquoted value of a harmless pair can hold a `key=value` pair of its own
      // (`login failed: password=abc`): the match swallowed it, so look inside. Only
      // for `=`: colon-separated values are ARNs and times (`arn:aws:...:secret:name`).
      return quote || !value!.includes('=') ? match : `${name}${separator}${rescan(value!)}`;
    }
    const bare = quote ? value!.slice(quote.length, -quote.length) : value!;
    if (bare === '' || isMarked(bare) || SCHEME_WORDS.has(bare.toLowerCase())) return match;
    return `${name}${separator}${quote}${marker('secret-param')}${quote}`;
  };
  // String.prototype.replace collects every match before calling the replacer, so reusing the
  // pattern here cannot disturb an outer replace in progress.
  const rescan = (text: string): string =>
    text.replace(pattern, (m: string, ...rest: unknown[]) =>
      replacePair(
        m,
        rest.slice(0, -2).map((g) => (typeof g === 'string' ? g : '')),
      ),
    );
  return regexDetector(
    'secret-param',
    TEXT_PAIR,
    (s) => (s.includes('=') || s.includes(':')) && isSecretKey.mayNameSecret(s),
    pattern,
    replacePair,
  );
}

function decodeName(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

export function secretDetectors(
  enabled: ReadonlySet<SecretDetectorFamily>,
  isSecretKey: KeyMatcher,
): Detector[] {
  // Order matters: whole structures (PEM blocks, JWTs, URLs) before the pair
  // detector, which then skips values already masked.
  const all: Detector[] = [
    privateKey,
    jwt,
    awsAccessKey,
    githubToken,
    slackToken,
    urlPassword,
    authCredential,
    secretParam(isSecretKey),
  ];
  return all.filter((d) => enabled.has(d.family as SecretDetectorFamily));
}
