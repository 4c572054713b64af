import { Avatar, Badge, Button, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../../api/whatsapp-team-inbox';
import { conversationName, initials, shortTime } from './inboxFormat';
import { StatusTicks } from './StatusTicks';

interface Props {
  items: Conversation[];
  selectedId: string | undefined;
  onOpen: (c: Conversation) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
}

/** Conversations, latest message first: who, the last message with its ticks, unread count, assignee. */
export function ConversationList({ items, selectedId, onOpen, hasMore, loadingMore, onMore }: Props) {
  const { t } = useTranslation();
  if (!items.length) {
    return (
      <Text c="dimmed" size="sm" py="md" ta="center">
        {t('waInbox.empty')}
      </Text>
    );
  }
  return (
    <Stack gap={2} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('waInbox.listLabel')}>
      {items.map((c) => {
        const name = conversationName(c);
        const selected = c.id === selectedId;
        return (
          <li key={c.id}>
            <UnstyledButton
              onClick={() => onOpen(c)}
              aria-label={t('waInbox.openConversation', { name })}
              aria-current={selected ? 'true' : undefined}
              w="100%"
              p="xs"
              style={{ borderRadius: 8, background: selected ? 'var(--mantine-color-green-light)' : undefined }}
            >
              <Group gap="sm" wrap="nowrap" align="flex-start">
                <Avatar radius="xl" color="green">
                  {initials(name)}
                </Avatar>
                <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                  <Group justify="space-between" wrap="nowrap" gap="xs">
                    <Text fw={c.unread ? 700 : 500} size="sm" truncate>
                      {name}
                    </Text>
                    <Text size="xs" c={c.unread ? 'green.8' : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                      {shortTime(c.lastMessageAt)}
                    </Text>
                  </Group>
                  <Group justify="space-between" wrap="nowrap" gap="xs">
                    <Group gap={4} wrap="nowrap" style={{ minWidth: 0 }}>
                      {c.lastMessage?.direction === 'outbound' ? <StatusTicks status={c.lastMessage.status} /> : null}
                      <Text size="xs" c="dimmed" truncate>
                        {c.lastMessage?.text ?? (c.lastMessage ? t('waInbox.kind', { type: c.lastMessage.type }) : '')}
                      </Text>
                    </Group>
                    {c.unread > 0 ? (
                      <Badge size="sm" circle={c.unread < 10} color="green" aria-label={t('waInbox.unreadCount', { count: c.unread })}>
                        {c.unread > 99 ? '99+' : c.unread}
                      </Badge>
                    ) : null}
                  </Group>
                  <Group gap={6}>
                    {c.assignee ? (
                      <Text size="xs" c="dimmed">
                        {t('waInbox.assignedTo', { name: c.assignee.name })}
                      </Text>
                    ) : (
                      <Text size="xs" c="orange.8">
                        {t('waInbox.unassigned')}
                      </Text>
                    )}
                    {c.status === 'closed' ? (
                      <Badge size="xs" variant="light" color="gray">
                        {t('waInbox.closed')}
                      </Badge>
                    ) : null}
                  </Group>
                </Stack>
              </Group>
            </UnstyledButton>
          </li>
        );
      })}
      {hasMore ? (
        <li>
          <Button variant="subtle" fullWidth loading={loadingMore} onClick={onMore}>
            {t('waInbox.more')}
          </Button>
        </li>
      ) : null}
    </Stack>
  );
}
