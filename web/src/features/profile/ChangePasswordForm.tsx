import { Button, Card, PasswordInput, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { meApi } from '../../api/endpoints';
import { NewPasswordInput } from '../../components/fields';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { notifySuccess } from '../../lib/errors';
import { checkPassword, checkRequired } from '../../lib/validation';

const EMPTY = { currentPassword: '', newPassword: '', confirm: '' };

const matchesNew = (value: string, values: Record<string, string>) =>
  value === values.newPassword ? null : 'validation.passwordMismatch';

export function ChangePasswordForm() {
  const { t } = useTranslation();
  const form = useForm(EMPTY, { currentPassword: checkRequired, newPassword: checkPassword, confirm: matchesNew });

  const submit = useSubmit(
    async () => {
      await meApi.changePassword(form.values.currentPassword, form.values.newPassword);
      form.reset(EMPTY);
      notifySuccess(t('profile.passwordChanged'));
    },
    (err) => form.showServerErrors(err),
  );

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="md">
        {t('profile.passwordTitle')}
      </Title>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <PasswordInput
            label={t('fields.currentPassword')}
            autoComplete="current-password"
            required
            {...form.field('currentPassword')}
          />
          <NewPasswordInput label={t('fields.newPassword')} required {...form.field('newPassword')} />
          <PasswordInput
            label={t('fields.confirmPassword')}
            autoComplete="new-password"
            required
            {...form.field('confirm')}
          />
          <Button type="submit" loading={submit.busy} w={{ base: '100%', xs: 'auto' }}>
            {t('profile.passwordSubmit')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
