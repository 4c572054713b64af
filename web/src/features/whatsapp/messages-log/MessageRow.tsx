import { Card, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { MessageSummary } from '../../../api/whatsapp-inbox';
import { formatDateTime, formatMoney } from '../../../lib/format';
import { MessageStatusBadge } from './MessageStatusBadge';

/** One message in the log: who, what, when, its status and what it cost. A card, so it fits a phone. */
export function MessageRow({ m }: { m: MessageSummary }) {
  const { t } = useTranslation();
  const who = m.contactName ? `${m.contactName} · ${m.displayNumber}` : m.displayNumber;
  return (
    <UnstyledButton component={Link} to={`/whatsapp/messages/${m.id}`} aria-label={t('waLog.open', { who })} style={{ display: 'block' }}>
      <Card withBorder radius="md" padding="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
              {m.direction === 'inbound' ? '↙ ' : '↗ '}
              {who}
            </Text>
            <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
              {m.text ?? t(`waLog.types.${m.type}`, m.type)}
            </Text>
            <Text size="xs" c="dimmed">
              {[formatDateTime(m.createdAt), t(`waLog.types.${m.type}`, m.type), m.templateName, m.number].filter(Boolean).join(' · ')}
            </Text>
            {m.errorCode !== null || m.errorTitle ? (
              <Text size="xs" c="red.8">
                {[m.errorCode, m.errorTitle].filter((x) => x !== null).join(': ')}
              </Text>
            ) : null}
          </Stack>
          <Stack gap={4} align="flex-end">
            <MessageStatusBadge status={m.status} />
            {m.chargedPaise ? (
              <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
                {formatMoney(m.chargedPaise)}
              </Text>
            ) : null}
          </Stack>
        </Group>
      </Card>
    </UnstyledButton>
  );
}
