/** The in-app notification inbox (server: server/src/modules/notifications). */
import { api } from './client';

export interface AppNotification {
  id: string;
  topic: 'service_updates' | 'wallet' | 'marketing';
  kind: string;
  title: { en: string; hi: string };
  body: { en: string; hi: string };
  /** In-app path the notification opens. */
  link: string | null;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export interface InboxPage {
  items: AppNotification[];
  total: number;
  unread: number;
}

export const notificationsApi = {
  list: (q: { unread?: boolean; limit: number; offset: number }, signal?: AbortSignal) =>
    api.get<InboxPage>('/api/notifications', { limit: q.limit, offset: q.offset, ...(q.unread ? { unread: 'true' } : {}) }, signal),
  unreadCount: (signal?: AbortSignal) => api.get<{ unread: number }>('/api/notifications/unread-count', {}, signal),
  markRead: (id: string) => api.post<{ notification: AppNotification }>(`/api/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => api.post<{ marked: number; unread: number }>('/api/notifications/read-all'),
};

/** Other parts of the app (the bell) hear when the unread count may have changed. */
export const UNREAD_CHANGED = 'seva:notifications-changed';
export const announceUnreadChanged = () => window.dispatchEvent(new Event(UNREAD_CHANGED));
