/**
 * Email addresses at their boundaries: which look-alikes are not mailboxes (file names, retina
 * image names, SES Message-IDs), where the hand scanner's match starts and ends, and the same rules
 * on the pattern's path (non-ASCII text, `%40`). Redactors are built inside each test.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.ts';

const emailOnly = () =>
  createRedactor({
    detectors: false,
    pii: { email: 'mask', card: false, iban: false, ssn: false, phone: false, ip: false, name: false },
  });
const M = '[REDACTED:email]';

describe('file names written like addresses (2–4 letter extensions, any case)', () => {
  it.each([
    'jane@example.png',
    'jane@example.PNG',
    'jane@example.js',
    'jane@example.Js and more',
    'jane@example.jpeg',
    'jane@example.tiff',
    'jane@example.map',
    'jane@example.avif',
    'jane@example.json',
    'jane@example.png.',
    'jane@example.png,.',
  ])('leaves %s alone', (text) => {
    expect(emailOnly().redactString(text)).toBe(text);
  });

  it.each([
    ['jane@example.co', M],
    ['jane@example.pnx', M],
    ['jane@example.pngs', M],
    ['jane@example.tiffs', M],
    ['jane@example.xyz', M],
    ['jane@example.zip', M],
    ['mail jane@example.jsx now', `mail ${M} now`],
    ['jane@png.example.org', M],
    ['ü jane@example.bœ', `ü ${M}`],
    ['ü jane@example.ųs', `ü ${M}`],
  ])('masks %s', (text, expected) => {
    expect(emailOnly().redactString(text)).toBe(expected);
  });
});

describe('retina image names (@2x., @1.5x.) whatever the TLD', () => {
  it.each([
    'icon@2x.zz',
    'icon@9x.zz',
    'icon@10x.zz',
    'icon@1.5x.zz',
    'icon@0.75x.zz',
    'ü icon@2x.zz',
    'ü icon@1.5x.zz',
    'icon%402x.zz',
    'icon%401.5x.zz',
  ])('leaves %s alone', (text) => {
    expect(emailOnly().redactString(text)).toBe(text);
  });

  it.each([
    ['jane@2xample.zz', M],
    ['jane@1.x.zz', M],
    ['jane@1.5.zz', M],
    ['jane@22.zz', M],
    ['jane@2y.zz', M],
    ['jane@x2x.zz', M],
    ['jane@1y5x.zz', M],
    ['ü jane@2xample.zz', `ü ${M}`],
    ['jane%402xample.zz', M],
  ])('masks %s', (text, expected) => {
    expect(emailOnly().redactString(text)).toBe(expected);
  });
});

describe('SES Message-IDs', () => {
  const hex32 = '0123456789abcdef0123456789abcdef';
  it.each([
    'x@amazonses.com',
    'x@email.amazonses.com',
    'x@EMAIL.AMAZONSES.COM',
    'x@Email.AmazonSes.Com',
    `<${hex32}@example.com>`,
    `<${hex32.toUpperCase()}-0000@example.com>`,
    `ü <${hex32}@example.com>`,
    `${hex32}%40example.com`,
  ])('leaves %s alone', (text) => {
    expect(emailOnly().redactString(text)).toBe(text);
  });

  it.each([
    ['x@amazonses.co', M],
    ['x@mazonses.com', M],
    ['x@amazonsqs.com', M],
    ['x@a.amazonsesxcom', M],
    ['x@a.amazonzes.com', M],
    ['x@amazon.ses.com', M],
    [`contact ${hex32.slice(1)}@example.com`, `contact ${M}`],
    [`${hex32.slice(0, 31)}g@example.com`, M],
    [`contact ${hex32.slice(1)}%40example.com`, `contact ${M}`],
  ])('masks %s', (text, expected) => {
    expect(emailOnly().redactString(text)).toBe(expected);
  });
});

describe('where the scanner starts and ends an address', () => {
  it.each([
    // glued to the previous match: not an address of its own
    ['jane@example.com.bob@example.org', `${M}@example.org`],
    ['a@b.cc,d@e.ff', `${M},${M}`],
    ['jane@example.com.x-y@example.org', `${M}.x-y@example.org`],
    // an scp path is not an address, whatever came before
    ['git@github.com:owner/repo.git', 'git@github.com:owner/repo.git'],
    ['jane@example.com:\tnext', `${M}:\tnext`],
    ['jane@example.com:\rnext', `${M}:\rnext`],
    ['jane@example.com:\nnext', `${M}:\nnext`],
    ['jane@example.com: next', `${M}: next`],
    ['jane@example.com:', `${M}:`],
    ['mail jane@example.com now', `mail ${M} now`],
    ['mail jane@example.com,now', `mail ${M},now`],
    // labels: no leading or trailing hyphen, a TLD of 2–63 letters or xn--
    ['jane@exa-.com', 'jane@exa-.com'],
    ['jane@-exa.com', 'jane@-exa.com'],
    ['jane@e-xa.com', M],
    ['jane@example.com-', 'jane@example.com-'],
    ['jane@example.com.', `${M}.`],
    ['jane@host.123', 'jane@host.123'],
    ['jane@example.c', 'jane@example.c'],
    ['jane@example.c0m', 'jane@example.c0m'],
    [`jane@example.${'a'.repeat(63)}`, M],
    [`jane@example.${'a'.repeat(64)}`, `jane@example.${'a'.repeat(64)}`],
    ['jane@example.xn--ab', M],
    ['jane@example.xn--a', 'jane@example.xn--a'],
    [`jane@example.xn--${'a'.repeat(59)}`, M],
    [`jane@example.xn--${'a'.repeat(60)}`, `jane@example.xn--${'a'.repeat(60)}`],
    ['jane@localhost', 'jane@localhost'],
    ['@example.com', '@example.com'],
  ])('%j', (text, expected) => {
    expect(emailOnly().redactString(text)).toBe(expected);
  });
});
