import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { WebhookEndpoint, WebhookNumber } from '../../../api/whatsapp-webhooks';
import { formatDateTime } from '../../../lib/format';
import { EndpointStatusBadge } from './EndpointStatusBadge';
import { useEventTypeLabel, useNumbersText } from './labels';

/** One endpoint in the list: where, what, for which numbers, how it is doing. */
export function EndpointCard({ endpoint, numbers }: { endpoint: WebhookEndpoint; numbers: WebhookNumber[] }) {
  const { t } = useTranslation();
  const titleId = useId();
  const typeLabel = useEventTypeLabel();
  const numbersText = useNumbersText();
  return (
    <Card withBorder radius="md" padding="md" component="article" aria-labelledby={titleId} data-testid="webhook-endpoint">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Title id={titleId} order={2} size="h5" style={{ overflowWrap: 'anywhere' }}>
              {endpoint.url}
            </Title>
            {endpoint.description ? (
              <Text size="sm" c="dimmed">
                {endpoint.description}
              </Text>
            ) : null}
          </div>
          <EndpointStatusBadge endpoint={endpoint} />
        </Group>
        <Group gap={4}>
          {endpoint.eventTypes.map((type) => (
            <Badge key={type} size="sm" variant="outline" color="gray" tt="none">
              {typeLabel(type)}
            </Badge>
          ))}
          {endpoint.format === 'meta' ? (
            <Badge size="sm" variant="light" tt="none">
              {t('waWebhooks.format.meta')}
            </Badge>
          ) : null}
        </Group>
        <Text size="sm">{numbersText(endpoint, numbers)}</Text>
        <Text size="xs" c="dimmed">
          {endpoint.lastSuccessAt ? t('waWebhooks.card.lastSuccess', { when: formatDateTime(endpoint.lastSuccessAt) }) : t('waWebhooks.card.noSuccess')}
          {endpoint.pendingDeliveries > 0 ? ` · ${t('waWebhooks.card.pending', { count: endpoint.pendingDeliveries })}` : ''}
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="light" component={Link} to={`/whatsapp/webhooks/${endpoint.id}`} aria-label={t('waWebhooks.card.openFor', { url: endpoint.url })}>
            {t('waWebhooks.card.open')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
