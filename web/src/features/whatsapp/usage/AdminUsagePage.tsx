import { Anchor, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { billingApi, type Period } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { formatMoney } from '../../../lib/format';
import { PeriodForm, lastThirtyDays, toPeriod, type PeriodDays } from './PeriodForm';
import { UsageFigures, UsageReport } from './UsageReport';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

function TenantReport({ tenant, period, onClose }: { tenant: { id: string; name: string }; period: Period; onClose: () => void }) {
  const { t } = useTranslation();
  const state = useApi((signal) => billingApi.adminTenantUsage(tenant.id, period, signal), JSON.stringify({ id: tenant.id, period }));
  return (
    <Modal opened onClose={onClose} title={t('waUsage.admin.tenantTitle', { name: tenant.name })} centered size="xl">
      <LoadState {...state}>{(r) => <UsageReport usage={r.usage} />}</LoadState>
    </Modal>
  );
}

/** Every tenant's WhatsApp messages and spend over a period, biggest spenders first. */
export function AdminUsagePage() {
  const { t } = useTranslation();
  const [days, setDays] = useState<PeriodDays>(lastThirtyDays);
  const [open, setOpen] = useState<{ id: string; name: string } | null>(null);
  const period = toPeriod(days);
  const state = useApi((signal) => billingApi.adminUsage(period, signal), JSON.stringify(days));

  return (
    <>
      <PageHeader title={t('waUsage.admin.title')} description={t('waUsage.admin.intro')} />
      <Stack>
        <PeriodForm initial={days} onApply={setDays} />
        <LoadState {...state}>
          {({ tenants, totals }) => (
            <Stack>
              <UsageFigures totals={totals} />
              {tenants.length === 0 ? (
                <Text c="dimmed">{t('waUsage.empty')}</Text>
              ) : (
                <Table.ScrollContainer minWidth={640}>
                  <Table striped highlightOnHover verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('waUsage.admin.customer')}</Table.Th>
                        <Table.Th ta="right">{t('waUsage.admin.numbers')}</Table.Th>
                        <Table.Th ta="right">{t('waUsage.sent')}</Table.Th>
                        <Table.Th ta="right">{t('waUsage.received')}</Table.Th>
                        <Table.Th ta="right">{t('waUsage.failed')}</Table.Th>
                        <Table.Th ta="right">{t('waUsage.spend')}</Table.Th>
                        <Table.Th ta="right">{t('waUsage.pending')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {tenants.map((r) => (
                        <Table.Tr key={r.tenantId}>
                          <Table.Td>
                            <Anchor component="button" size="sm" fw={500} onClick={() => setOpen({ id: r.tenantId, name: r.name })}>
                              {r.name}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              {r.email}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {r.liveNumbers}
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {r.outbound}
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {r.inbound}
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {r.failed}
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {formatMoney(r.chargedPaise)}
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {formatMoney(r.pendingPaise)}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              <Group>
                <Button variant="default" size="xs" onClick={state.reload}>
                  {t('common.refresh')}
                </Button>
              </Group>
            </Stack>
          )}
        </LoadState>
      </Stack>
      {open ? <TenantReport tenant={open} period={period} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
