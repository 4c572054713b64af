import { Badge, Button, Stack, Switch, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { billingApi, type AdminPrice } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime, formatMoney } from '../../../lib/format';
import { AddPriceModal } from './AddPriceModal';
import { countryLabel, formatBps, formatMillipaise } from './prices';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;
const STATE_COLORS: Record<AdminPrice['state'], string> = { current: 'teal', scheduled: 'blue', superseded: 'gray' };

/** The price table for admins: current and scheduled rows (and history), add a price, cancel a scheduled one. */
export function AdminPricesPage() {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const [history, setHistory] = useState(false);
  const [adding, setAdding] = useState(false);
  const [version, setVersion] = useState(0);
  const state = useApi((signal) => billingApi.adminPrices(history, signal), JSON.stringify({ history, version }));

  const cancel = (p: AdminPrice) =>
    confirm({
      title: t('waPrices.cancel.title'),
      body: t('waPrices.cancel.body', { category: t(`waPrices.categories.${p.category}`), country: countryLabel(t, p.countryCode), when: formatDateTime(p.effectiveFrom) }),
      confirmLabel: t('waPrices.cancel.confirm'),
      danger: true,
      onConfirm: async () => {
        try {
          await billingApi.cancelPrice(p.id);
          notifySuccess(t('waPrices.cancel.done'));
          setVersion((v) => v + 1);
        } catch (err) {
          notifyError(err);
        }
      },
    });

  return (
    <>
      <PageHeader title={t('waPrices.adminTitle')} description={t('waPrices.adminIntro')} actions={<Button onClick={() => setAdding(true)}>{t('waPrices.add.open')}</Button>} />
      <Stack>
        <Switch label={t('waPrices.history')} checked={history} onChange={(e) => setHistory(e.currentTarget.checked)} />
        <LoadState {...state}>
          {({ items }) =>
            items.length === 0 ? (
              <Text c="dimmed">{t('waPrices.empty')}</Text>
            ) : (
              <Table.ScrollContainer minWidth={720}>
                <Table striped verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('waPrices.category')}</Table.Th>
                      <Table.Th>{t('waPrices.country')}</Table.Th>
                      <Table.Th ta="right">{t('waPrices.metaRate')}</Table.Th>
                      <Table.Th ta="right">{t('waPrices.markup')}</Table.Th>
                      <Table.Th ta="right">{t('waPrices.price')}</Table.Th>
                      <Table.Th>{t('waPrices.from')}</Table.Th>
                      <Table.Th>{t('waPrices.state')}</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td>{t(`waPrices.categories.${p.category}`)}</Table.Td>
                        <Table.Td>{countryLabel(t, p.countryCode)}</Table.Td>
                        <Table.Td ta="right" style={numeric}>
                          {t('waPrices.paise', { value: formatMillipaise(p.metaRateMillipaise) })}
                        </Table.Td>
                        <Table.Td ta="right" style={numeric}>
                          {formatBps(p.markupBps)}
                        </Table.Td>
                        <Table.Td ta="right" style={numeric}>
                          {formatMoney(p.pricePaise)}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{formatDateTime(p.effectiveFrom)}</Text>
                          {p.createdBy ? (
                            <Text size="xs" c="dimmed">
                              {p.createdBy.name}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <Badge color={STATE_COLORS[p.state]} variant="light">
                            {t(`waPrices.states.${p.state}`)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          {p.state === 'scheduled' ? (
                            <Button size="xs" variant="subtle" color="red" onClick={() => cancel(p)}>
                              {t('waPrices.cancel.button')}
                            </Button>
                          ) : null}
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
      {adding ? (
        <AddPriceModal
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            setVersion((v) => v + 1);
          }}
        />
      ) : null}
    </>
  );
}
