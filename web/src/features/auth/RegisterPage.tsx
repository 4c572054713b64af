import { Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { authApi } from '../../api/endpoints';
import { EmailInput, MobileInput, NewPasswordInput } from '../../components/fields';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { currentLanguage } from '../../i18n';
import { errorMessage } from '../../lib/errors';
import { checkEmail, checkMobile, checkPassword, checkRequired, normalizeMobile } from '../../lib/validation';
import { AuthHeading } from './AuthHeading';
import { RegisteredNotice } from './RegisteredNotice';

/** Which field a conflict answer is about. */
const CONFLICT_FIELD: Record<string, 'email' | 'mobile'> = { email_taken: 'email', mobile_taken: 'mobile' };

export function RegisterPage() {
  const { t } = useTranslation();
  const [registeredEmail, setRegisteredEmail] = useState<string | null>(null);
  const form = useForm(
    { name: '', mobile: '', email: '', password: '' },
    { name: checkRequired, mobile: checkMobile, email: checkEmail, password: checkPassword },
  );

  const submit = useSubmit(
    async () => {
      const { name, mobile, email, password } = form.values;
      const res = await authApi.register({
        name: name.trim(),
        mobile: normalizeMobile(mobile) ?? mobile,
        email: email.trim(),
        password,
        language: currentLanguage(),
      });
      setRegisteredEmail(res.user.email);
    },
    (err) => {
      const field = err instanceof ApiError ? CONFLICT_FIELD[err.code] : undefined;
      form.showServerErrors(err, field ? { [field]: errorMessage(err) } : {});
    },
  );

  if (registeredEmail) return <RegisteredNotice email={registeredEmail} />;

  return (
    <>
      <AuthHeading title={t('register.title')} subtitle={t('register.subtitle')} />
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <TextInput label={t('fields.name')} autoComplete="name" required maxLength={100} {...form.field('name')} />
          <MobileInput required {...form.field('mobile')} />
          <EmailInput required {...form.field('email')} />
          <NewPasswordInput required {...form.field('password')} />
          <Button type="submit" loading={submit.busy} fullWidth>
            {t('register.submit')}
          </Button>
          <Text size="sm" ta="center">
            {t('register.haveAccount')}{' '}
            <Anchor component={Link} to="/login">
              {t('register.signIn')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </>
  );
}
