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
