import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * WhatsApp's ticks for a message the business sent: one grey tick sent, two grey delivered, two blue
 * read, a red "!" failed, a clock while WhatsApp has not taken it yet.
 */
export function StatusTicks({ status, error }: { status: string; error?: string | null }) {
  const { t } = useTranslation();
  const known = ['queued', 'accepted', 'sent', 'delivered', 'read', 'failed'].includes(status);
  const label = known ? t(`waInbox.status.${status}`) : status;
  const look: Record<string, { mark: string; color: string }> = {
    queued: { mark: '🕓', color: 'dimmed' },
    accepted: { mark: '🕓', color: 'dimmed' },
    sent: { mark: '✓', color: 'dimmed' },
    delivered: { mark: '✓✓', color: 'dimmed' },
    read: { mark: '✓✓', color: 'blue.6' },
    failed: { mark: '!', color: 'red.7' },
  };
  const l = look[status] ?? { mark: '', color: 'dimmed' };
  return (
    <Text span size="xs" fw={700} c={l.color} role="img" aria-label={label} title={error ? `${label}: ${error}` : label} data-status={status}>
      {l.mark}
    </Text>
  );
}
