import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { WebhookEndpoint } from '../../../api/whatsapp-webhooks';

/** Enabled, or disabled with why (by you, 410 Gone, 5 days of failures). */
export function EndpointStatusBadge({ endpoint }: { endpoint: Pick<WebhookEndpoint, 'status' | 'disabledReason' | 'failingSince'> }) {
  const { t } = useTranslation();
  if (endpoint.status === 'disabled') {
    return (
      <Badge color={endpoint.disabledReason === 'manual' ? 'gray' : 'red'} variant="light">
        {t(`waWebhooks.disabled.${endpoint.disabledReason ?? 'manual'}`)}
      </Badge>
    );
  }
  return (
    <Badge color={endpoint.failingSince ? 'orange' : 'teal'} variant="light">
      {endpoint.failingSince ? t('waWebhooks.status.failing') : t('waWebhooks.status.enabled')}
    </Badge>
  );
}
