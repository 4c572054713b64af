import { Alert, Button, Stack } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { AuthHeading } from './AuthHeading';

export function RegisteredNotice({ email }: { email: string }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <AuthHeading title={t('register.successTitle')} />
      <Alert color="teal" role="status">
        {t('register.successBody', { email })}
      </Alert>
      <Button component={Link} to="/login" fullWidth>
        {t('register.goToLogin')}
      </Button>
    </Stack>
  );
}
