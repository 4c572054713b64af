import { Button, Card, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { meApi, type ProfileInput } from '../../api/endpoints';
import type { Language, User } from '../../api/types';
import { useAuth, useUser } from '../../auth/context';
import { EmailInput, LanguageSelect, MobileInput } from '../../components/fields';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { changeLanguage } from '../../i18n';
import { notifySuccess } from '../../lib/errors';
import { checkEmail, checkMobile, checkRequired, localMobile, normalizeMobile } from '../../lib/validation';

const initialValues = (user: User) => ({ name: user.name, mobile: localMobile(user.mobile), email: user.email });

/** Only the fields that differ from the saved account are sent. */
function changes(user: User, values: { name: string; mobile: string; email: string }, language: Language) {
  const patch: ProfileInput = {};
  const name = values.name.trim();
  const mobile = values.mobile.trim() ? (normalizeMobile(values.mobile) ?? values.mobile) : user.mobile;
  const email = values.email.trim().toLowerCase();
  if (name !== user.name) patch.name = name;
  if (mobile !== user.mobile) patch.mobile = mobile;
  if (email !== user.email) patch.email = email;
  if (language !== user.language) patch.language = language;
  return patch;
}

export function ProfileForm() {
  const { t } = useTranslation();
  const user = useUser();
  const { setUser } = useAuth();
  const [language, setLanguage] = useState<Language>(user.language);
  const form = useForm(initialValues(user), {
    name: checkRequired,
    // Accounts made from the command line may have no mobile yet; it stays optional for them.
    mobile: (value) => (user.mobile === null && !value.trim() ? null : checkMobile(value)),
    email: checkEmail,
  });

  const submit = useSubmit(
    async () => {
      const patch = changes(user, form.values, language);
      if (Object.keys(patch).length === 0) {
        notifySuccess(t('profile.noChanges'));
        return;
      }
      const { user: saved } = await meApi.update(patch);
      setUser(saved);
      form.reset(initialValues(saved));
      if (patch.language) await changeLanguage(saved.language);
      notifySuccess(patch.email ? t('profile.emailChanged', { email: saved.email }) : t('profile.saved'));
    },
    (err) => form.showServerErrors(err),
  );

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('profile.details')}
      </Title>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <TextInput label={t('fields.name')} autoComplete="name" required maxLength={100} {...form.field('name')} />
          <MobileInput required={user.mobile !== null} {...form.field('mobile')} />
          <EmailInput required {...form.field('email')} />
          <LanguageSelect value={language} onChange={setLanguage} />
          <Button type="submit" loading={submit.busy} w={{ base: '100%', xs: 'auto' }}>
            {t('profile.save')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
