import { Alert, Button, Center, Group, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/errors';

interface Props<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  children: (data: T) => ReactNode;
}

/** Shows a spinner while loading, an error with a retry button, or the loaded data. */
export function LoadState<T>({ data, error, loading, reload, children }: Props<T>) {
  const { t } = useTranslation();
  if (error) {
    return (
      <Alert color="red" title={t('common.errorTitle')}>
        <Group justify="space-between" gap="sm">
          <span>{errorMessage(error)}</span>
          <Button size="xs" variant="white" color="red" onClick={reload}>
            {t('common.retry')}
          </Button>
        </Group>
      </Alert>
    );
  }
  if (loading && data === undefined) {
    return (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  return data === undefined ? null : <>{children(data)}</>;
}
