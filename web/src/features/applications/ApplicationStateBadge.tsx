import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApplicationState } from '../../api/applications';

const COLORS: Record<ApplicationState, string> = {
  draft: 'gray',
  submitted: 'blue',
  in_progress: 'indigo',
  needs_info: 'orange',
  completed: 'teal',
  rejected: 'red',
  cancelled: 'gray',
};

export function ApplicationStateBadge({ state, size = 'md' }: { state: ApplicationState; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[state]} variant="light" size={size}>
      {t(`applications.states.${state}`)}
    </Badge>
  );
}
