/**
 * Key rules at their edges: how a name splits into words (case changes, digits, acronyms, the
 * last character), which word of a name decides, the names a user adds or allows, and what the
 * compiled matcher tells the text prefilter (stems, whether any name may match, phrase tails).
 */
import { describe, expect, it } from 'vitest';
import {
  compileKeyRules,
  KEY_NAME,
  KEY_PLAIN,
  KEY_SECRET,
  KEY_SECRET_NUMERIC,
  KEY_SSN,
  keyWords,
} from '../src/key-rules.ts';

describe('keyWords', () => {
  it.each([
    ['', []],
    ['a', ['a']],
    ['A', ['a']],
    ['ab', ['ab']],
    ['aB', ['a', 'b']],
    ['XMLHttp', ['xml', 'http']],
    ['XMLH', ['xmlh']],
    ['ABc', ['a', 'bc']],
    ['AB1', ['ab', '1']],
    ['a1b', ['a', '1', 'b']],
    ['x_y', ['x', 'y']],
    ['x__y_', ['x', 'y']],
    ['_x', ['x']],
    ['dbPassword2', ['db', 'password', '2']],
    ['APIKey', ['api', 'key']],
    // ASCII punctuation above `z` separates words, and ends a run of capitals like any separator.
    ['a~b', ['a', 'b']],
    ['pass{word}', ['pass', 'word']],
    ['XY~z', ['xy', 'z']],
  ])('%j → %j', (key, words) => {
    expect(keyWords(key)).toEqual(words);
  });
});

describe('which word decides', () => {
  const kind = compileKeyRules({ ssn: true, names: true });
  it.each([
    // Whole-name-only words: alone, not inside a longer name.
    ['sid', KEY_SECRET],
    ['sig', KEY_SECRET],
    ['accountSid', KEY_PLAIN],
    ['sid_x', KEY_PLAIN],
    ['sigName', KEY_PLAIN],
    // Last-word-only words: at the end, not before another word.
    ['dbPass', KEY_SECRET_NUMERIC],
    ['passThrough', KEY_PLAIN],
    ['basicAuth', KEY_SECRET],
    ['authMode', KEY_PLAIN],
    // Glued suffixes: a longer word ending in one, not the suffix alone as a longer word's start.
    ['dbpassword', KEY_SECRET_NUMERIC],
    ['clientsecret', KEY_SECRET],
    ['xtoken', KEY_SECRET],
    ['tokenizer', KEY_PLAIN],
    // Phrases, anywhere and at the start.
    ['api_key', KEY_SECRET],
    ['myApiKeyValue', KEY_SECRET],
    ['key', KEY_PLAIN],
    // A secret word followed by a metadata word is metadata.
    ['passwordLength', KEY_PLAIN],
    ['tokenExpiresAt', KEY_PLAIN],
    // A qualifier that makes a token a non-credential (`nextToken`) does not do so for other words.
    ['nextToken', KEY_PLAIN],
    ['pageSecret', KEY_SECRET],
    ['nextPassword', KEY_SECRET_NUMERIC],
    // PII names.
    ['ssn', KEY_SSN],
    ['socialSecurityNumber', KEY_SSN],
    ['firstName', KEY_NAME],
    ['cardholder', KEY_NAME],
    ['firstNameLength', KEY_PLAIN],
  ])('%s', (key, expected) => {
    expect(kind(key)).toBe(expected);
  });

  it('asks the same question twice with the same answer (cached)', () => {
    const k = compileKeyRules();
    for (let i = 0; i < 3; i++) {
      expect(k('password')).toBe(KEY_SECRET_NUMERIC);
      expect(k('note')).toBe(KEY_PLAIN);
    }
  });
});

describe('user names', () => {
  it('extra names by word sequence, RegExps on the raw key, allowed names first', () => {
    const kind = compileKeyRules({
      keys: ['customer ref', /^x-internal-/i, 'the', 42 as unknown as string, '__'],
      allowKeys: ['db password', /^public/],
    });
    expect(kind('customerRef')).toBe(KEY_SECRET_NUMERIC);
    expect(kind('old_customer_ref_v2')).toBe(KEY_SECRET_NUMERIC);
    expect(kind('customer')).toBe(KEY_PLAIN);
    expect(kind('X-Internal-Trace')).toBe(KEY_SECRET_NUMERIC);
    expect(kind('dbPassword')).toBe(KEY_PLAIN);
    expect(kind('DB_PASSWORD')).toBe(KEY_PLAIN);
    expect(kind('publicToken')).toBe(KEY_PLAIN);
    expect(kind('password')).toBe(KEY_SECRET_NUMERIC);
  });

  it('an allowed RegExp allows only what it matches, even a name with no words', () => {
    const kind = compileKeyRules({ keys: [/^_/], allowKeys: [/^public/] });
    expect(kind('__')).toBe(KEY_SECRET_NUMERIC);
    expect(kind('_x')).toBe(KEY_SECRET_NUMERIC);
  });
});

describe('what the matcher tells the prefilter', () => {
  it('stems: the built-in ones, the first word of each user phrase, ssn and name stems when on', () => {
    const plain = compileKeyRules();
    expect(plain.stems).toContain('pass');
    expect(plain.stems).not.toContain('ssn');
    expect(plain.stems).not.toContain('name');
    const all = compileKeyRules({ keys: ['customer ref', /x/], ssn: true, names: true });
    for (const stem of ['customer', 'ssn', 'social', 'name', 'holder']) expect(all.stems).toContain(stem);
    expect(all.stems).not.toContain('');
    expect(all.stems).not.toContain('ref');
  });

  it('no options: exactly the built-in stems, the same as empty lists', () => {
    expect(compileKeyRules().stems).toEqual(compileKeyRules({ keys: [], allowKeys: [] }).stems);
  });

  it('anyName: only when a user RegExp is given', () => {
    expect(compileKeyRules().anyName).toBe(false);
    expect(compileKeyRules({ keys: ['customer ref'] }).anyName).toBe(false);
    expect(compileKeyRules({ keys: [/x/] }).anyName).toBe(true);
  });

  it('phraseTails: the last words of multi-word phrases, built-in, user and PII ones when on', () => {
    const plain = compileKeyRules({ keys: ['customer ref', 'single'] });
    expect(plain.phraseTails.has('key')).toBe(true);
    expect(plain.phraseTails.has('ref')).toBe(true);
    expect(plain.phraseTails.has('single')).toBe(false);
    expect(plain.phraseTails.has('customer')).toBe(false);
    expect(plain.phraseTails.has('api')).toBe(false);
    expect(plain.phraseTails.has('access')).toBe(false); // of `shared access key`: its last word is the tail
    expect(plain.phraseTails.has('security')).toBe(false);
    expect(plain.phraseTails.has('name')).toBe(false);
    const pii = compileKeyRules({ ssn: true, names: true });
    expect(pii.phraseTails.has('security')).toBe(true);
    expect(pii.phraseTails.has('name')).toBe(true);
    expect(pii.phraseTails.has('holder')).toBe(true);
    // Turning PII names on only adds tails.
    const none = compileKeyRules();
    for (const tail of none.phraseTails) expect(pii.phraseTails.has(tail), tail).toBe(true);
    for (const tail of compileKeyRules({ names: true }).phraseTails)
      expect(pii.phraseTails.has(tail), tail).toBe(true);
  });
});
