import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import type { ActivityItem, ActivityPage } from '../../api/types';
import { notifyError } from '../../lib/errors';

type Cursor = ActivityPage['nextBefore'];

export interface ActivityFeed {
  items: ActivityItem[];
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * An activity log read newest-first in pages: the first page loads when `key` changes,
 * loadMore() appends the page before the last item seen.
 */
export function useActivityFeed(
  fetchPage: (before: Cursor, signal?: AbortSignal) => Promise<ActivityPage>,
  key: string,
): ActivityFeed {
  const [items, setItems] = useState<ActivityItem[]>([]);
  const [cursor, setCursor] = useState<Cursor>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [nonce, setNonce] = useState(0);
  const fetchFirst = useEffectEvent((signal: AbortSignal) => fetchPage(null, signal));

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    fetchFirst(controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems(page.items);
        setCursor(page.nextBefore);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, nonce]);

  const loadMore = async () => {
    if (cursor === null || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await fetchPage(cursor);
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.nextBefore);
    } catch (err) {
      notifyError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const reload = useCallback(() => setNonce((n) => n + 1), []);

  return {
    items,
    loading,
    loadingMore,
    error,
    hasMore: cursor !== null && cursor !== undefined,
    loadMore: () => void loadMore(),
    reload,
  };
}
