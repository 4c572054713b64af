import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { notifyError } from '../lib/errors';

export interface CursorPage<T, C> {
  items: T[];
  nextBefore: C | null;
}

export interface CursorFeed<T> {
  items: T[];
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A list read newest-first in pages: the first page loads when `key` changes (and on reload()),
 * loadMore() appends the page before the last item seen.
 */
export function useCursorFeed<T, C>(
  fetchPage: (before: C | null, signal?: AbortSignal) => Promise<CursorPage<T, C>>,
  key: string,
): CursorFeed<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<C | null>(null);
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
