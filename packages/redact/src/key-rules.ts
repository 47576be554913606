/**
 * Key rules: is the value under this property name a secret?
 *
 * Names are compared by WORD, not by substring, so `passenger`, `monkey` and
 * `secretary` pass while `DB-PASS`, `newPassword` and `x-api-key` do not.
 * A name is split into lower-case words on separators, case changes and
 * letter/digit changes (`AWS_SESSION_TOKEN` → aws session token,
 * `SecretAccessKey` → secret access key, `oauth2Token` → oauth 2 token).
 */

/** Secret wherever they occur, unless a metadata word follows (see below). */
const SECRET_WORDS = new Set([
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'passcode',
  'secret',
  'secrets',
  'token',
  'tokens',
  'apikey',
  'apikeys',
  'authorization',
  'cookie',
  'cookies',
  'credential',
  'credentials',
  'creds',
  'privatekey',
  'secretkey',
  'secretaccesskey',
  'jwt',
  'bearer',
  'cvv',
  'cvc',
]);

/**
 * Words people also glue onto others without a separator (`dbpassword`,
 * `clientsecret`, `xapikey`): a single word ENDING in one of these is secret.
 * None of them ends a common benign word.
 */
const GLUED_SUFFIXES = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credentials',
  'authorization',
  'cookie',
];

/** Too short or too common to trust anywhere but as the last word (`DB-PASS`, `basicAuth`, `pwd`). */
const LAST_WORD_ONLY = new Set(['pass', 'auth', 'pwd']);

/** Two-word phrases: `api key`, `private key`, `signing key`... */
const SECRET_PHRASES: ReadonlyArray<readonly [string, string]> = [
  ['api', 'key'],
  ['api', 'keys'],
  ['private', 'key'],
  ['signing', 'key'],
  ['encryption', 'key'],
  ['master', 'key'],
  ['set', 'cookie'],
];

/**
 * A word after the secret word that makes the value ABOUT the secret rather
 * than the secret itself: `tokenCount`, `secretArn`, `passwordPolicy`,
 * `tokenExpiresAt`, `authorizationType`.
 */
const METADATA_WORDS = new Set([
  'id',
  'ids',
  'arn',
  'arns',
  'name',
  'names',
  'count',
  'counts',
  'type',
  'types',
  'kind',
  'length',
  'len',
  'size',
  'min',
  'max',
  'limit',
  'expiry',
  'expires',
  'expire',
  'expired',
  'expiration',
  'ttl',
  'lifetime',
  'at',
  'time',
  'timestamp',
  'date',
  'age',
  'url',
  'uri',
  'endpoint',
  'location',
  'path',
  'file',
  'source',
  'policy',
  'rotation',
  'rotated',
  'version',
  'versions',
  'stage',
  'hint',
  'format',
  'present',
  'enabled',
  'required',
  'status',
  'strength',
  'valid',
  'validity',
  'used',
  'usage',
  'use',
  'scope',
  'scopes',
  'issuer',
  'audience',
  'algorithm',
  'alg',
  'index',
  'prefix',
  'field',
  'fields',
]);

/** Split a property name into lower-case words. */
export function keyWords(key: string): string[] {
  const words: string[] = [];
  let start = -1;
  let prevKind = 0; // 0 separator, 1 lower, 2 upper, 3 digit
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const kind = c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : 0;
    if (kind === 0) {
      if (start >= 0) words.push(key.slice(start, i).toLowerCase());
      start = -1;
    } else if (start < 0) {
      start = i;
    } else {
      const next = i + 1 < key.length ? key.charCodeAt(i + 1) : 0;
      const boundary =
        (prevKind === 1 && kind === 2) || // camelCase
        (prevKind === 2 && kind === 2 && next >= 97 && next <= 122) || // XMLHttp → XML Http
        (prevKind === 3) !== (kind === 3); // letters ↔ digits
      if (boundary) {
        words.push(key.slice(start, i).toLowerCase());
        start = i;
      }
    }
    prevKind = kind;
  }
  if (start >= 0) words.push(key.slice(start).toLowerCase());
  return words;
}

/** Index of the word where the LAST secret word/phrase ends, or -1. */
function lastSecretEnd(words: readonly string[]): number {
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word)) return i;
    if (LAST_WORD_ONLY.has(word) && i === words.length - 1) return i;
    for (const suffix of GLUED_SUFFIXES) {
      if (word.length > suffix.length && word.endsWith(suffix)) return i;
    }
    if (i > 0) {
      const prev = words[i - 1]!;
      for (const [first, second] of SECRET_PHRASES) {
        if (word === second && prev === first) return i;
      }
    }
  }
  return -1;
}

