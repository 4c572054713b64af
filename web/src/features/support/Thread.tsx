import { Anchor, Badge, Card, Group, Image, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Attachment, TicketEvent, TicketMessage } from '../../api/support';
import { formatDateTime } from '../../lib/format';
import { formatBytes } from '../kyc/kycValidation';

function AttachmentLink({ a, n }: { a: Attachment; n: number }) {
  const { t } = useTranslation();
  const label = t('support.attachments.file', { n });
  if (a.contentType.startsWith('image/')) {
    return (
      <Anchor href={a.url} target="_blank" rel="noopener noreferrer">
        <Image src={a.url} alt={label} maw={200} mah={150} fit="contain" radius="sm" bd="1px solid var(--mantine-color-gray-3)" />
      </Anchor>
    );
  }
  return (
    <Anchor href={a.url} rel="noopener noreferrer" download size="sm">
      {t('support.attachments.pdf', { n, size: formatBytes(a.sizeBytes) })}
    </Anchor>
  );
}

function MessageCard({ m, viewer }: { m: TicketMessage; viewer: 'customer' | 'staff' }) {
  const { t } = useTranslation();
  const mine = m.author.role === viewer;
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      bg={m.internal ? 'yellow.0' : m.author.role === 'staff' ? 'gray.0' : undefined}
      ml={mine ? { base: 0, sm: 'xl' } : 0}
      mr={mine ? 0 : { base: 0, sm: 'xl' }}
      data-testid={m.internal ? 'internal-note' : 'message'}
    >
      <Group justify="space-between" gap="xs" mb={6}>
        <Group gap={6}>
          <Text size="sm" fw={600}>
            {m.author.name}
          </Text>
          {m.author.role === 'staff' ? (
            <Badge size="xs" variant="light">
              {t('support.thread.staff')}
            </Badge>
          ) : null}
          {m.internal ? (
            <Badge size="xs" color="yellow" variant="filled">
              {t('support.thread.internal')}
            </Badge>
          ) : null}
        </Group>
        <Text size="xs" c="dimmed">
          {formatDateTime(m.createdAt)}
        </Text>
      </Group>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {m.body}
      </Text>
      {m.attachments.length ? (
        <Group gap="sm" mt="sm" align="flex-start">
          {m.attachments.map((a, i) => (
            <AttachmentLink key={a.id} a={a} n={i + 1} />
          ))}
        </Group>
      ) : null}
    </Card>
  );
}

function EventLine({ e, names }: { e: TicketEvent; names: (id: string | null) => string }) {
  const { t } = useTranslation();
  const who = e.actorName ?? t('support.thread.system');
  const text =
    e.kind === 'state'
      ? t('support.thread.stateEvent', { who, from: t(`support.states.${e.from}`), to: t(`support.states.${e.to}`) })
      : e.kind === 'priority'
        ? t('support.thread.priorityEvent', { who, from: t(`support.priorities.${e.from}`), to: t(`support.priorities.${e.to}`) })
        : t('support.thread.assigneeEvent', { who, to: names(e.to) });
  return (
    <Text size="xs" c="dimmed" ta="center" data-testid="ticket-event">
      {text} · {formatDateTime(e.createdAt)}
    </Text>
  );
}

/** Messages and changes of a ticket in time order. */
export function Thread({ messages, events, viewer, assigneeName }: { messages: TicketMessage[]; events: TicketEvent[]; viewer: 'customer' | 'staff'; assigneeName?: (id: string | null) => string }) {
  const { t } = useTranslation();
  const names = assigneeName ?? ((id: string | null) => (id ? id : t('support.staff.unassigned')));
  const items = [
    ...messages.map((m) => ({ at: m.createdAt, key: `m${m.id}`, node: <MessageCard m={m} viewer={viewer} /> })),
    ...events.map((e) => ({ at: e.createdAt, key: `e${e.id}`, node: <EventLine e={e} names={names} /> })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <Stack gap="sm" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('support.thread.label')}>
      {items.map((i) => (
        <li key={i.key}>{i.node}</li>
      ))}
    </Stack>
  );
}
