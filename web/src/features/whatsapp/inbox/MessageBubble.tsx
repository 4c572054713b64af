import { Group, Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { InboxMessage, InboxNote } from '../../../api/whatsapp-team-inbox';
import { bubbleTime } from './inboxFormat';
import { StatusTicks } from './StatusTicks';

/** One message: the person's on the left, the business's on the right with its ticks and who sent it. */
export function MessageBubble({ m }: { m: InboxMessage }) {
  const { t } = useTranslation();
  const mine = m.direction === 'outbound';
  const text = m.text ?? t('waInbox.kind', { type: m.type });
  return (
    <Group justify={mine ? 'flex-end' : 'flex-start'} wrap="nowrap">
      <Paper
        px="sm"
        py={6}
        radius="md"
        maw="85%"
        bg={mine ? 'var(--mantine-color-green-light)' : 'var(--mantine-color-gray-light)'}
        data-message-id={m.id}
        data-direction={m.direction}
      >
        {m.templateName ? (
          <Text size="xs" c="dimmed">
            {t('waInbox.templateMessage', { name: m.templateName })}
          </Text>
        ) : null}
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {text}
        </Text>
        <Group gap={6} justify="flex-end" wrap="nowrap">
          {mine ? (
            <Text size="xs" c="dimmed">
              {m.sentBy ? m.sentBy.name : t(`waInbox.sources.${['api', 'graph', 'ui', 'automation', 'campaign'].includes(m.source) ? m.source : 'other'}`)}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed">
            {bubbleTime(m.createdAt)}
          </Text>
          {mine ? <StatusTicks status={m.status} error={m.errorTitle} /> : null}
        </Group>
        {mine && m.status === 'failed' && m.errorTitle ? (
          <Text size="xs" c="red.7">
            {t('waInbox.failed', { code: m.errorCode ?? '—', reason: m.errorTitle })}
          </Text>
        ) : null}
      </Paper>
    </Group>
  );
}

/** An internal note: in the thread for the team, in its own colour, never sent. */
export function NoteBubble({ n }: { n: InboxNote }) {
  const { t } = useTranslation();
  return (
    <Group justify="center" wrap="nowrap">
      <Paper px="sm" py={6} radius="md" maw="90%" bg="var(--mantine-color-yellow-light)" withBorder aria-label={t('waInbox.noteBy', { name: n.author.name })}>
        <Text size="xs" fw={700} c="yellow.9">
          {t('waInbox.noteBy', { name: n.author.name })}
        </Text>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {n.body}
        </Text>
        <Text size="xs" c="dimmed" ta="right">
          {bubbleTime(n.createdAt)}
        </Text>
      </Paper>
    </Group>
  );
}