/**
 * Tokens that are identifiers, not credentials: idempotency (`ClientRequestToken`),
 * pagination (`NextToken`, `ContinuationToken`), CloudFormation `ServiceToken` (an
 * ARN), Secrets Manager `RotationToken`, Config `resultToken`.
 */
const NON_CREDENTIAL_TOKEN_QUALIFIERS = new Set([
  'request',
  'idempotency',
  'next',
  'continuation',
  'pagination',
  'page',
  'service',
  'rotation',
  'result',
]);

function isBuiltInSecret(words: readonly string[]): boolean {
  const end = lastSecretEnd(words);
  if (end < 0) return false;
  if (end > 0 && words[end] === 'token' && NON_CREDENTIAL_TOKEN_QUALIFIERS.has(words[end - 1]!)) return false;
  for (let i = end + 1; i < words.length; i++) {
    if (METADATA_WORDS.has(words[i]!)) return false;
  }
  return true;
}

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) {
      if (words[i + j] !== phrase[j]) continue outer;
    }
    return true;
  }
  return false;
}

export interface KeyRuleOptions {
  /** Extra secret names: matched by word sequence anywhere in the key (strings) or tested on the raw key (RegExp). */
  keys?: ReadonlyArray<string | RegExp>;
  /** Names never treated as secret by key rules: whole-name word match (strings) or tested on the raw key. */
  allowKeys?: ReadonlyArray<string | RegExp>;
}

export interface KeyMatcher {
  (key: string): boolean;
  /**
   * Cheap pre-check for text: can `s` contain a secret name at all? Lets the
   * name=value detector skip most strings (dates, ARNs, URLs) without running.
   */
  readonly mayNameSecret: (s: string) => boolean;
}

// Stems of every built-in secret word and phrase (case-insensitive), for KeyMatcher.mayNameSecret.
const BUILT_IN_STEMS =
  'pass|pwd|secret|token|auth|cookie|cred|jwt|bearer|cvv|cvc|(?:api|private|signing|encryption|master)[\\W_]?key';

// Property names repeat endlessly across log lines; a bounded cache keeps the
// per-key cost to one Map lookup without letting hostile input grow memory.
const CACHE_LIMIT = 5000;

/** Compile the key rules once; the returned function answers "is this key secret?". */
export function compileKeyRules(options: KeyRuleOptions = {}): KeyMatcher {
  const extraPhrases = (options.keys ?? []).filter((k) => typeof k === 'string').map((k) => keyWords(k));
  const extraPatterns = (options.keys ?? []).filter((k): k is RegExp => k instanceof RegExp);
  const allowedNames = new Set(
    (options.allowKeys ?? []).filter((k) => typeof k === 'string').map((k) => keyWords(k).join(' ')),
  );
  const allowedPatterns = (options.allowKeys ?? []).filter((k): k is RegExp => k instanceof RegExp);
  const cache = new Map<string, boolean>();

  const decide = (key: string): boolean => {
    for (const pattern of allowedPatterns) if (testPattern(pattern, key)) return false;
    const words = keyWords(key);
    if (allowedNames.has(words.join(' '))) return false;
    for (const pattern of extraPatterns) if (testPattern(pattern, key)) return true;
    for (const phrase of extraPhrases) if (phrase.length > 0 && containsPhrase(words, phrase)) return true;
    return isBuiltInSecret(words);
  };

  const matcher = (key: string): boolean => {
    let secret = cache.get(key);
    if (secret === undefined) {
      secret = decide(key);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, secret);
    }
    return secret;
  };
  // A user RegExp can match anything, so with one the pre-check must always say yes.
  const stems = [BUILT_IN_STEMS, ...extraPhrases.filter((p) => p.length > 0).map((p) => p.join('[\\W_]?'))];
  const hint = new RegExp(stems.join('|'), 'i');
  const mayNameSecret = extraPatterns.length > 0 ? () => true : (s: string) => hint.test(s);
  return Object.assign(matcher, { mayNameSecret });
}

function testPattern(pattern: RegExp, key: string): boolean {
  // A global/sticky RegExp keeps lastIndex between calls; reset so every key is tested from the start.
  pattern.lastIndex = 0;
  return pattern.test(key);
}
