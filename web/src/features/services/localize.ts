import { useTranslation } from 'react-i18next';
import type { Bilingual, DocumentType } from '../../api/services';
import i18n from '../../i18n';

/** Picks the text of the UI language from an English/Hindi pair (the other one when it is empty). */
export function useLocalized(): (text: Bilingual) => string {
  const { i18n: instance } = useTranslation();
  const hindi = instance.resolvedLanguage === 'hi';
  return (text) => (hindi ? text.hi || text.en : text.en || text.hi);
}

const locale = (): string => (i18n.resolvedLanguage === 'hi' ? 'hi-IN' : 'en-IN');

/** Basis points as a percentage: 1800 → "18%", 250 → "2.5%". */
export function formatPercent(bps: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10_000);
}

/** A file size limit: 512000 → "500 KB", 2097152 → "2 MB". */
export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  const number = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 });
  return mb >= 1 ? `${number.format(mb)} MB` : `${number.format(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

const TYPE_NAMES: Record<DocumentType, string> = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };
export const formatDocumentTypes = (types: readonly DocumentType[]): string => types.map((t) => TYPE_NAMES[t]).join(', ');
