import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { KycState } from '../../api/kyc';

const COLORS: Record<KycState, string> = {
  not_started: 'gray',
  submitted: 'blue',
  resubmitted: 'blue',
  approved: 'teal',
  rejected: 'red',
};

export function KycStateBadge({ state, size = 'md' }: { state: KycState; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[state]} variant="light" size={size}>
      {t(`kyc.states.${state}`)}
    </Badge>
  );
}
