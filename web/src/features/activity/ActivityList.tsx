import { Button, Center, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LoadState } from '../../components/LoadState';
import { ActivityTable } from './ActivityTable';
import type { ActivityFeed } from './useActivityFeed';

/** A feed's table with its loading, error, empty and "load more" states. */
export function ActivityList({
  feed,
  emptyText,
  staffView = false,
}: {
  feed: ActivityFeed;
  emptyText: string;
  staffView?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <LoadState data={feed.loading ? undefined : feed.items} error={feed.error} loading={feed.loading} reload={feed.reload}>
      {(items) =>
        items.length === 0 ? (
          <Text c="dimmed">{emptyText}</Text>
        ) : (
          <>
            <ActivityTable items={items} staffView={staffView} />
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
  );
}
