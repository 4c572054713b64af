/**
 * WhatsApp ids as Meta writes them: digits only, country code first ("919876543210"). People type
 * numbers as "+91 98765 43210", "098765-43210", "0091 98765 43210" or just "9876543210"; the platform
 * serves Indian businesses, so a bare 10-digit mobile number (starting 6–9) or one with the trunk
 * prefix 0 is taken as Indian. Anything else must carry its country code.
 */

const SEPARATORS = /[\s\-().\u00A0\u2010-\u2015/]/g;

export function normaliseWaId(input: string): string | null {
  let s = input.normalize('NFKC').replace(SEPARATORS, '');
  if (s.startsWith('+')) s = s.slice(1);
  else if (s.startsWith('00')) s = s.slice(2);
  else if (/^0[6-9][0-9]{9}$/.test(s)) s = '91' + s.slice(1);
  else if (/^[6-9][0-9]{9}$/.test(s)) s = '91' + s;
  if (!/^[1-9][0-9]{7,14}$/.test(s)) return null;
  // Indian numbers have ten digits after the country code.
  if (s.startsWith('91') && s.length !== 12) return null;
  return s;
}

/** "+91 98765 43210" for Indian numbers, "+<digits>" otherwise: for people to read. */
export function displayWaId(waId: string): string {
  if (/^91[0-9]{10}$/.test(waId)) return `+91 ${waId.slice(2, 7)} ${waId.slice(7)}`;
  return `+${waId}`;
}
