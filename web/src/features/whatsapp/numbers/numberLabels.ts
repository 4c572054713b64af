import type { NumberStatus, WaNumber } from '../../../api/whatsapp-account';

export const STATUS_COLORS: Record<NumberStatus, string> = { connected: 'teal', error: 'red', disconnected: 'gray' };

/** Meta's quality rating as a colour: green, yellow, red; anything else (UNKNOWN, NA) grey. */
export function qualityColor(rating: string | null): string {
  switch (rating) {
    case 'GREEN':
      return 'green';
    case 'YELLOW':
      return 'yellow';
    case 'RED':
      return 'red';
    default:
      return 'gray';
  }
}

/** The name a person knows the number by: their label, else Meta's verified name, else the number. */
export const numberTitle = (n: Pick<WaNumber, 'label' | 'verifiedName' | 'displayPhoneNumber' | 'phoneNumberId'>): string =>
  n.label || n.verifiedName || n.displayPhoneNumber || n.phoneNumberId;

/** Meta ids are digits; 5 to 20 of them. Returns an i18n key for the problem, or null. */
export const checkGraphId = (value: string): string | null => {
  if (!value.trim()) return 'validation.required';
  return /^[0-9]{5,20}$/.test(value.trim()) ? null : 'waNumbers.connect.idDigits';
};

export const checkToken = (value: string): string | null => {
  if (!value.trim()) return 'validation.required';
  return /^[\x21-\x7e]{8,4096}$/.test(value.trim()) ? null : 'waNumbers.connect.tokenFormat';
};

export const checkAppSecret = (value: string): string | null =>
  !value.trim() || /^[0-9a-fA-F]{32}$/.test(value.trim()) ? null : 'waNumbers.connect.appSecretFormat';

export const checkVerifyToken = (value: string): string | null =>
  !value.trim() || /^[\x21-\x7e]{8,200}$/.test(value.trim()) ? null : 'waNumbers.connect.verifyTokenFormat';
