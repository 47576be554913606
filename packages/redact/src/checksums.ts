/** Check digits that tell a real card number or IBAN from a random run of digits. */

/** Luhn checksum: random 16-digit ids fail it 9 times in 10, card numbers always pass. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      // Stryker disable next-line EqualityOperator: a doubled digit is even, so it is never 9; `>=` changes nothing.
      if (d > 9) d -= 9;
    }
    // Stryker disable next-line AssignmentOperator: Luhn's `sum % 10 === 0` holds for -sum exactly when it holds for sum.
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * IBAN lengths by country (ISO 13616 registry). A country not listed is
 * accepted at any length from 15 to 34: the mod-97 check still decides.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** ISO 7064 mod 97-10 over an IBAN in electronic form (no spaces, upper case). */
export function ibanValid(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected !== undefined && iban.length !== expected) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    // Letters count as two digits (A = 10 … Z = 35).
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the detector passes only A-Z and 0-9; another character read as a letter or digit still fails the checksum.
    if (c >= 65 && c <= 90) remainder = (remainder * 100 + (c - 55)) % 97;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the detector passes only A-Z and 0-9; another character read as a letter or digit still fails the checksum.
    else if (c >= 48 && c <= 57) remainder = (remainder * 10 + (c - 48)) % 97;
    else return false;
  }
  return remainder === 1;
}
