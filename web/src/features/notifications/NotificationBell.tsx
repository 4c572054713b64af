import { ActionIcon, Indicator } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { UNREAD_CHANGED, notificationsApi } from '../../api/notifications';

// A glance every minute is enough for a bell; each page change looks again at once.
const POLL_MS = 60_000;

function BellIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** The header's bell: the unread count, opening the notifications page. */
export function NotificationBell() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const [unread, setUnread] = useState(0);

  const load = useCallback((signal?: AbortSignal) => {
    notificationsApi.unreadCount(signal).then(
      (r) => setUnread(r.unread),
      () => {
        // A missed count is not worth an error message; the next look corrects it.
      },
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [pathname, load]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, POLL_MS);
    const onChange = () => load();
    window.addEventListener(UNREAD_CHANGED, onChange);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(UNREAD_CHANGED, onChange);
    };
  }, [load]);

  const label = unread ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell');
  return (
    <Indicator label={unread > 99 ? '99+' : unread} size={16} color="red" disabled={unread === 0} offset={4}>
      <ActionIcon component={Link} to="/notifications" variant="subtle" color="gray" size="lg" aria-label={label} title={label}>
        <BellIcon />
      </ActionIcon>
    </Indicator>
  );
}
