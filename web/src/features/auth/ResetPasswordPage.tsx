import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { authApi } from '../../api/endpoints';
import { NewPasswordInput } from '../../components/fields';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { badTokenMessage, isBadTokenError, notifySuccess } from '../../lib/errors';
import { checkPassword } from '../../lib/validation';
import { AuthHeading } from './AuthHeading';

const samePassword = (value: string, values: Record<string, string>) =>
  value === values.password ? null : 'validation.passwordMismatch';

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const form = useForm({ password: '', confirm: '' }, { password: checkPassword, confirm: samePassword });

  const submit = useSubmit(
    async () => {
      await authApi.resetPassword(token, form.values.password);
      notifySuccess(t('reset.success'));
      void navigate('/login', { replace: true });
    },
    (err) => form.showServerErrors(err),
  );

  const requestNew = (
    <Anchor component={Link} to="/forgot-password" size="sm" ta="center">
      {t('reset.requestNew')}
    </Anchor>
  );

  if (!token) {
    return (
      <Stack>
        <AuthHeading title={t('reset.title')} />
        <Alert color="red">{t('reset.missingToken')}</Alert>
        {requestNew}
      </Stack>
    );
  }

  const tokenRejected = isBadTokenError(submit.error);

  return (
    <>
      <AuthHeading title={t('reset.title')} />
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack>
          {tokenRejected ? (
            <Alert color="red" role="alert">
              {badTokenMessage(submit.error)}
            </Alert>
          ) : (
            <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          )}
          <NewPasswordInput label={t('fields.newPassword')} required {...form.field('password')} />
          <PasswordInput
            label={t('fields.confirmPassword')}
            autoComplete="new-password"
            required
            {...form.field('confirm')}
          />
          <Button type="submit" loading={submit.busy} fullWidth>
            {t('reset.submit')}
          </Button>
          {tokenRejected ? requestNew : null}
        </Stack>
      </form>
    </>
  );
}
