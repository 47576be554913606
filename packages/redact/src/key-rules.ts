/**
 * Key rules: is the value under this property name a secret (or personal data)?
 *
 * Names are compared by WORD, not by substring, so `passenger`, `monkey` and
 * `secretary` pass while `DB-PASS`, `newPassword` and `x-api-key` do not.
 * A name is folded first (zero-width and look-alike characters, full-width
 * forms), then split into lower-case words on separators, case changes and
 * letter/digit changes (`AWS_SESSION_TOKEN` → aws session token,
 * `SecretAccessKey` → secret access key, `oauth2Token` → oauth 2 token).
 */
import { foldConfusables } from './fold.ts';

/** What a key rule says about the value under a name. 0 (falsy) means nothing. */
export type KeyKind = 0 | 1 | 2 | 3 | 4;
/** Not a secret name. */
export const KEY_PLAIN = 0;
/** A credential: censored unless the value is null, a boolean, a number, a date or an ARN. */
export const KEY_SECRET = 1;
/** A secret that may be written as a number (`pin: 1234`, `password: 123456`): numbers are censored too. */
export const KEY_SECRET_NUMERIC = 2;
/** A US social security number (PII family `ssn`). */
export const KEY_SSN = 3;
/** A person's name (`firstName`, `cardholderName`; PII family `name`, opt-in). */
export const KEY_NAME = 4;

const S = KEY_SECRET;
const N = KEY_SECRET_NUMERIC;

/** Secret wherever they occur as a word, unless a metadata word follows (see below). */
const SECRET_WORDS: ReadonlyMap<string, KeyKind> = new Map<string, KeyKind>([
  ['password', N],
  ['passwords', N],
  ['passwd', N],
  ['passphrase', N],
  ['passcode', N],
  ['pin', N],
  ['otp', N],
  ['totp', N],
  ['hotp', N],
  ['mfa', N],
  ['cvv', N],
  ['cvc', N],
  ['cvv2', N],
  ['cvc2', N],
  ['secret', S],
  ['secrets', S],
  ['token', S],
  ['tokens', S],
  ['apikey', S],
  ['apikeys', S],
  ['authorization', S],
  ['cookie', S],
  ['cookies', S],
  ['credential', S],
  ['credentials', S],
  ['creds', S],
  ['privatekey', S],
  ['privkey', S],
  ['secretkey', S],
  ['secretaccesskey', S],
  ['jwt', S],
  ['bearer', S],
  ['signature', S],
  ['signatures', S],
  ['dsn', S],
  ['sessionid', S],
  ['sessid', S],
  ['jsessionid', S],
  ['phpsessid', S],
]);

/**
 * Words people also glue onto others without a separator (`dbpassword`,
 * `clientsecret`, `xapikey`): a single word ENDING in one of these is secret.
 * None of them ends a common benign word.
 */
const GLUED_SUFFIXES: ReadonlyArray<readonly [string, KeyKind]> = [
  ['password', N],
  ['passwd', N],
  ['secret', S],
  ['token', S],
  ['apikey', S],
  ['privatekey', S],
  ['credentials', S],
  ['authorization', S],
  ['cookie', S],
  ['signature', S],
  ['sessionid', S],
];

/** Too short or too common to trust anywhere but as the last word (`DB-PASS`, `basicAuth`, `pwd`). */
const LAST_WORD_ONLY: ReadonlyMap<string, KeyKind> = new Map<string, KeyKind>([
  ['pass', N],
  ['pwd', N],
  ['pw', N],
  ['auth', S],
]);

/** Secret only as the whole name: `sid` (a session cookie) but not Twilio's `AccountSid`; `sig` (an Azure SAS). */
const WHOLE_NAME_ONLY: ReadonlyMap<string, KeyKind> = new Map<string, KeyKind>([
  ['sid', S],
  ['sig', S],
]);

