import { Button, type ButtonProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiState } from '../hooks/useApi';

/** Reloads a page's data; spins only while reloading (the first load shows its own loader). */
export function RefreshButton({ state, variant = 'light' }: { state: Pick<ApiState<unknown>, 'data' | 'loading' | 'reload'>; variant?: ButtonProps['variant'] }) {
  const { t } = useTranslation();
  return (
    <Button variant={variant} onClick={state.reload} loading={state.loading && state.data !== undefined}>
      {t('common.refresh')}
    </Button>
  );
}
