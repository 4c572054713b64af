import { Button, Card, Center, Collapse, Group, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { withQuery } from '../../api/client';
import type { PassbookFilters } from '../../api/endpoints';
import type { PassbookLine, PassbookPage } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import { useCursorFeed } from '../../hooks/useCursorFeed';
import { PassbookFilterForm } from './PassbookFilterForm';
import { PassbookTable } from './PassbookTable';
import { EMPTY_PASSBOOK_FILTERS, activeFilterCount, toPassbookQuery, type PassbookFilterValues } from './passbookFilters';

interface Props {
  title: string;
  intro?: string;
  /** Which wallet (for the feed's identity) and a counter that reloads it after a change. */
  feedKey: string;
  fetchPage: (filters: PassbookFilters, before: number | null, signal?: AbortSignal) => Promise<PassbookPage>;
  /** The CSV export of the same lines; the current filters are added. */
  csvPath?: string;
}

/** A wallet's passbook: filters by date and kind, newest first with "load more", and a CSV download. */
export function PassbookSection({ title, intro, feedKey, fetchPage, csvPath }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const filtersId = useId();
  const [filters, setFilters] = useState<PassbookFilterValues>(EMPTY_PASSBOOK_FILTERS);
  const [filtersOpen, { toggle: toggleFilters }] = useDisclosure(false);
  const query = toPassbookQuery(filters);
  const feed = useCursorFeed<PassbookLine, number>(
    (before, signal) => fetchPage(query, before, signal),
    `${feedKey}:${JSON.stringify(query)}`,
  );
  const active = activeFilterCount(filters);

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={titleId}>
      <Group justify="space-between" align="flex-start" gap="xs" mb="sm">
        <Stack gap={2}>
          <Title order={2} size="h4" id={titleId}>
            {title}
          </Title>
          {intro ? (
            <Text size="xs" c="dimmed">
              {intro}
            </Text>
          ) : null}
        </Stack>
        <Group gap="xs">
          <Button
            size="xs"
            variant={active > 0 ? 'light' : 'default'}
            onClick={toggleFilters}
            aria-expanded={filtersOpen}
            aria-controls={filtersId}
          >
            {active > 0 ? t('wallet.passbook.filtersActive', { count: active }) : t('wallet.passbook.filters')}
          </Button>
          {csvPath ? (
            <Button size="xs" variant="default" component="a" href={withQuery(csvPath, { ...query })} download>
              {t('wallet.passbook.downloadCsv')}
            </Button>
          ) : null}
        </Group>
      </Group>
      <Collapse in={filtersOpen} id={filtersId}>
        <Stack pb="md">
          <PassbookFilterForm initial={filters} onApply={setFilters} />
        </Stack>
      </Collapse>
      <LoadState data={feed.loading ? undefined : feed.items} error={feed.error} loading={feed.loading} reload={feed.reload}>
        {(lines) =>
          lines.length === 0 ? (
            <Text size="sm" c="dimmed">
              {active > 0 ? t('wallet.passbook.emptyFiltered') : t('wallet.passbook.empty')}
            </Text>
          ) : (
            <>
              <PassbookTable lines={lines} />
              <Center mt="md">
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
            </>
          )
        }
      </LoadState>
    </Card>
  );
}
