import { Alert, Anchor, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { Link, useLocation, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/context';
import { EmailInput } from '../../components/fields';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { checkEmail, checkRequired } from '../../lib/validation';
import { AuthHeading } from './AuthHeading';

/** Only same-app paths are followed after sign-in (never an absolute URL). */
function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : '/';
}

/** Set by the profile page after the person closed their own account. */
const accountJustClosed = (state: unknown): boolean => (state as { accountClosed?: unknown } | null)?.accountClosed === true;

export function LoginPage() {
  const { t } = useTranslation();
  const { login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const redirected = returnPath(location.state) !== '/';
  const closed = accountJustClosed(location.state);
  const form = useForm({ email: '', password: '' }, { email: checkEmail, password: checkRequired });

  const submit = useSubmit(
    async () => {
      await login(form.values.email.trim(), form.values.password);
      void navigate(returnPath(location.state), { replace: true });
    },
    (err) => form.showServerErrors(err),
  );

  return (
    <>
      <AuthHeading title={t('login.title')} subtitle={t('login.subtitle')} />
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack>
          {redirected && !submit.error ? <Alert color="blue">{t('login.sessionEnded')}</Alert> : null}
          {closed && !submit.error ? (
            <Alert color="teal" role="status">
              {t('login.accountClosed')}
            </Alert>
          ) : null}
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <EmailInput required {...form.field('email')} />
          <PasswordInput
            label={t('fields.password')}
            autoComplete="current-password"
            required
            {...form.field('password')}
          />
          <Group justify="flex-end">
            <Anchor component={Link} to="/forgot-password" size="sm">
              {t('login.forgot')}
            </Anchor>
          </Group>
          <Button type="submit" loading={submit.busy} fullWidth>
            {t('login.submit')}
          </Button>
          <Text size="sm" ta="center">
            {t('login.noAccount')}{' '}
            <Anchor component={Link} to="/register">
              {t('login.register')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </>
  );
}
