import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PRICE_CATEGORIES, billingApi, type CustomerPrice } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime, formatMoney } from '../../../lib/format';
import { countryLabel } from './prices';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

/** Current prices of one calling code, one line per category. */
function CountryCard({ code, prices }: { code: string; prices: CustomerPrice[] }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="md">
      <Title order={2} size="h5" mb="xs">
        {countryLabel(t, code)}
      </Title>
      <Stack gap={4}>
        {PRICE_CATEGORIES.map((c) => {
          const p = prices.find((x) => x.category === c);
          return p ? (
            <Group key={c} justify="space-between" gap="xs">
              <Text size="sm">{t(`waPrices.categories.${c}`)}</Text>
              <Text size="sm" fw={600} style={numeric}>
                {formatMoney(p.pricePaise)}
              </Text>
            </Group>
          ) : null;
        })}
      </Stack>
    </Card>
  );
}

/** What one message costs the customer, by category and the recipient's country; scheduled changes. */
export function PricesPage() {
  const { t } = useTranslation();
  const state = useApi((signal) => billingApi.prices(signal), 'prices');
  return (
    <>
      <PageHeader title={t('waPrices.title')} description={t('waPrices.intro')} />
      <LoadState {...state}>
        {({ items }) => {
          const current = items.filter((p) => p.state === 'current');
          const scheduled = items.filter((p) => p.state === 'scheduled');
          // India first, "every other country" last.
          const codes = [...new Set(current.map((p) => p.countryCode))].sort((a, b) => (a === '91' ? -1 : b === '91' ? 1 : a === '*' ? 1 : b === '*' ? -1 : a.localeCompare(b)));
          return (
            <Stack>
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                {codes.map((code) => (
                  <CountryCard key={code} code={code} prices={current.filter((p) => p.countryCode === code)} />
                ))}
              </SimpleGrid>
              <Text size="xs" c="dimmed">
                {t('waPrices.note')}
              </Text>
              <Title order={2} size="h5">
                {t('waPrices.scheduledTitle')}
              </Title>
              {scheduled.length === 0 ? (
                <Text c="dimmed">{t('waPrices.noneScheduled')}</Text>
              ) : (
                <Table.ScrollContainer minWidth={360}>
                  <Table striped verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('waPrices.from')}</Table.Th>
                        <Table.Th>{t('waPrices.category')}</Table.Th>
                        <Table.Th>{t('waPrices.country')}</Table.Th>
                        <Table.Th ta="right">{t('waPrices.price')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {scheduled.map((p) => (
                        <Table.Tr key={`${p.category}:${p.countryCode}:${p.effectiveFrom}`}>
                          <Table.Td>{formatDateTime(p.effectiveFrom)}</Table.Td>
                          <Table.Td>{t(`waPrices.categories.${p.category}`)}</Table.Td>
                          <Table.Td>{countryLabel(t, p.countryCode)}</Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {formatMoney(p.pricePaise)}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Stack>
          );
        }}
      </LoadState>
    </>
  );
}
