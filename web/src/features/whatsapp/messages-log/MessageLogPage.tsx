import { Button, Center, Collapse, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { numbersApi } from '../../../api/whatsapp-account';
import { messageLogApi, type MessageSummary } from '../../../api/whatsapp-inbox';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useCursorFeed } from '../../../hooks/useCursorFeed';
import { MessageFilterForm } from './MessageFilterForm';
import { MessageRow } from './MessageRow';
import { EMPTY_MESSAGE_FILTERS, activeMessageFilterCount, toMessageQuery, type MessageFilterValues } from './messageFilters';

/** Every message the customer's numbers sent and received: filters, newest first with "load more", CSV. */
export function MessageLogPage() {
  const { t } = useTranslation();
  const filtersId = useId();
  const [params] = useSearchParams();
  // A link from a contact opens the log filtered to that person.
  const [filters, setFilters] = useState<MessageFilterValues>({ ...EMPTY_MESSAGE_FILTERS, waId: params.get('waId') ?? '' });
  const [open, { toggle }] = useDisclosure(false);
  const numbers = useApi((signal) => numbersApi.list(signal), 'numbers');
  const query = toMessageQuery(filters);
  const feed = useCursorFeed<MessageSummary, string>(async (cursor, signal) => {
    const page = await messageLogApi.list(query, cursor, signal);
    return { items: page.items, nextBefore: page.nextCursor };
  }, JSON.stringify(query));
  const active = activeMessageFilterCount(filters);

  return (
    <>
      <PageHeader
        title={t('waLog.title')}
        description={t('waLog.intro')}
        actions={
          <Group gap="xs">
            <Button size="sm" variant={active ? 'light' : 'default'} onClick={toggle} aria-expanded={open} aria-controls={filtersId}>
              {active ? t('waLog.filters.active', { count: active }) : t('waLog.filters.title')}
            </Button>
            <Button size="sm" variant="default" component="a" href={messageLogApi.csvUrl(query)} download>
              {t('waLog.downloadCsv')}
            </Button>
          </Group>
        }
      />
      <Collapse in={open} id={filtersId}>
        <Stack pb="md">
          <MessageFilterForm initial={filters} numbers={numbers.data?.items ?? []} onApply={setFilters} />
        </Stack>
      </Collapse>
      <LoadState data={feed.loading ? undefined : feed.items} error={feed.error} loading={feed.loading} reload={feed.reload}>
        {(items) =>
          items.length === 0 ? (
            <Text c="dimmed">{active ? t('waLog.emptyFiltered') : t('waLog.empty')}</Text>
          ) : (
            <Stack gap="xs">
              {items.map((m) => (
                <MessageRow key={m.id} m={m} />
              ))}
              <Center mt="sm">
                {feed.hasMore ? (
                  <Button variant="light" loading={feed.loadingMore} onClick={feed.loadMore}>
                    {t('common.loadMore')}
                  </Button>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('common.noMore')}
                  </Text>
                )}
              </Center>
            </Stack>
          )
        }
      </LoadState>
    </>
  );
}
