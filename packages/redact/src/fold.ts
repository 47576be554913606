/**
 * Folding of look-alike spellings, so `pаssword` (Cyrillic а), `pass\u200Bword`
 * (zero-width space) and `ｐａｓｓｗｏｒｄ` (full-width) are read as `password`
 * by the key rules and the keyword prefilter. Only non-ASCII text pays for it.
 */

/**
 * Letters from other scripts drawn like a Latin letter (the subset of Unicode's
 * confusables that spells English words): Cyrillic, Greek, Armenian, IPA and
 * Latin small capitals. Upper-case forms map to upper-case Latin so case
 * changes still split camelCase words.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  А: 'A',
  в: 'b',
  В: 'B',
  с: 'c',
  С: 'C',
  ԁ: 'd',
  е: 'e',
  Е: 'E',
  ё: 'e',
  һ: 'h',
  Н: 'H',
  і: 'i',
  І: 'I',
  ј: 'j',
  Ј: 'J',
  к: 'k',
  К: 'K',
  ӏ: 'l',
  Ӏ: 'I',
  м: 'm',
  М: 'M',
  о: 'o',
  О: 'O',
  р: 'p',
  Р: 'P',
  ԛ: 'q',
  ѕ: 's',
  Ѕ: 'S',
  т: 't',
  Т: 'T',
  у: 'y',
  У: 'Y',
  ԝ: 'w',
  х: 'x',
  Х: 'X',
  // Greek
  α: 'a',
  Α: 'A',
  β: 'b',
  Β: 'B',
  ε: 'e',
  Ε: 'E',
  η: 'n',
  Η: 'H',
  ι: 'i',
  Ι: 'I',
  κ: 'k',
  Κ: 'K',
  Μ: 'M',
  ν: 'v',
  Ν: 'N',
  ο: 'o',
  Ο: 'O',
  ρ: 'p',
  Ρ: 'P',
  τ: 't',
  Τ: 'T',
  υ: 'u',
  Υ: 'Y',
  χ: 'x',
  Χ: 'X',
  Ζ: 'Z',
  // Armenian
  օ: 'o',
  ս: 'u',
  ց: 'g',
  հ: 'h',
  ո: 'n',
  // IPA and Latin extensions
  ɑ: 'a',
  ɡ: 'g',
  ɩ: 'i',
  ı: 'i',
  ʀ: 'r',
  ᴀ: 'A',
  ᴄ: 'C',
  ᴅ: 'D',
  ᴇ: 'E',
  ᴋ: 'K',
  ᴏ: 'O',
  ᴘ: 'P',
  ᴛ: 'T',
  ᴜ: 'U',
  ᴡ: 'W',
  ꜱ: 'S',
};

/** Code points that render as nothing: zero-width spaces and joiners, soft hyphens, bidi and format marks. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');

/** ASCII strings are returned as they are (the common case, no allocation). */
export function foldConfusables(s: string): string {
  if (!/[^\x00-\x7f]/.test(s)) return s;
  return s
    .replace(INVISIBLE, '')
    .normalize('NFKC')
    .replace(CONFUSABLE, (c) => CONFUSABLES[c] ?? c);
}

/**
 * BMP ranges of invisible code points (Default_Ignorable_Code_Point and format
 * characters), for the prefilter's table: testing all 65,536 units against the
 * Unicode property at start-up would cost cold-start time. A test checks these
 * against the property.
 */
export const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x0600, 0x0605],
  [0x061c, 0x061c],
  [0x06dd, 0x06dd],
  [0x070f, 0x070f],
  [0x0890, 0x0891],
  [0x08e2, 0x08e2],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfffb],
];

/**
 * Non-ASCII UTF-16 units the prefilter reads as ASCII: confusable letters and
 * full-width forms of printable ASCII (`''` marks an invisible unit, which the
 * prefilter skips). Everything else is "no keyword character".
 */
export function foldedUnits(): Map<number, string> {
  const units = new Map<number, string>();
  for (const [from, to] of INVISIBLE_RANGES) for (let code = from; code <= to; code++) units.set(code, '');
  for (const [c, ascii] of Object.entries(CONFUSABLES)) units.set(c.charCodeAt(0), ascii);
  // Full-width forms of printable ASCII (U+FF01–U+FF5E) sit at a fixed offset.
  for (let code = 0xff01; code <= 0xff5e; code++) units.set(code, String.fromCharCode(code - 0xfee0));
  return units;
}
