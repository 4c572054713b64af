import { Alert, Button, Grid, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PASSBOOK_CSV_PATH, walletApi } from '../../api/endpoints';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { errorMessage } from '../../lib/errors';
import { AddMoneyForm } from './AddMoneyForm';
import { BalanceCards } from './BalanceCards';
import { PassbookSection } from './PassbookSection';
import { RecentTopups } from './RecentTopups';
import { TopupResult } from './TopupResult';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The customer's wallet: balances, "Add money", the result of a checkout, recent top-ups and the passbook. */
export function WalletPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const topupParam = params.get('topup');
  const topupId = topupParam && UUID.test(topupParam) ? topupParam : null;
  const browserFailed = params.get('result') === 'failed';
  const returned = topupId !== null || browserFailed;

  // Bumped when a top-up settles: balances, top-ups and passbook load again.
  const [version, setVersion] = useState(0);
  const balances = useApi((signal) => walletApi.balances(signal), `balances:${version}`);
  const topups = useApi((signal) => walletApi.topups(10, signal), `topups:${version}`);

  return (
    <>
      <PageHeader title={t('wallet.title')} description={t('wallet.intro')} />
      <Stack gap="md">
        {returned ? (
          <TopupResult
            key={`${topupId ?? ''}:${String(browserFailed)}`}
            id={topupId}
            browserFailed={browserFailed}
            onSettled={() => setVersion((v) => v + 1)}
            onDismiss={() => setParams({}, { replace: true })}
          />
        ) : null}
        {balances.error ? (
          <Alert color="red" title={t('common.errorTitle')}>
            <Group justify="space-between" gap="sm">
              <span>{errorMessage(balances.error)}</span>
              <Button size="xs" variant="white" color="red" onClick={balances.reload}>
                {t('common.retry')}
              </Button>
            </Group>
          </Alert>
        ) : null}
        <BalanceCards balances={balances.data} />
        <Grid gutter="md">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <AddMoneyForm limits={balances.data?.limits} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <RecentTopups state={topups} />
          </Grid.Col>
        </Grid>
        <PassbookSection
          title={t('wallet.passbook.title')}
          intro={t('wallet.passbook.intro')}
          feedKey={`me:${version}`}
          fetchPage={(filters, before, signal) => walletApi.passbook(filters, before, 50, signal)}
          csvPath={PASSBOOK_CSV_PATH}
        />
      </Stack>
    </>
  );
}
