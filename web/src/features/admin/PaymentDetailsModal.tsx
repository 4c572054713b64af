import { Badge, Code, Modal, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../../api/endpoints';
import type { AdminPayment } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import { useApi } from '../../hooks/useApi';
import { formatDateTime, formatMoney } from '../../lib/format';
import { TopupStatusBadge } from '../wallet/TopupStatusBadge';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

/** One gateway payment with the webhook events received for it. */
export function PaymentDetailsModal({ payment, onClose }: { payment: AdminPayment; onClose: () => void }) {
  const { t } = useTranslation();
  const state = useApi((signal) => adminApi.payment(payment.id, signal), payment.id);
  const p = state.data?.payment ?? payment;
  const mono = (v: string | null) => (v ? <Code>{v}</Code> : '—');

  return (
    <Modal opened onClose={onClose} title={t('admin.payments.detailsTitle')} size="lg" centered>
      <Stack>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Fact label={t('admin.payments.customer')}>
            {p.userName}
            <Text size="xs" c="dimmed">
              {p.userEmail}
            </Text>
          </Fact>
          <Fact label={t('admin.payments.amount')}>
            {formatMoney(p.amount)} <TopupStatusBadge status={p.status} />
          </Fact>
          <Fact label={t('admin.payments.created')}>{formatDateTime(p.createdAt)}</Fact>
          <Fact label={t('admin.payments.verifiedAt')}>{formatDateTime(p.verifiedAt)}</Fact>
          <Fact label={t('admin.payments.capturedAt')}>{formatDateTime(p.capturedAt)}</Fact>
          <Fact label={t('admin.payments.failedAt')}>{formatDateTime(p.failedAt)}</Fact>
          <Fact label={t('admin.payments.gateway')}>{p.gateway}</Fact>
          <Fact label={t('admin.payments.receipt')}>{p.receiptNumber ?? '—'}</Fact>
          <Fact label={t('admin.payments.gatewayIds')}>
            <Stack gap={2}>
              {mono(p.gatewayOrderId)}
              {p.gatewayPaymentId ? mono(p.gatewayPaymentId) : null}
            </Stack>
          </Fact>
          <Fact label={t('admin.payments.ledgerTransfer')}>{mono(p.ledgerTransferId)}</Fact>
          {p.failureReason ? <Fact label={t('admin.payments.failureReason')}>{p.failureReason}</Fact> : null}
        </SimpleGrid>
        {p.needsReview ? (
          <Stack gap={4}>
            <Badge color="red" variant="filled">
              {t('admin.payments.review')}
            </Badge>
            <Text size="sm">{p.reviewReason}</Text>
          </Stack>
        ) : null}
        <Title order={3} size="h5">
          {t('admin.payments.events')}
        </Title>
        <LoadState {...state}>
          {({ events }) =>
            events.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('admin.payments.noEvents')}
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={480}>
                <Table verticalSpacing="xs" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('admin.payments.received')}</Table.Th>
                      <Table.Th>{t('admin.payments.eventType')}</Table.Th>
                      <Table.Th>{t('admin.payments.outcome')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {events.map((e) => (
                      <Table.Tr key={e.id}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.receivedAt)}</Table.Td>
                        <Table.Td>
                          <Code>{e.eventType}</Code>
                        </Table.Td>
                        <Table.Td>
                          <Code>{e.outcome}</Code>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </LoadState>
      </Stack>
    </Modal>
  );
}
