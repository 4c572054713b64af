import type { ActivityItem, ActivityPage } from '../../api/types';
import { useCursorFeed, type CursorFeed } from '../../hooks/useCursorFeed';

type Cursor = NonNullable<ActivityPage['nextBefore']>;

export type ActivityFeed = CursorFeed<ActivityItem>;

/**
 * An activity log read newest-first in pages: the first page loads when `key` changes,
 * loadMore() appends the page before the last item seen.
 */
export function useActivityFeed(
  fetchPage: (before: Cursor | null, signal?: AbortSignal) => Promise<ActivityPage>,
  key: string,
): ActivityFeed {
  return useCursorFeed<ActivityItem, Cursor>(fetchPage, key);
}
