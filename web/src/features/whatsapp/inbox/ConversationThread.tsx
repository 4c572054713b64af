import { ActionIcon, Badge, Button, Center, Group, Loader, Menu, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inboxApi, type Conversation, type InboxOverview, type InboxRole, type QuickReply, type TimelineItem } from '../../../api/whatsapp-team-inbox';
import { LoadState } from '../../../components/LoadState';
import { useUser } from '../../../auth/context';
import { notifyError } from '../../../lib/errors';
import { Composer } from './Composer';
import { conversationName, displayWaId } from './inboxFormat';
import type { LiveEvent } from './liveBus';
import { MessageBubble, NoteBubble } from './MessageBubble';
import { WindowCountdown } from './WindowCountdown';

interface Props {
  conversationId: string;
  role: InboxRole;
  people: InboxOverview['people'];
  quickReplies: QuickReply[];
  subscribe: (listener: (e: LiveEvent) => void) => () => void;
  onConversation: (c: Conversation) => void;
  onBack: (() => void) | null;
}

interface Loaded {
  conversation: Conversation;
  items: TimelineItem[];
  nextCursor: string | null;
}

const itemKey = (i: TimelineItem) => (i.kind === 'message' ? `m:${i.message.id}` : `n:${i.note.id}`);

/** Adds or replaces items, keeping the thread in time order. */
function merge(items: TimelineItem[], more: TimelineItem[]): TimelineItem[] {
  const byKey = new Map(items.map((i) => [itemKey(i), i]));
  for (const m of more) byKey.set(itemKey(m), m);
  return [...byKey.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * One conversation: who and which number, the window's countdown, assignment, close/reopen, the
 * messages and notes as they come, and the reply box. Opening it marks it read for this reader.
 */
export function ConversationThread({ conversationId, role, people, quickReplies, subscribe, onConversation, onBack }: Props) {
  const { t } = useTranslation();
  const me = useUser();
  const [data, setData] = useState<Loaded | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [olderLoading, setOlderLoading] = useState(false);
  const [nonce, setNonce] = useState(0);
  const bottom = useRef<HTMLDivElement>(null);
  const lastKey = data?.items.length ? itemKey(data.items[data.items.length - 1]!) : '';

  const markRead = useEffectEvent(async () => {
    try {
      const { conversation } = await inboxApi.read(conversationId);
      onConversation(conversation);
      setData((d) => (d ? { ...d, conversation: { ...d.conversation, unread: 0 } } : d));
    } catch {
      // Not being able to mark it read changes nothing on screen; the next open tries again.
    }
  });

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    Promise.all([inboxApi.conversation(conversationId, controller.signal), inboxApi.timeline(conversationId, undefined, controller.signal)]).then(
      ([detail, page]) => {
        if (controller.signal.aborted) return;
        setData({ conversation: detail.conversation, items: page.items, nextCursor: page.nextCursor });
        if (detail.conversation.unread > 0) void markRead();
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      },
    );
    return () => controller.abort();
  }, [conversationId, nonce]);

  // A block body: newer browsers return a promise from scrollIntoView, which must not become the effect's cleanup.
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: 'end' });
  }, [lastKey]);

  const apply = useEffectEvent((e: LiveEvent) => {
    if (e.kind === 'resync') return setNonce((n) => n + 1);
    if (e.kind === 'note') {
      if (e.note.conversationId !== conversationId) return;
      return setData((d) => (d ? { ...d, items: merge(d.items, [{ kind: 'note', at: e.note.createdAt, note: e.note }]) } : d));
    }
    if (e.conversation.id !== conversationId) return;
    setData((d) => {
      if (!d) return d;
      const items = e.kind === 'message' ? merge(d.items, [{ kind: 'message', at: e.message.createdAt, message: e.message }]) : d.items;
      return { ...d, items, conversation: e.conversation };
    });
    // The reader is looking at it: what just came in is read.
    if (e.conversation.unread > 0 && document.visibilityState === 'visible') void markRead();
  });
  useEffect(() => subscribe((e) => apply(e)), [subscribe]);

  const change = async (fn: () => Promise<{ conversation: Conversation }>) => {
    try {
      const { conversation } = await fn();
      setData((d) => (d ? { ...d, conversation } : d));
      onConversation(conversation);
    } catch (err) {
      notifyError(err);
    }
  };

  const older = async () => {
    if (!data?.nextCursor) return;
    setOlderLoading(true);
    try {
      const page = await inboxApi.timeline(conversationId, data.nextCursor);
      setData((d) => (d ? { ...d, items: merge(d.items, page.items), nextCursor: page.nextCursor } : d));
    } catch (err) {
      notifyError(err);
    } finally {
      setOlderLoading(false);
    }
  };

  const expired = useCallback(() => setData((d) => (d ? { ...d, conversation: { ...d.conversation, window: { ...d.conversation.window, open: false } } } : d)), []);

  if (!data) {
    return error ? (
      <LoadState data={undefined} error={error} loading={false} reload={() => setNonce((n) => n + 1)}>
        {() => null}
      </LoadState>
    ) : (
      <Center py="xl">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }

  const c = data.conversation;
  const name = conversationName(c);
  const assignable = role === 'agent' ? people.filter((p) => p.id === me.id) : people;
  const canUnassign = c.assignee !== null && (role !== 'agent' || c.assignee.id === me.id);
  const canAssign = role !== 'agent' || c.assignee === null || c.assignee.id === me.id;

  return (
    <Stack gap="xs" component="section" aria-label={t('waInbox.threadWith', { name })}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          {onBack ? (
            <ActionIcon variant="subtle" onClick={onBack} aria-label={t('waInbox.back')}>
              ←
            </ActionIcon>
          ) : null}
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Title order={2} size="h4" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
              {name}
            </Title>
            <Text size="xs" c="dimmed" truncate>
              {displayWaId(c.waId)} · {c.number.label || c.number.displayPhoneNumber}
              {c.contact.consent === 'opted_out' ? ` · ${t('waInbox.optedOut')}` : c.contact.consent === 'opted_in' ? ` · ${t('waInbox.optedIn')}` : ''}
            </Text>
          </Stack>
        </Group>
        <WindowCountdown window={c.window} onExpire={expired} />
      </Group>
      <Group gap="xs">
        <Menu withinPortal position="bottom-start">
          <Menu.Target>
            <Button size="xs" variant="default" disabled={!canAssign && !canUnassign}>
              {c.assignee ? t('waInbox.assignedTo', { name: c.assignee.name }) : t('waInbox.assign')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {canAssign
              ? assignable.map((p) => (
                  <Menu.Item key={p.id} disabled={c.assignee?.id === p.id} onClick={() => void change(() => inboxApi.assign(c.id, p.id))}>
                    {p.id === me.id ? t('waInbox.assignMe', { name: p.name }) : p.name}
                  </Menu.Item>
                ))
              : null}
            {canUnassign ? <Menu.Item onClick={() => void change(() => inboxApi.assign(c.id, null))}>{t('waInbox.unassign')}</Menu.Item> : null}
          </Menu.Dropdown>
        </Menu>
        {c.status === 'open' ? (
          <Button size="xs" variant="default" onClick={() => void change(() => inboxApi.close(c.id))}>
            {t('waInbox.close')}
          </Button>
        ) : (
          <Button size="xs" variant="default" onClick={() => void change(() => inboxApi.reopen(c.id))}>
            {t('waInbox.reopen')}
          </Button>
        )}
        {c.status === 'closed' ? <Badge color="gray">{t('waInbox.closed')}</Badge> : null}
        {c.number.status === 'disconnected' ? <Badge color="red">{t('waInbox.numberDisconnected')}</Badge> : null}
      </Group>
      <ScrollArea.Autosize mah="calc(100dvh - 380px)" mih={200} type="auto">
        <Stack gap={6} role="log" aria-label={t('waInbox.messages')} aria-live="polite" pr="xs">
          {data.nextCursor ? (
            <Button variant="subtle" size="xs" loading={olderLoading} onClick={() => void older()}>
              {t('waInbox.earlier')}
            </Button>
          ) : null}
          {data.items.map((i) => (i.kind === 'message' ? <MessageBubble key={itemKey(i)} m={i.message} /> : <NoteBubble key={itemKey(i)} n={i.note} />))}
          <div ref={bottom} />
        </Stack>
      </ScrollArea.Autosize>
      <Composer
        conversationId={c.id}
        windowOpen={c.window.open}
        quickReplies={quickReplies}
        onSent={(m) => setData((d) => (d ? { ...d, items: merge(d.items, [{ kind: 'message', at: m.createdAt, message: m }]) } : d))}
        onNote={(n) => setData((d) => (d ? { ...d, items: merge(d.items, [{ kind: 'note', at: n.createdAt, note: n }]) } : d))}
      />
    </Stack>
  );
}
