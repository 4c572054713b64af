/**
 * Quick checks before saving (the server repeats them and is the authority). Each returns an i18n
 * key or null.
 */
const VERHOEFF_D = [
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
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(digits[digits.length - 1 - i])]!]!;
  return c === 0;
}

export function checkAadhaar(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '');
  if (!digits) return 'validation.required';
  if (!/^[2-9]\d{11}$/.test(digits) || !verhoeffValid(digits)) return 'kyc.validation.aadhaar';
  return null;
}

/** When an Aadhaar number is already saved, the field may stay empty. */
export const checkOptionalAadhaar = (value: string): string | null => (value.trim() ? checkAadhaar(value) : null);

export function checkPan(value: string): string | null {
  const pan = value.replace(/\s/g, '').toUpperCase();
  if (!pan) return 'validation.required';
  return /^[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z]$/.test(pan) ? null : 'kyc.validation.pan';
}

export function checkPincode(value: string): string | null {
  const pin = value.replace(/\s/g, '');
  if (!pin) return 'validation.required';
  return /^[1-9]\d{5}$/.test(pin) ? null : 'kyc.validation.pincode';
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
