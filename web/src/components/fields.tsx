import { PasswordInput, Select, TextInput, type PasswordInputProps, type TextInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Language } from '../api/types';
import { isLanguage } from '../i18n';

/** Indian mobile number: the person types 10 digits after a fixed +91. */
export function MobileInput(props: Omit<TextInputProps, 'label' | 'leftSection'>) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('fields.mobile')}
      description={t('hints.mobile')}
      type="tel"
      inputMode="numeric"
      autoComplete="tel-national"
      maxLength={15}
      leftSection="+91"
      leftSectionWidth={46}
      leftSectionProps={{ 'aria-hidden': true }}
      {...props}
    />
  );
}

export function EmailInput(props: Omit<TextInputProps, 'label'>) {
  const { t } = useTranslation();
  return <TextInput label={t('fields.email')} type="email" autoComplete="email" inputMode="email" {...props} />;
}

/** A password being chosen: shows the length rule as a hint. */
export function NewPasswordInput({ label, ...props }: PasswordInputProps) {
  const { t } = useTranslation();
  return (
    <PasswordInput
      label={label ?? t('fields.password')}
      description={t('hints.password')}
      autoComplete="new-password"
      maxLength={128}
      {...props}
    />
  );
}

export function LanguageSelect({
  value,
  onChange,
}: {
  value: Language;
  onChange: (lang: Language) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('fields.language')}
      description={t('hints.language')}
      value={value}
      allowDeselect={false}
      onChange={(v) => {
        if (isLanguage(v)) onChange(v);
      }}
      data={[
        { value: 'en', label: t('lang.en') },
        { value: 'hi', label: t('lang.hi') },
      ]}
    />
  );
}
