import { Badge, Button, Checkbox, Group, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { adminApi, type AdminPaymentFilters } from '../../api/endpoints';
import { PAYMENT_STATUSES, type AdminPayment, type PaymentStatus } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import { PagedResults } from '../../components/PagedResults';
import { PageHeader } from '../../components/PageHeader';
import { RefreshButton } from '../../components/RefreshButton';
import { useApi } from '../../hooks/useApi';
import { formatDateTime, formatMoney } from '../../lib/format';
import { TopupStatusBadge } from '../wallet/TopupStatusBadge';
import { PaymentDetailsModal } from './PaymentDetailsModal';

const PAGE_SIZE = 25;
const isStatus = (v: string | null): v is PaymentStatus => (PAYMENT_STATUSES as (string | null)[]).includes(v);

/** Gateway payments for admins, newest first; ones needing review stand out. */
export function PaymentsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<PaymentStatus | ''>('');
  const [needsReview, setNeedsReview] = useState(false);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<AdminPayment | null>(null);

  const filters: AdminPaymentFilters = {
    ...(status ? { status } : {}),
    ...(needsReview ? { needsReview: true } : {}),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const state = useApi((signal) => adminApi.payments(filters, signal), JSON.stringify(filters));

  return (
    <>
      <PageHeader
        title={t('admin.payments.title')}
        description={t('admin.payments.intro')}
        actions={
          <RefreshButton state={state} />
        }
      />
      <Stack>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Select
            label={t('admin.payments.status')}
            value={status}
            allowDeselect={false}
            onChange={(v) => {
              setStatus(isStatus(v) ? v : '');
              setPage(1);
            }}
            data={[
              { value: '', label: t('common.any') },
              ...PAYMENT_STATUSES.map((s) => ({ value: s, label: t(`wallet.topups.statuses.${s}`) })),
            ]}
          />
          <Checkbox
            label={t('admin.payments.needsReview')}
            checked={needsReview}
            onChange={(e) => {
              setNeedsReview(e.currentTarget.checked);
              setPage(1);
            }}
            style={{ alignSelf: 'end' }}
            mb={10}
          />
        </SimpleGrid>
        <LoadState {...state}>
          {({ items, total }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('admin.payments.total', { count: total })}
              emptyText={t('admin.payments.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
              pageLabel={t('admin.payments.page')}
            >
              <Table.ScrollContainer minWidth={860}>
                <Table highlightOnHover verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('admin.payments.created')}</Table.Th>
                      <Table.Th>{t('admin.payments.customer')}</Table.Th>
                      <Table.Th ta="right">{t('admin.payments.amount')}</Table.Th>
                      <Table.Th>{t('admin.payments.status')}</Table.Th>
                      <Table.Th>{t('admin.payments.gatewayIds')}</Table.Th>
                      <Table.Th>{t('admin.payments.receipt')}</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((p) => (
                      <Table.Tr key={p.id} bg={p.needsReview ? 'var(--mantine-color-red-light)' : undefined}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.createdAt)}</Table.Td>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {p.userName}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {p.userEmail}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right" style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                          {formatMoney(p.amount)}
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            <TopupStatusBadge status={p.status} />
                            {p.needsReview ? (
                              <Badge color="red" variant="filled" size="sm" title={p.reviewReason ?? undefined}>
                                {t('admin.payments.review')}
                              </Badge>
                            ) : null}
                          </Group>
                          {p.needsReview && p.reviewReason ? (
                            <Text size="xs" c="red.9" mt={4} maw={260}>
                              {p.reviewReason}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" ff="monospace">
                            {p.gatewayOrderId ?? '—'}
                          </Text>
                          {p.gatewayPaymentId ? (
                            <Text size="xs" ff="monospace" c="dimmed">
                              {p.gatewayPaymentId}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{p.receiptNumber ?? '—'}</Table.Td>
                        <Table.Td>
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => setOpen(p)}
                            aria-label={t('admin.payments.detailsFor', { name: p.userName })}
                          >
                            {t('admin.payments.details')}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </PagedResults>
          )}
        </LoadState>
      </Stack>
      {open ? <PaymentDetailsModal key={open.id} payment={open} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
