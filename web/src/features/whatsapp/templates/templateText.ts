import { useTranslation } from 'react-i18next';
import type { Template } from '../../../api/whatsapp-templates';

/** The body text of a stored template (Meta's wording for authentication templates without one). */
export function bodyTextOf(t: Pick<Template, 'components' | 'category'>): string {
  const body = t.components.find((c) => String(c.type).toUpperCase() === 'BODY');
  if (typeof body?.text === 'string') return body.text;
  return t.category === 'AUTHENTICATION' ? '*{{1}}* is your verification code.' : '';
}

/**
 * Why a template cannot be sent, in the reader's language: the server's English message, or the
 * Hindi text for its code.
 */
export function useNoticeText() {
  const { t, i18n } = useTranslation();
  return (notice: NonNullable<Template['notice']>, status: string): string =>
    i18n.resolvedLanguage === 'en' ? notice.message : t(`waTemplates.notices.${notice.code}`, { status, defaultValue: notice.message });
}
