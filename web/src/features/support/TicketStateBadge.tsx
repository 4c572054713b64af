import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Priority, TicketState } from '../../api/support';

const STATE_COLORS: Record<TicketState, string> = { open: 'blue', waiting_on_customer: 'orange', resolved: 'teal', closed: 'gray' };
const PRIORITY_COLORS: Record<Priority, string> = { low: 'gray', normal: 'blue', high: 'orange', urgent: 'red' };

export function TicketStateBadge({ state, size = 'md' }: { state: TicketState; size?: 'sm' | 'md' }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATE_COLORS[state]} variant="light" size={size} style={{ flexShrink: 0 }}>
      {t(`support.states.${state}`)}
    </Badge>
  );
}

export function PriorityBadge({ priority, size = 'md' }: { priority: Priority; size?: 'sm' | 'md' }) {
  const { t } = useTranslation();
  return (
    <Badge color={PRIORITY_COLORS[priority]} variant={priority === 'urgent' ? 'filled' : 'light'} size={size}>
      {t(`support.priorities.${priority}`)}
    </Badge>
  );
}
