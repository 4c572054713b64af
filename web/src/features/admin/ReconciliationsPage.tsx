import { Button, Group, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../../api/endpoints';
import type { ReconciliationKind } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { RefreshButton } from '../../components/RefreshButton';
import { useApi } from '../../hooks/useApi';
import { notifyError, notifySuccess } from '../../lib/errors';
import { ReconciliationCard } from './ReconciliationCard';

const isKind = (v: string | null): v is ReconciliationKind => v === 'balances' || v === 'gateway';

/** The latest reconciliation reports (ledger balances and gateway payments), problems first to the eye. */
export function ReconciliationsPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ReconciliationKind | ''>('');
  const [running, setRunning] = useState(false);
  const state = useApi((signal) => adminApi.reconciliations(kind || undefined, 20, signal), kind);

  const runNow = async () => {
    setRunning(true);
    try {
      const report = await adminApi.runGatewayReconciliation();
      notifySuccess(t('admin.reconciliations.ran', { checked: report.checked, problems: report.problems }));
      state.reload();
    } catch (err) {
      notifyError(err);
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('admin.reconciliations.title')}
        description={t('admin.reconciliations.intro')}
        actions={
          <Group gap="xs">
            <RefreshButton state={state} variant="default" />
            <Button onClick={() => void runNow()} loading={running}>
              {t('admin.reconciliations.runNow')}
            </Button>
          </Group>
        }
      />
      <Stack>
        <Select
          label={t('admin.reconciliations.kind')}
          value={kind}
          allowDeselect={false}
          onChange={(v) => setKind(isKind(v) ? v : '')}
          data={[
            { value: '', label: t('admin.reconciliations.all') },
            { value: 'balances', label: t('admin.reconciliations.kinds.balances') },
            { value: 'gateway', label: t('admin.reconciliations.kinds.gateway') },
          ]}
          maw={{ base: '100%', xs: 320 }}
        />
        <LoadState {...state}>
          {({ items }) =>
            items.length === 0 ? (
              <Text c="dimmed">{t('admin.reconciliations.empty')}</Text>
            ) : (
              <Stack gap="sm">
                {items.map((report) => (
                  <ReconciliationCard key={report.id} report={report} />
                ))}
              </Stack>
            )
          }
        </LoadState>
      </Stack>
    </>
  );
}
