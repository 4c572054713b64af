import { Select, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { billingApi, numbersApi } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { numberTitle } from '../numbers/numberLabels';
import { PeriodForm, lastThirtyDays, toPeriod, type PeriodDays } from './PeriodForm';
import { UsageReport } from './UsageReport';

/** The customer's messages and spend over a period, for all numbers or one. */
export function UsagePage() {
  const { t } = useTranslation();
  const [days, setDays] = useState<PeriodDays>(lastThirtyDays);
  const [numberId, setNumberId] = useState('');
  const [pendingNumber, setPendingNumber] = useState('');
  const numbers = useApi((signal) => numbersApi.list(signal), 'numbers');
  const state = useApi(
    (signal) => billingApi.usage({ ...toPeriod(days), ...(numberId ? { numberId } : {}) }, signal),
    JSON.stringify({ days, numberId }),
  );

  return (
    <>
      <PageHeader title={t('waUsage.title')} description={t('waUsage.intro')} />
      <Stack>
        <PeriodForm
          initial={days}
          onApply={(p) => {
            setDays(p);
            setNumberId(pendingNumber);
          }}
          extra={
            <Select
              label={t('waUsage.number')}
              value={pendingNumber}
              allowDeselect={false}
              onChange={(v) => setPendingNumber(v ?? '')}
              data={[{ value: '', label: t('waUsage.allNumbers') }, ...(numbers.data?.items ?? []).map((n) => ({ value: n.id, label: numberTitle(n) }))]}
              style={{ gridColumn: '1 / -1' }}
            />
          }
        />
        <LoadState {...state}>{(usage) => <UsageReport usage={usage} />}</LoadState>
      </Stack>
    </>
  );
}