/** Phrases: `api key`, `private key`, `pass word`, `account key` (Azure), `webhook url`... */
const SECRET_PHRASES: ReadonlyArray<readonly [readonly string[], KeyKind]> = [
  [['api', 'key'], S],
  [['api', 'keys'], S],
  [['private', 'key'], S],
  [['priv', 'key'], S],
  [['signing', 'key'], S],
  [['encryption', 'key'], S],
  [['master', 'key'], S],
  [['account', 'key'], S],
  [['shared', 'access', 'key'], S],
  [['app', 'key'], S],
  [['application', 'key'], S],
  [['function', 'key'], S],
  [['functions', 'key'], S],
  [['license', 'key'], S],
  [['session', 'id'], S],
  [['session', 'key'], S],
  [['set', 'cookie'], S],
  [['connect', 'sid'], S],
  [['client', 'assertion'], S],
  [['webhook', 'url'], S],
  [['webhook', 'uri'], S],
  [['hook', 'url'], S],
  [['pass', 'word'], N],
  [['pass', 'phrase'], N],
  [['pass', 'code'], N],
  [['mfa', 'code'], N],
  [['auth', 'code'], N],
  [['verification', 'code'], N],
  [['security', 'code'], N],
  [['recovery', 'code'], N],
  [['backup', 'code'], N],
  [['reset', 'code'], N],
  [['access', 'code'], N],
];

/** US social security numbers under their name (`ssn`, `socialSecurityNumber`). */
const SSN_WORDS = new Set(['ssn', 'ssns']);
const SSN_PHRASES: ReadonlyArray<readonly string[]> = [['social', 'security']];

/** A person's name, under the names forms and payment APIs use. */
const NAME_WORDS = new Set([
  'surname',
  'forename',
  'firstname',
  'lastname',
  'fullname',
  'givenname',
  'familyname',
  'middlename',
  'maidenname',
  'displayname',
  'cardholder',
  'cardholdername',
]);
const NAME_PHRASES: ReadonlyArray<readonly string[]> = [
  ['first', 'name'],
  ['last', 'name'],
  ['full', 'name'],
  ['given', 'name'],
  ['family', 'name'],
  ['middle', 'name'],
  ['maiden', 'name'],
  ['display', 'name'],
  ['cardholder', 'name'],
  ['card', 'holder'],
  ['holder', 'name'],
  ['account', 'holder'],
  ['customer', 'name'],
  ['contact', 'name'],
  ['person', 'name'],
  ['patient', 'name'],
  ['recipient', 'name'],
  ['sender', 'name'],
  ['billing', 'name'],
  ['shipping', 'name'],
];

/**
 * A word after the secret word that makes the value ABOUT the secret rather
 * than the secret itself: `tokenCount`, `secretArn`, `passwordPolicy`,
 * `tokenExpiresAt`, `authorizationType`, `passwordLastChanged`,
 * `accessTokenGeneration` (Cognito), `signatureVersion` (SNS).
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
  'last',
  'changed',
  'change',
  'updated',
  'created',
  'modified',
  'reset',
  'generation',
  'validity',
  'unit',
  'units',
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
  'method',
  'mode',
  'index',
  'prefix',
  'field',
  'fields',
  'parameter',
  'param',
  'ref',
  'reference',
  'label',
  'description',
  'attempts',
  'retries',
]);

/**
 * Tokens that are identifiers, not credentials: idempotency (`ClientRequestToken`),
 * pagination (`NextToken`, `ContinuationToken`), CloudFormation `ServiceToken` (an
 * ARN), Secrets Manager `RotationToken`, Config `resultToken`, Auto Scaling
 * `LifecycleActionToken`, Postman's `Postman-Token` header (a random UUID),
 * CloudWatch Logs `sequenceToken`, Route 53 `ChangeToken`, lock and lease tokens.
 */
const NON_CREDENTIAL_TOKEN_QUALIFIERS = new Set([
  'request',
  'idempotency',
  'next',
  'continuation',
  'pagination',
  'page',
  'paging',
  'cursor',
  'service',
  'rotation',
  'result',
  'action',
  'postman',
  'sequence',
  'change',
  'lock',
  'lease',
  'fencing',
  'cancellation',
  'resume',
]);

