import { Badge, Code, Collapse, Group, Stack, Text, Timeline, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import type { TimelineItem } from '../../../api/whatsapp-inbox';
import { formatDateTime } from '../../../lib/format';

function errorLine(e: Record<string, unknown>): string {
  const data = e.error_data as { details?: unknown } | undefined;
  return [e.code, e.title ?? e.message, typeof data?.details === 'string' ? data.details : null].filter((x) => x !== null && x !== undefined && x !== '').join(' · ');
}

/** The raw part of Meta's webhook that carried a report, shown on request (for disputes). */
function WebhookExcerpt({ webhook }: { webhook: NonNullable<TimelineItem['webhook']> }) {
  const { t } = useTranslation();
  const [open, { toggle }] = useDisclosure(false);
  return (
    <Stack gap={4}>
      <UnstyledButton onClick={toggle} aria-expanded={open}>
        <Text size="xs" c="blue.8" td="underline">
          {open ? t('waLog.timeline.hideWebhook') : t('waLog.timeline.showWebhook')}
        </Text>
      </UnstyledButton>
      <Collapse in={open}>
        <Text size="xs" c="dimmed">
          {t('waLog.timeline.webhookMeta', { at: formatDateTime(webhook.receivedAt), by: t(`waLog.timeline.verifiedBy.${webhook.verifiedBy}`, webhook.verifiedBy), id: webhook.id })}
        </Text>
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 11 }}>
          {JSON.stringify(webhook.excerpt, null, 2)}
        </Code>
      </Collapse>
    </Stack>
  );
}

/** A message's history as Meta reported it: each status with its time, pricing, errors and webhook. */
export function MessageTimeline({ items }: { items: TimelineItem[] }) {
  const { t } = useTranslation();
  return (
    <Timeline active={items.length - 1} bulletSize={14} lineWidth={2} aria-label={t('waLog.timeline.title')}>
      {items.map((e, i) => (
        <Timeline.Item
          key={`${e.status}-${i}`}
          color={e.status === 'failed' ? 'red' : undefined}
          title={
            <Group gap="xs">
              <Text size="sm" fw={600}>
                {t(`waLog.statuses.${e.status}`, e.status)}
              </Text>
              {e.applied === false ? (
                <Badge size="xs" color="yellow" variant="light">
                  {t('waLog.timeline.notApplied')}
                </Badge>
              ) : null}
            </Group>
          }
        >
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              {formatDateTime(e.at)}
              {e.receivedAt ? ` · ${t('waLog.timeline.receivedAt', { at: formatDateTime(e.receivedAt) })}` : ''}
            </Text>
            {e.pricing ? (
              <Text size="xs">
                {t('waLog.timeline.pricing', { type: String(e.pricing.type ?? '—'), category: String(e.pricing.category ?? '—') })}
              </Text>
            ) : null}
            {(e.errors ?? []).map((err, j) => (
              <Text key={j} size="xs" c="red.8" style={{ overflowWrap: 'anywhere' }}>
                {errorLine(err)}
              </Text>
            ))}
            {e.webhook ? <WebhookExcerpt webhook={e.webhook} /> : null}
          </Stack>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
