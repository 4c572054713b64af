import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PaymentStatus } from '../../api/types';

const STATUS_COLOR: Record<PaymentStatus, string> = {
  created: 'gray',
  pending: 'yellow',
  captured: 'teal',
  failed: 'red',
  refunded: 'grape',
};

export function TopupStatusBadge({ status }: { status: PaymentStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" size="sm">
      {t(`wallet.topups.statuses.${status}`, status)}
    </Badge>
  );
}
