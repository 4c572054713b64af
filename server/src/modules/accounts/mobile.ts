/**
 * Indian mobile numbers: ten digits starting 6–9 (TRAI numbering), stored as E.164 `+91XXXXXXXXXX`.
 * Accepts what people type: spaces, dashes, a leading 0, 91 or +91.
 */
export function normalizeIndianMobile(input: string): string | null {
  const digits = input.replace(/[\s\-().]/g, '');
  const m = /^(?:\+?91|0)?([6-9]\d{9})$/.exec(digits);
  return m ? `+91${m[1]}` : null;
}
