import { Modal, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { keysApi, type ApiKey } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime, formatMoney } from '../../../lib/format';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

/** Messages sent with one key per day over the last 30 days, and its last use. */
export function KeyUsageModal({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const { t } = useTranslation();
  const state = useApi((signal) => keysApi.usage(apiKey.id, {}, signal), apiKey.id);
  return (
    <Modal opened onClose={onClose} title={t('waKeys.usage.title', { name: apiKey.name })} centered size="lg">
      <LoadState {...state}>
        {(u) => (
          <>
            <Text size="sm" mb="sm">
              {t('waKeys.usage.summary', { messages: u.total.messages, failed: u.total.failed, amount: formatMoney(u.total.chargedPaise) })}
            </Text>
            <Text size="xs" c="dimmed" mb="sm">
              {u.key.lastUsedAt ? t('waKeys.card.lastUsed', { when: formatDateTime(u.key.lastUsedAt), ip: u.key.lastUsedIp ?? '—' }) : t('waKeys.card.neverUsed')}
            </Text>
            {u.days.length === 0 ? (
              <Text c="dimmed">{t('waKeys.usage.empty')}</Text>
            ) : (
              <Table.ScrollContainer minWidth={320}>
                <Table striped verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('waUsage.day')}</Table.Th>
                      <Table.Th ta="right">{t('waUsage.sent')}</Table.Th>
                      <Table.Th ta="right">{t('waUsage.failed')}</Table.Th>
                      <Table.Th ta="right">{t('waUsage.spend')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {u.days.map((d) => (
                      <Table.Tr key={d.day}>
                        <Table.Td style={numeric}>{d.day}</Table.Td>
                        <Table.Td ta="right" style={numeric}>
                          {d.messages}
                        </Table.Td>
                        <Table.Td ta="right" style={numeric}>
                          {d.failed}
                        </Table.Td>
                        <Table.Td ta="right" style={numeric}>
                          {formatMoney(d.chargedPaise)}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </>
        )}
      </LoadState>
    </Modal>
  );
}
