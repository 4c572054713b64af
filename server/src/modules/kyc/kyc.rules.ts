/**
 * Pure checks of KYC details (unit-tested in kyc.rules.test.ts). Keep this file free of imports: the
 * web's KYC form bundles it for its checks before saving (web/src/features/kyc/kycValidation.ts).
 *
 * PAN (Permanent Account Number, Income Tax Department): 10 characters AAAAA9999A. The first three
 * letters are a running series; the 4th tells the holder type — P person, C company, H Hindu
 * undivided family, F firm, A association of persons, T trust, B body of individuals, L local
 * authority, J artificial juridical person, G government; the 5th is the first letter of the
 * surname (persons) or of the name (others); then four digits and a letter. That last letter is
 * commonly called a check letter, but its algorithm has never been published, so no checksum can be
 * verified: only the format and the holder-type letter are enforced. A PAN card is for persons, so
 * KYC of a customer expects type P but accepts the others (a proprietor may give a firm's PAN).
 *
 * Aadhaar (UIDAI): 12 digits, never starting with 0 or 1, the last digit a Verhoeff check digit.
 */

export const PAN_HOLDER_TYPES: Record<string, string> = {
  P: 'person',
  C: 'company',
  H: 'Hindu undivided family',
  F: 'firm',
  A: 'association of persons',
  T: 'trust',
  B: 'body of individuals',
  L: 'local authority',
  J: 'artificial juridical person',
  G: 'government',
};

/** The PAN in canonical form (upper case, no spaces), or a reason it is not one. */
export function checkPan(input: string): { pan: string } | { problem: string } {
  const pan = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{5}[0-9]{4}[A-Z]$/.test(pan)) return { problem: 'A PAN has 10 characters: five letters, four digits and a letter (e.g. ABCPE1234F).' };
  if (!PAN_HOLDER_TYPES[pan[3]!]) return { problem: `The 4th character of a PAN is the holder type (${Object.keys(PAN_HOLDER_TYPES).join(', ')}); "${pan[3]}" is not one.` };
  return { pan };
}

// Verhoeff's dihedral-group tables.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

export function verhoeffValid(digits: string): boolean {
  let c = 0;
  const n = digits.length;
  for (let i = 0; i < n; i++) c = D[c]![P[i % 8]![Number(digits[n - 1 - i])]!]!;
  return c === 0;
}

/** The check digit to append to `digits`. */
export function verhoeffCheckDigit(digits: string): string {
  let c = 0;
  const n = digits.length;
  for (let i = 0; i < n; i++) c = D[c]![P[(i + 1) % 8]![Number(digits[n - 1 - i])]!]!;
  return String(INV[c]);
}

/**
 * The last four digits of a valid Aadhaar number, or a reason it is not one. The full number is
 * only ever held in this function's arguments: callers keep `last4` and drop the rest.
 */
export function checkAadhaar(input: string): { last4: string } | { problem: string } {
  const digits = input.replace(/[\s-]+/g, '');
  if (!/^[0-9]{12}$/.test(digits)) return { problem: 'An Aadhaar number has 12 digits.' };
  if (digits[0] === '0' || digits[0] === '1') return { problem: 'An Aadhaar number does not start with 0 or 1.' };
  if (!verhoeffValid(digits)) return { problem: 'This is not a valid Aadhaar number (the check digit does not match). Check for a typing mistake.' };
  return { last4: digits.slice(8) };
}

export const maskAadhaar = (last4: string) => `XXXX XXXX ${last4}`;

/** Today's date in India (YYYY-MM-DD): ages and "not in the future" are judged by the Indian calendar. */
export function todayInIndia(now = new Date()): string {
  return new Date(now.getTime() + 330 * 60_000).toISOString().slice(0, 10);
}

export const MINIMUM_AGE = 18;

export function checkDateOfBirth(iso: string, now = new Date()): { problem: string } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(Date.parse(`${iso}T00:00:00Z`))) return { problem: 'Enter the date of birth as YYYY-MM-DD.' };
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return { problem: 'This date does not exist.' };
  if (y < 1900) return { problem: 'Enter a date of birth after 1900.' };
  const today = todayInIndia(now);
  if (iso > today) return { problem: 'The date of birth is in the future.' };
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const age = ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
  if (age < MINIMUM_AGE) return { problem: `KYC is for adults: you must be at least ${MINIMUM_AGE} years old.` };
  return null;
}

export function checkPincode(input: string): { pincode: string } | { problem: string } {
  const pincode = input.replace(/\s+/g, '');
  return /^[1-9][0-9]{5}$/.test(pincode) ? { pincode } : { problem: 'A PIN code has 6 digits and does not start with 0.' };
}