/** Split a property name into lower-case words (after folding look-alike characters). */
export function keyWords(key: string): string[] {
  key = foldConfusables(key);
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

function phraseEndsAt(words: readonly string[], end: number, phrase: readonly string[]): boolean {
  const first = end - phrase.length + 1;
  if (first < 0) return false;
  for (let j = 0; j < phrase.length; j++) if (words[first + j] !== phrase[j]) return false;
  return true;
}

/** Where the LAST secret word/phrase ends and what kind it is, or undefined. */
function lastSecret(words: readonly string[]): { end: number; kind: KeyKind } | undefined {
  if (words.length === 1) {
    const whole = WHOLE_NAME_ONLY.get(words[0]!);
    if (whole !== undefined) return { end: 0, kind: whole };
  }
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i]!;
    for (const [phrase, kind] of SECRET_PHRASES) {
      if (phrase.at(-1) === word && phraseEndsAt(words, i, phrase)) return { end: i, kind };
    }
    const kind = SECRET_WORDS.get(word);
    if (kind !== undefined) return { end: i, kind };
    if (i === words.length - 1) {
      const last = LAST_WORD_ONLY.get(word);
      if (last !== undefined) return { end: i, kind: last };
    }
    for (const [suffix, glued] of GLUED_SUFFIXES) {
      if (word.length > suffix.length && word.endsWith(suffix)) return { end: i, kind: glued };
    }
  }
  return undefined;
}

function followedByMetadata(words: readonly string[], end: number): boolean {
  for (let i = end + 1; i < words.length; i++) if (METADATA_WORDS.has(words[i]!)) return true;
  return false;
}

function builtInSecret(words: readonly string[]): KeyKind {
  const found = lastSecret(words);
  if (found === undefined) return KEY_PLAIN;
  const { end, kind } = found;
  if (end > 0 && words[end] === 'token' && NON_CREDENTIAL_TOKEN_QUALIFIERS.has(words[end - 1]!)) {
    return KEY_PLAIN;
  }
  return followedByMetadata(words, end) ? KEY_PLAIN : kind;
}

/** A PII name rule (a word or a phrase anywhere), unless a metadata word follows it. */
function matchesPii(
  words: readonly string[],
  single: ReadonlySet<string>,
  phrases: readonly (readonly string[])[],
) {
  // Stryker disable next-line ArithmeticOperator: starting one past the end tests words[words.length], which is undefined and matches no name or phrase.
  for (let i = words.length - 1; i >= 0; i--) {
    const hit = single.has(words[i]!) || phrases.some((phrase) => phraseEndsAt(words, i, phrase));
    if (hit) return !followedByMetadata(words, i);
  }
  return false;
}

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  for (let i = phrase.length - 1; i < words.length; i++) if (phraseEndsAt(words, i, phrase)) return true;
  return false;
}

export interface KeyRuleOptions {
  /** Extra secret names: matched by word sequence anywhere in the key (strings) or tested on the raw key (RegExp). */
  keys?: ReadonlyArray<string | RegExp>;
  /** Names never treated as secret by key rules: whole-name word match (strings) or tested on the raw key. */
  allowKeys?: ReadonlyArray<string | RegExp>;
  /** Recognise social security numbers by name (`ssn`). */
  ssn?: boolean;
  /** Recognise person names by name (`firstName`, `cardholderName`). */
  names?: boolean;
}

export interface KeyMatcher {
  /** What the rules say about the value under `key` (0 when nothing). */
  (key: string): KeyKind;
  /**
   * Lower-case stems of which every name the rules recognise contains one
   * (after folding): the text prefilter's keywords for `name=value` pairs.
   */
  readonly stems: readonly string[];
  /** A user RegExp may match any name, so no stem can rule text out. */
  readonly anyName: boolean;
  /**
   * Last words of the multi-word phrases (`key` of `api key`, `code` of `mfa code`): in prose a
   * name that is one of these may be the end of a two-word name (`API key: …`).
   */
  readonly phraseTails: ReadonlySet<string>;
}

