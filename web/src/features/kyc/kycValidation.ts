import * as rules from '../../../../server/src/modules/kyc/kyc.rules';

/**
 * Quick checks before saving: the server's own rules (server/src/modules/kyc/kyc.rules.ts, which has
 * no imports so the bundle can take it), which the server applies again as the authority. Each
 * returns an i18n key or null.
 */
export function checkAadhaar(value: string): string | null {
  if (!value.replace(/[\s-]/g, '')) return 'validation.required';
  return 'problem' in rules.checkAadhaar(value) ? 'kyc.validation.aadhaar' : null;
}

/** When an Aadhaar number is already saved, the field may stay empty. */
export const checkOptionalAadhaar = (value: string): string | null => (value.trim() ? checkAadhaar(value) : null);

export function checkPan(value: string): string | null {
  if (!value.replace(/\s/g, '')) return 'validation.required';
  return 'problem' in rules.checkPan(value) ? 'kyc.validation.pan' : null;
}

export function checkPincode(value: string): string | null {
  if (!value.replace(/\s/g, '')) return 'validation.required';
  return 'problem' in rules.checkPincode(value) ? 'kyc.validation.pincode' : null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
