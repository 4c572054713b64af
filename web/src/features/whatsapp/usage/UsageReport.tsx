import { Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MESSAGE_STATUSES, type TenantUsage, type UsageSummary } from '../../../api/whatsapp-account';
import { formatMoney } from '../../../lib/format';
import { numberTitle } from '../numbers/numberLabels';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder radius="md" padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz="lg" style={numeric}>
        {value}
      </Text>
    </Card>
  );
}

/** Sent, received, spend and pending money, as four figures (a tenant's report, and all tenants'). */
export function UsageFigures({ totals }: { totals: Pick<UsageSummary, 'outbound' | 'inbound' | 'chargedPaise' | 'pendingPaise'> }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
      <Figure label={t('waUsage.sent')} value={String(totals.outbound)} />
      <Figure label={t('waUsage.received')} value={String(totals.inbound)} />
      <Figure label={t('waUsage.spend')} value={formatMoney(totals.chargedPaise)} />
      <Figure label={t('waUsage.pending')} value={formatMoney(totals.pendingPaise)} />
    </SimpleGrid>
  );
}

/** A tenant's usage report: totals, by category and status, per number, per day. */
export function UsageReport({ usage }: { usage: TenantUsage }) {
  const { t } = useTranslation();
  const { totals } = usage;
  const categoryLabel = (c: string) => t(`waPrices.categories.${c}`, { defaultValue: c });
  return (
    <Stack>
      <UsageFigures totals={totals} />

      <Title order={2} size="h5">
        {t('waUsage.byCategory')}
      </Title>
      {totals.byCategory.length === 0 ? (
        <Text c="dimmed">{t('waUsage.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={300}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('waPrices.category')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.messages')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.spend')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {totals.byCategory.map((c) => (
                <Table.Tr key={c.category}>
                  <Table.Td>{categoryLabel(c.category)}</Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {c.messages}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {formatMoney(c.chargedPaise)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <Title order={2} size="h5">
        {t('waUsage.byStatus')}
      </Title>
      <SimpleGrid cols={{ base: 3, sm: 7 }} spacing="xs">
        {MESSAGE_STATUSES.map((s) => (
          <div key={s}>
            <Text size="xs" c="dimmed">
              {t(`waUsage.statuses.${s}`)}
            </Text>
            <Text fw={600} style={numeric}>
              {totals.byStatus[s]}
            </Text>
          </div>
        ))}
      </SimpleGrid>

      <Title order={2} size="h5">
        {t('waUsage.perNumber')}
      </Title>
      {usage.numbers.length === 0 ? (
        <Text c="dimmed">{t('waUsage.noNumbers')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={460}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('waUsage.number')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.sent')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.received')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.failed')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.spend')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {usage.numbers.map((n) => (
                <Table.Tr key={n.numberId}>
                  <Table.Td>
                    <Text size="sm">{numberTitle({ label: n.label, verifiedName: null, displayPhoneNumber: n.displayPhoneNumber, phoneNumberId: n.phoneNumberId })}</Text>
                    {n.label && n.displayPhoneNumber ? (
                      <Text size="xs" c="dimmed">
                        {n.displayPhoneNumber}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {n.outbound}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {n.inbound}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {n.byStatus.failed}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {formatMoney(n.chargedPaise)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      <Title order={2} size="h5">
        {t('waUsage.perDay')}
      </Title>
      {usage.days.length === 0 ? (
        <Text c="dimmed">{t('waUsage.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={400}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('waUsage.day')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.sent')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.received')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.failed')}</Table.Th>
                <Table.Th ta="right">{t('waUsage.spend')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {usage.days.map((d) => (
                <Table.Tr key={d.day}>
                  <Table.Td style={numeric}>{d.day}</Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {d.outbound}
                  </Table.Td>
                  <Table.Td ta="right" style={numeric}>
                    {d.inbound}
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
      <Text size="xs" c="dimmed">
        {t('waUsage.daysNote')}
      </Text>
    </Stack>
  );
}
