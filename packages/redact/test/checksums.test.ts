/**
 * The check digits that decide whether a run of digits is a card number or an IBAN, tested on their
 * own with documented examples and with IBANs built here from the ISO 7064 rule (BigInt, written
 * independently of the scanner's incremental remainder).
 */
import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid } from '../src/checksums.ts';

/** `country` + check digits + `bban`, the check digits computed as ISO 13616 says. */
function iban(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`]
    .map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c))
    .join('');
  const check = 98n - (BigInt(numeric) % 97n);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

describe('luhnValid', () => {
  it('accepts the classic example and rejects every other last digit', () => {
    for (let d = 0; d <= 9; d++) expect(luhnValid(`7992739871${d}`)).toBe(d === 3);
  });
});

describe('ibanValid', () => {
  it('accepts the documented examples and rejects one changed digit', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(iban('GB', 'WEST12345698765432')).toBe('GB82WEST12345698765432');
  });

  it("refuses a valid checksum at a length other than the country's", () => {
    const long = iban('GB', 'WEST123456987654321');
    expect(long).toHaveLength(23);
    expect(ibanValid(long)).toBe(false);
  });

  it('takes an unlisted country at any length from 15 to 34, by the checksum alone', () => {
    expect(ibanValid(iban('QQ', '12345678901'))).toBe(true); // 15
    expect(ibanValid(iban('QQ', '1234567890'))).toBe(false); // 14
    expect(ibanValid(iban('QQ', '1'.repeat(30)))).toBe(true); // 34
    expect(ibanValid(iban('QQ', '1'.repeat(31)))).toBe(false); // 35
  });

  it('reads A and Z as 10 and 35, 0 and 9 as digits, and refuses anything else', () => {
    const edges = iban('QQ', 'AZ09AZ09AZ09AZ');
    expect(ibanValid(edges)).toBe(true);
    expect(ibanValid(edges.replace('AZ09', 'BY18'))).toBe(false);
    expect(ibanValid(edges.replace('A', 'a'))).toBe(false);
    expect(ibanValid(edges.replace('0', '-'))).toBe(false);
  });
});
