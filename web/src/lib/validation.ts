/**
 * Light checks before a request, so people on slow connections get quick feedback.
 * The server stays the authority; its field messages are shown the same way.
 * Each returns an i18n key, or null when the value is fine.
 */

/** Accepts "98765 43210", "09876543210", "+91 98765-43210"; returns "+919876543210" or null. */
export function normalizeMobile(input: string): string | null {
  let digits = input.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('91')) digits = digits.slice(2);
  else if (digits.length === 11 && digits.startsWith('0')) digits = digits.slice(1);
  return /^[6-9]\d{9}$/.test(digits) ? `+91${digits}` : null;
}

/** "+919876543210" → "9876543210", for the input that shows +91 as a prefix. */
export const localMobile = (mobile: string | null): string => (mobile ?? '').replace(/^\+91/, '');

export const checkRequired = (value: string): string | null => (value.trim() ? null : 'validation.required');

export const checkEmail = (value: string): string | null => {
  if (!value.trim()) return 'validation.required';
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? null : 'validation.email';
};

export const checkMobile = (value: string): string | null => {
  if (!value.trim()) return 'validation.required';
  return normalizeMobile(value) ? null : 'validation.mobile';
};

export const checkPassword = (value: string): string | null => {
  if (!value) return 'validation.required';
  return value.length >= 8 && value.length <= 128 ? null : 'validation.passwordLength';
};

/**
 * Rupees as typed ("250", "250.5", "1,000.00", "₹ 99") → integer paise, or null when it is not an
 * amount with at most two decimals. Parsed as text, so 0.29 never turns into 28 paise.
 */
export function rupeesToPaise(input: string): number | null {
  const cleaned = input.replace(/[\s,₹]/g, '');
  const m = /^(\d{1,10})(?:\.(\d{0,2}))?$/.exec(cleaned) ?? /^()\.(\d{1,2})$/.exec(cleaned);
  if (!m) return null;
  const rupees = Number(m[1] || '0');
  const paise = Number((m[2] ?? '').padEnd(2, '0'));
  return rupees * 100 + paise;
}

/** A positive amount in rupees with at most two decimals. */
export const checkRupees = (value: string): string | null => {
  if (!value.trim()) return 'validation.required';
  const paise = rupeesToPaise(value);
  return paise !== null && paise > 0 ? null : 'validation.amount';
};
