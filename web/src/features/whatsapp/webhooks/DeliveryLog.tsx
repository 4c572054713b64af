import { Accordion, Badge, Button, Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { webhooksApi, type DeliveryState } from '../../../api/whatsapp-webhooks';
import { LoadState } from '../../../components/LoadState';
import { PagedResults } from '../../../components/PagedResults';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime } from '../../../lib/format';
import { DeliveryAttempts } from './DeliveryAttempts';
import { DELIVERY_COLORS, useEventTypeLabel } from './labels';

const PAGE = 20;

/** The endpoint's deliveries, newest first, filtered by state; each opens to its attempts. */
export function DeliveryLog({ endpointId, canReplay, refreshKey }: { endpointId: string; canReplay: boolean; refreshKey: number }) {
  const { t } = useTranslation();
  const typeLabel = useEventTypeLabel();
  const [state, setState] = useState<DeliveryState | 'all'>('all');
  const [page, setPage] = useState(1);
  const [nonce, setNonce] = useState(0);
  // Only the opened delivery loads its attempts.
  const [open, setOpen] = useState<string | null>(null);
  const filters = { state: state === 'all' ? undefined : state, limit: PAGE, offset: (page - 1) * PAGE };
  const log = useApi((signal) => webhooksApi.deliveries(endpointId, filters, signal), `${endpointId}:${state}:${page}:${refreshKey}:${nonce}`);

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="xs">
        <SegmentedControl
          size="xs"
          value={state}
          onChange={(v) => {
            setState(v as DeliveryState | 'all');
            setPage(1);
          }}
          data={[
            { value: 'all', label: t('waWebhooks.log.all') },
            { value: 'pending', label: t('waWebhooks.state.pending') },
            { value: 'failed', label: t('waWebhooks.state.failed') },
            { value: 'succeeded', label: t('waWebhooks.state.succeeded') },
          ]}
        />
        <Button size="xs" variant="default" onClick={() => setNonce((n) => n + 1)}>
          {t('waWebhooks.log.refresh')}
        </Button>
      </Group>
      <LoadState {...log}>
        {({ items, total }) => (
          <PagedResults
            total={total}
            empty={items.length === 0}
            countText={t('waWebhooks.log.count', { count: total })}
            emptyText={t('waWebhooks.log.empty')}
            page={page}
            pageSize={PAGE}
            onPage={setPage}
          >
            <Accordion variant="separated" chevronPosition="left" value={open} onChange={setOpen}>
              {items.map((d) => (
                <Accordion.Item key={d.id} value={d.id} data-testid="webhook-delivery">
                  <Accordion.Control>
                    <Group justify="space-between" gap="xs" wrap="nowrap">
                      <Stack gap={0} style={{ minWidth: 0 }}>
                        <Text size="sm" fw={600}>
                          {typeLabel(d.eventType)}
                          {d.origin !== 'event' ? ` · ${t(`waWebhooks.origin.${d.origin}`)}` : ''}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {formatDateTime(d.createdAt)} · {t('waWebhooks.log.attempts', { count: d.attempts })}
                          {d.lastStatus !== null ? ` · HTTP ${d.lastStatus}` : ''}
                          {d.state === 'pending' && d.nextAttemptAt ? ` · ${t('waWebhooks.log.nextAt', { when: formatDateTime(d.nextAttemptAt) })}` : ''}
                        </Text>
                      </Stack>
                      <Badge color={DELIVERY_COLORS[d.state]} variant="light">
                        {t(`waWebhooks.state.${d.state}`)}
                      </Badge>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    {open === d.id ? <DeliveryAttempts endpointId={endpointId} delivery={d} canReplay={canReplay} onReplayed={() => setNonce((n) => n + 1)} /> : null}
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          </PagedResults>
        )}
      </LoadState>
    </Stack>
  );
}
