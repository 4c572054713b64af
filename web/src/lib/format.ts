import i18n from '../i18n';

const locale = (): string => (i18n.resolvedLanguage === 'hi' ? 'hi-IN' : 'en-IN');

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(date);
}

/** "+919876543210" → "+91 98765 43210" */
export function formatMobile(mobile: string | null): string {
  if (!mobile) return '—';
  return /^\+91\d{10}$/.test(mobile) ? `+91 ${mobile.slice(3, 8)} ${mobile.slice(8)}` : mobile;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(signed: boolean): Intl.NumberFormat {
  const key = `${locale()}:${signed}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale(), {
      style: 'currency',
      currency: 'INR',
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      ...(signed ? { signDisplay: 'exceptZero' as const } : {}),
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Paise as rupees: 25000 → "₹250.00" (Indian digit grouping: ₹1,00,000.00). */
export function formatMoney(paise: number): string {
  return moneyFormat(false).format(paise / 100);
}

/** A movement with its sign: 25000 → "+₹250.00", -5000 → "-₹50.00". */
export function formatSignedMoney(paise: number): string {
  return moneyFormat(true).format(paise / 100);
}
