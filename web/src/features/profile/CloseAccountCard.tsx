import { Anchor, Button, Card, Group, List, Modal, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { startTransition, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ApiError, setCsrfToken } from '../../api/client';
import { authApi, meApi } from '../../api/endpoints';
import { useAuth } from '../../auth/context';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { errorMessage } from '../../lib/errors';
import { checkRequired } from '../../lib/validation';

/** The holder closes their own account, confirming with their password. */
export function CloseAccountCard() {
  const { t } = useTranslation();
  const { setUser } = useAuth();
  const navigate = useNavigate();
  const [opened, setOpened] = useState(false);
  const form = useForm({ password: '' }, { password: checkRequired });

  const submit = useSubmit(
    async () => {
      await meApi.close(form.values.password);
      // The router moves in a transition; dropping the user in the same one keeps the profile page's
      // guard from seeing a signed-out user first (its own redirect to sign-in would lose this message).
      startTransition(() => {
        setUser(null);
        void navigate('/login', { replace: true, state: { accountClosed: true } });
      });
      // The old CSRF token belonged to the ended session. Not refresh(): its user update could land
      // before the transition and bring back the guard's redirect.
      void authApi.session().then(
        (session) => setCsrfToken(session.csrfToken),
        () => undefined,
      );
    },
    (err) => {
      // The server's field text is English only; the translated code reads right in Hindi too.
      const wrong = err instanceof ApiError && err.code === 'wrong_password';
      form.showServerErrors(err, wrong ? { password: errorMessage(err) } : {});
    },
  );

  const close = () => {
    if (submit.busy) return;
    setOpened(false);
    form.reset({ password: '' });
    submit.clearError();
  };

  const walletNotEmpty = submit.error instanceof ApiError && submit.error.code === 'wallet_not_empty';

  return (
    <Card withBorder radius="md" padding="lg" style={{ borderColor: 'var(--mantine-color-red-3)' }}>
      <Title order={2} size="h4" mb="sm">
        {t('profile.closeTitle')}
      </Title>
      <Stack gap="sm">
        <List size="sm" spacing="xs">
          <List.Item>{t('profile.closeFinal')}</List.Item>
          <List.Item>{t('profile.closeKyc')}</List.Item>
          <List.Item>
            {t('profile.closeWallet')}{' '}
            <Anchor component={Link} to="/support/new" size="sm">
              {t('profile.closeSupport')}
            </Anchor>
          </List.Item>
        </List>
        <Group>
          <Button color="red" variant="outline" w={{ base: '100%', xs: 'auto' }} onClick={() => setOpened(true)}>
            {t('profile.closeButton')}
          </Button>
        </Group>
      </Stack>
      <Modal opened={opened} onClose={close} title={t('profile.closeConfirmTitle')} centered>
        <form
          noValidate
          onSubmit={form.submitWith(submit.run)}
        >
          <Stack gap="sm">
            <Text size="sm">{t('profile.closeConfirmBody')}</Text>
            <FormError error={form.serverErrorShownInFields ? null : submit.error} />
            {walletNotEmpty ? (
              <Anchor component={Link} to="/support/new" size="sm">
                {t('profile.closeSupport')}
              </Anchor>
            ) : null}
            <PasswordInput
              label={t('fields.password')}
              autoComplete="current-password"
              required
              data-autofocus
              {...form.field('password')}
            />
            <Group justify="flex-end" mt="xs">
              <Button variant="default" onClick={close} disabled={submit.busy}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" color="red" loading={submit.busy}>
                {t('profile.closeConfirmSubmit')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  );
}
