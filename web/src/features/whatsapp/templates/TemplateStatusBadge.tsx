import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLOR: Record<string, string> = {
  APPROVED: 'teal',
  PENDING: 'yellow',
  IN_APPEAL: 'yellow',
  REJECTED: 'red',
  PAUSED: 'orange',
  DISABLED: 'red',
  DELETED: 'gray',
  PENDING_DELETION: 'gray',
};

/** Meta's status of a template, in the reader's language (unknown statuses shown as Meta words them). */
export function TemplateStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLOR[status] ?? 'gray'} variant="light" size="sm">
      {t(`waTemplates.statuses.${status}`, status.replace(/_/g, ' '))}
    </Badge>
  );
}
