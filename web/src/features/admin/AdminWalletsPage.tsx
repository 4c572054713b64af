import { Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../../api/endpoints';
import type { AdminWallet } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { formatMoney } from '../../lib/format';
import { AdjustBalanceModal } from './AdjustBalanceModal';

const PAGE_SIZE = 50;
const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

function Total({ label, paise }: { label: string; paise: number }) {
  return (
    <Card withBorder radius="md" padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} fz="lg" style={numeric}>
        {formatMoney(paise)}
      </Text>
    </Card>
  );
}

/** Every customer wallet with its balances; a name opens the passbook, a button adjusts the balance. */
export function AdminWalletsPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [page, setPage] = useState(0);
  const [version, setVersion] = useState(0);
  const [adjusting, setAdjusting] = useState<AdminWallet | null>(null);
  const state = useApi(
    (signal) => adminApi.wallets(q, PAGE_SIZE, page * PAGE_SIZE, signal),
    JSON.stringify({ q, page, version }),
  );

  return (
    <>
      <PageHeader title={t('admin.wallets.title')} description={t('admin.wallets.intro')} />
      <Stack>
        <TextInput
          type="search"
          label={t('admin.wallets.search')}
          placeholder={t('admin.wallets.searchPlaceholder')}
          value={search}
          maxLength={100}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(0);
          }}
        />
        <LoadState {...state}>
          {({ items, totals }) => (
            <Stack>
              <SimpleGrid cols={2} spacing="sm">
                <Total label={t('admin.wallets.totalAvailable')} paise={totals.available} />
                <Total label={t('admin.wallets.totalHeld')} paise={totals.held} />
              </SimpleGrid>
              {items.length === 0 ? (
                <Text c="dimmed">{t('admin.wallets.empty')}</Text>
              ) : (
                <Table.ScrollContainer minWidth={520}>
                  <Table striped highlightOnHover verticalSpacing="xs">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('admin.wallets.customer')}</Table.Th>
                        <Table.Th ta="right">{t('admin.wallets.available')}</Table.Th>
                        <Table.Th ta="right">{t('admin.wallets.held')}</Table.Th>
                        <Table.Th>{t('admin.wallets.actions')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((w) => (
                        <Table.Tr key={w.userId}>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={`/admin/wallets/${w.userId}`}
                              state={{ name: w.name, email: w.email, available: w.available }}
                              size="sm"
                              fw={500}
                              title={t('admin.wallets.passbookFor', { name: w.name })}
                            >
                              {w.name}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              {w.email}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {formatMoney(w.available)}
                          </Table.Td>
                          <Table.Td ta="right" style={numeric}>
                            {formatMoney(w.held)}
                          </Table.Td>
                          <Table.Td>
                            <Button
                              size="xs"
                              variant="light"
                              onClick={() => setAdjusting(w)}
                              aria-label={t('admin.wallets.adjustFor', { name: w.name })}
                            >
                              {t('admin.wallets.adjust')}
                            </Button>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              {page > 0 || items.length === PAGE_SIZE ? (
                <Group justify="center" gap="sm">
                  <Button variant="default" size="xs" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
                    {t('admin.wallets.previous')}
                  </Button>
                  <Text size="sm">{t('admin.wallets.pageOf', { page: page + 1 })}</Text>
                  <Button
                    variant="default"
                    size="xs"
                    disabled={items.length < PAGE_SIZE}
                    onClick={() => setPage((p) => p + 1)}
                  >
                    {t('admin.wallets.next')}
                  </Button>
                </Group>
              ) : null}
            </Stack>
          )}
        </LoadState>
      </Stack>
      {adjusting ? (
        <AdjustBalanceModal
          key={adjusting.userId}
          userId={adjusting.userId}
          name={adjusting.name}
          available={adjusting.available}
          opened
          onClose={() => setAdjusting(null)}
          onDone={() => {
            setAdjusting(null);
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
    </>
  );
}
