import { Button } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/context';

export function SignOutButton() {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);

  const signOut = async () => {
    setBusy(true);
    try {
      await logout();
    } catch {
      // The session is gone on this device either way.
    } finally {
      setBusy(false);
      void navigate('/login', { replace: true });
    }
  };

  return (
    <Button size="xs" variant="light" color="gray" loading={busy} onClick={() => void signOut()}>
      {t('nav.signOut')}
    </Button>
  );
}
