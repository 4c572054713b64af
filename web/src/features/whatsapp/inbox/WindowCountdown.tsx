import { Badge } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceWindow } from '../../../api/whatsapp-team-inbox';
import { timeLeft } from './inboxFormat';

/**
 * The 24-hour window: time left to answer freely, counting down; closed once it is over (the
 * composer then offers templates only). `onExpire` tells the thread the moment it closes.
 */
export function WindowCountdown({ window: w, onExpire }: { window: ServiceWindow; onExpire: () => void }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  const until = w.openUntil ? new Date(w.openUntil).getTime() : 0;
  const open = w.open && until > now;

  useEffect(() => {
    if (!w.open || !until) return;
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    const expiry = window.setTimeout(() => {
      setNow(Date.now());
      onExpire();
    }, Math.max(0, until - Date.now()) + 500);
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(expiry);
    };
  }, [w.open, until, onExpire]);

  if (!open) {
    return (
      <Badge color="gray" variant="light" tt="none" title={t('waInbox.windowClosedHint')}>
        {t('waInbox.windowClosed')}
      </Badge>
    );
  }
  const left = timeLeft(w.openUntil!, now);
  return (
    <Badge color={left.hours < 2 ? 'orange' : 'green'} variant="light" tt="none" title={t('waInbox.windowOpenHint')}>
      {t('waInbox.windowLeft', { hours: left.hours, minutes: left.minutes })}
    </Badge>
  );
}
