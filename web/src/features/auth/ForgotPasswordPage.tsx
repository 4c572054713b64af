import { Alert, Anchor, Button, Stack } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { authApi } from '../../api/endpoints';
import { EmailInput } from '../../components/fields';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { checkEmail } from '../../lib/validation';
import { AuthHeading } from './AuthHeading';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({ email: '' }, { email: checkEmail });
  const submit = useSubmit(
    async () => {
      const email = form.values.email.trim();
      await authApi.forgotPassword(email);
      setSentTo(email);
    },
    (err) => form.showServerErrors(err),
  );

  const backLink = (
    <Anchor component={Link} to="/login" size="sm" ta="center">
      {t('forgot.backToLogin')}
    </Anchor>
  );

  if (sentTo) {
    return (
      <Stack>
        <AuthHeading title={t('forgot.sentTitle')} />
        <Alert color="teal" role="status">
          {t('forgot.sent', { email: sentTo })}
        </Alert>
        {backLink}
      </Stack>
    );
  }

  return (
    <>
      <AuthHeading title={t('forgot.title')} subtitle={t('forgot.subtitle')} />
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <EmailInput required {...form.field('email')} />
          <Button type="submit" loading={submit.busy} fullWidth>
            {t('forgot.submit')}
          </Button>
          {backLink}
        </Stack>
      </form>
    </>
  );
}
