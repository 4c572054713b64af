import { Checkbox, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SectionProps } from './formTypes';

/** Authentication templates: Meta writes the text; the business picks the security line, expiry and button text. */
export function AuthenticationFields({ state, update, errorOf }: SectionProps) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {t('waTemplates.form.authIntro')}
      </Text>
      <Checkbox
        label={t('waTemplates.form.securityRecommendation')}
        checked={state.securityRecommendation}
        onChange={(e) => update({ securityRecommendation: e.currentTarget.checked })}
      />
      <NumberInput
        label={t('waTemplates.form.expiryMinutes')}
        description={t('waTemplates.form.expiryHint')}
        value={state.expiryMinutes}
        min={1}
        max={90}
        allowDecimal={false}
        error={errorOf('footer.code_expiration_minutes')}
        onChange={(v) => update({ expiryMinutes: String(v) })}
      />
      <TextInput
        label={t('waTemplates.form.otpText')}
        placeholder={t('waTemplates.form.otpPlaceholder')}
        value={state.otpText}
        maxLength={40}
        error={errorOf('buttons[0].text') ?? errorOf('buttons')}
        onChange={(e) => update({ otpText: e.currentTarget.value })}
      />
    </Stack>
  );
}
