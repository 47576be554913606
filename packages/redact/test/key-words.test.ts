/**
 * How a property name splits into words before the key rules match it, pinned at each boundary the
 * splitter knows: camelCase, an acronym before a word, letters and digits (0 and 9 included), the
 * first and last lower-case letters after an acronym, and separators.
 */
import { describe, expect, it } from 'vitest';
import { keyWords } from '../src/key-rules.ts';

describe('keyWords', () => {
  it.each([
    ['apiKey', ['api', 'key']],
    ['APIKey', ['api', 'key']],
    ['XMLHttpRequest', ['xml', 'http', 'request']],
    ['ABa', ['a', 'ba']],
    ['ABz', ['a', 'bz']],
    ['PASSWORD', ['password']],
    ['Pass-Word', ['pass', 'word']],
    ['x-Api-KEY', ['x', 'api', 'key']],
    ['api_key2', ['api', 'key', '2']],
    ['sha0Sum', ['sha', '0', 'sum']],
    ['v9Token', ['v', '9', 'token']],
    ['AWS4Key', ['aws', '4', 'key']],
    ['__a__', ['a']],
  ])('%s → %j', (key, words) => {
    expect(keyWords(key)).toEqual(words);
  });
});
