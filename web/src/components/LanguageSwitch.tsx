import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, isLanguage } from '../i18n';

/** The visible English / हिन्दी switch; the choice is kept on this device. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const value = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('lang.label')}
      value={value}
      onChange={(lang) => {
        if (isLanguage(lang)) void changeLanguage(lang);
      }}
      data={[
        { value: 'en', label: t('lang.enShort') },
        { value: 'hi', label: t('lang.hiShort') },
      ]}
    />
  );
}
