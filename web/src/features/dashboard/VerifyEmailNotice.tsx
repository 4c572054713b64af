import { Alert, Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi } from '../../api/endpoints';
import { notifyError, notifySuccess } from '../../lib/errors';

export function VerifyEmailNotice({ email }: { email: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);

  const resend = async () => {
    setBusy(true);
    try {
      await authApi.resendVerification();
      setSent(true);
      notifySuccess(t('dashboard.resent'));
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Alert color="yellow" title={t('dashboard.verifyTitle')}>
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{t('dashboard.verifyBody', { email })}</Text>
        {sent ? (
          <Text size="sm" fw={500} role="status">
            {t('dashboard.resent')}
          </Text>
        ) : null}
        <Button size="xs" variant="white" color="yellow.9" loading={busy} onClick={() => void resend()}>
          {t('dashboard.resend')}
        </Button>
      </Stack>
    </Alert>
  );
}
