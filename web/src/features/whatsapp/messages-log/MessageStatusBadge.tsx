import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLOR: Record<string, string> = {
  queued: 'gray',
  accepted: 'gray',
  sent: 'blue',
  delivered: 'cyan',
  read: 'teal',
  failed: 'red',
  received: 'grape',
};

/** A message's status in the reader's language; statuses Meta may add later read as Meta words them. */
export function MessageStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOR[status] ?? 'gray'} variant="light" size="sm">
      {t(`waLog.statuses.${status}`, status.replace(/_/g, ' '))}
    </Badge>
  );
}
