import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/errors';

/** The error of a whole form, announced to screen readers. */
export function FormError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" title={t('common.errorTitle')} role="alert">
      {errorMessage(error)}
    </Alert>
  );
}