// Every built-in secret word and phrase contains one of these (lower case).
const BUILT_IN_STEMS = [
  'pass',
  'pw',
  'secret',
  'token',
  'auth',
  'cookie',
  'cred',
  'jwt',
  'bearer',
  'cvv',
  'cvc',
  'key',
  'pin',
  'otp',
  'mfa',
  'sid',
  'sig',
  'dsn',
  'sess',
  'hook',
  'code',
  'assertion',
];

// Property names repeat endlessly across log lines; a bounded cache keeps the
// per-key cost to one Map lookup without letting hostile input grow memory.
const CACHE_LIMIT = 5000;

/** Compile the key rules once; the returned function answers "what is the value under this key?". */
export function compileKeyRules(options: KeyRuleOptions = {}): KeyMatcher {
  const extraPhrases = (options.keys ?? [])
    .filter((k): k is string => typeof k === 'string')
    .map((k) => keyWords(k))
    .filter((p) => p.length > 0);
  // Stryker disable next-line ArrayDeclaration: a string in place of the missing list is dropped by the RegExp filter.
  const extraPatterns = (options.keys ?? []).filter((k): k is RegExp => k instanceof RegExp);
  const allowedNames = new Set(
    (options.allowKeys ?? []).filter((k) => typeof k === 'string').map((k) => keyWords(k).join(' ')),
  );
  // Stryker disable next-line ArrayDeclaration: a string in place of the missing list is dropped by the RegExp filter.
  const allowedPatterns = (options.allowKeys ?? []).filter((k): k is RegExp => k instanceof RegExp);
  const cache = new Map<string, KeyKind>();

  const decide = (key: string): KeyKind => {
    for (const pattern of allowedPatterns) if (testPattern(pattern, key)) return KEY_PLAIN;
    const words = keyWords(key);
    if (allowedNames.has(words.join(' '))) return KEY_PLAIN;
    for (const pattern of extraPatterns) if (testPattern(pattern, key)) return KEY_SECRET_NUMERIC;
    for (const phrase of extraPhrases) if (containsPhrase(words, phrase)) return KEY_SECRET_NUMERIC;
    const secret = builtInSecret(words);
    if (secret !== KEY_PLAIN) return secret;
    if (options.ssn && matchesPii(words, SSN_WORDS, SSN_PHRASES)) return KEY_SSN;
    if (options.names && matchesPii(words, NAME_WORDS, NAME_PHRASES)) return KEY_NAME;
    return KEY_PLAIN;
  };

  const matcher = (key: string): KeyKind => {
    let kind = cache.get(key);
    if (kind === undefined) {
      kind = decide(key);
      // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: a bounded cache of answers; clearing it more or less often only recomputes the same answer.
      if (cache.size >= CACHE_LIMIT) cache.clear();
      // Stryker disable next-line CallExpression: a cache of answers; not caching only recomputes the same answer.
      cache.set(key, kind);
    }
    return kind;
  };
  const stems = new Set(BUILT_IN_STEMS);
  // A user phrase in any style contains its first word, case aside.
  for (const phrase of extraPhrases) stems.add(phrase[0]!);
  if (options.ssn) stems.add('ssn').add('social');
  if (options.names) stems.add('name').add('holder');
  const phrases = [
    ...SECRET_PHRASES.map(([phrase]) => phrase),
    ...extraPhrases,
    ...(options.ssn ? SSN_PHRASES : []),
    ...(options.names ? NAME_PHRASES : []),
  ];
  const phraseTails = new Set(phrases.filter((p) => p.length > 1).map((p) => p.at(-1)!));
  return Object.assign(matcher, { stems: [...stems], anyName: extraPatterns.length > 0, phraseTails });
}

function testPattern(pattern: RegExp, key: string): boolean {
  // A global/sticky RegExp keeps lastIndex between calls; reset so every key is tested from the start.
  pattern.lastIndex = 0;
  return pattern.test(key);
}
