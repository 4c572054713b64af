import { Alert, Button, Stack } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';

export function Forbidden() {
  const { t } = useTranslation();
  return (
    <Stack maw={520}>
      <Alert color="yellow" title={t('common.forbiddenTitle')}>
        {t('common.forbiddenBody')}
      </Alert>
      <Button component={Link} to="/" variant="light" w="fit-content">
        {t('common.goHome')}
      </Button>
    </Stack>
  );
}
