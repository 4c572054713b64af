import { Button, Card, Group, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { phoneApi, type PhoneChat as Chat, type PhoneReply } from '../../../api/whatsapp-inbox';
import { LoadState } from '../../../components/LoadState';
import { useApi } from '../../../hooks/useApi';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { PhoneBubble } from './PhoneBubble';

/** How often the open chat asks again: statuses and replies come back through webhooks, a moment later. */
const REFRESH_MS = 3000;

/** One simulated person's phone: what it received from the business, and a composer to answer as them. */
export function PhoneChat({ numberId, waId, chat, profileName, onSent }: { numberId: string; waId: string; chat: Chat | undefined; profileName: string | undefined; onSent: () => void }) {
  const { t } = useTranslation();
  const state = useApi((signal) => phoneApi.chat(numberId, waId, signal), `${numberId}:${waId}`);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const reload = state.reload;
  const bottom = useRef<HTMLDivElement>(null);
  const count = state.data?.items.length ?? 0;

  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  useEffect(() => {
    // Newer browsers return a promise from scrollIntoView: it must not become the effect's cleanup.
    void bottom.current?.scrollIntoView({ block: 'end' });
  }, [count]);

  const send = async (reply: PhoneReply) => {
    setBusy(true);
    try {
      await phoneApi.reply(numberId, waId, { ...reply, ...(profileName ? { profileName } : {}) });
      notifySuccess(t('waPhone.sent'));
      reload();
      onSent();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      notifySuccess(done);
      reload();
      onSent();
    } catch (err) {
      notifyError(err);
    }
  };

  return (
    <Card withBorder radius="md" padding="sm" component="section" aria-label={t('waPhone.chatWith', { name: chat?.profileName ?? waId })}>
      <Group justify="space-between" mb="xs" gap="xs">
        <Stack gap={0}>
          <Title order={2} size="h5">
            {chat?.profileName ?? profileName ?? waId}
          </Title>
          <Text size="xs" c="dimmed">
            +{waId}
            {chat ? ` · ${chat.windowOpen ? t('waPhone.windowOpen') : t('waPhone.windowClosed')}` : ''}
          </Text>
        </Stack>
        <Group gap={4}>
          <Button size="compact-xs" variant="default" onClick={() => void act(() => phoneApi.read(numberId, waId), t('waPhone.readDone'))}>
            {t('waPhone.read')}
          </Button>
          {chat?.marketing === 'stopped' ? (
            <Button size="compact-xs" variant="default" onClick={() => void act(() => phoneApi.marketing(numberId, waId, 'subscribed'), t('waPhone.marketingResumed'))}>
              {t('waPhone.resumeMarketing')}
            </Button>
          ) : (
            <Button size="compact-xs" variant="default" onClick={() => void act(() => phoneApi.marketing(numberId, waId, 'stopped'), t('waPhone.marketingStopped'))}>
              {t('waPhone.stopMarketing')}
            </Button>
          )}
        </Group>
      </Group>
      <ScrollArea.Autosize mah={480} type="auto">
        <LoadState data={state.data} error={state.error} loading={state.loading} reload={reload}>
          {(d) =>
            d.items.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('waPhone.emptyChat')}
              </Text>
            ) : (
              <Stack gap="xs" role="log" aria-label={t('waPhone.messages')}>
                {d.items.map((m) => (
                  <PhoneBubble key={m.id} m={m} onReply={(r) => void send(r)} />
                ))}
              </Stack>
            )
          }
        </LoadState>
        <div ref={bottom} />
      </ScrollArea.Autosize>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!draft.trim()) return;
          void send({ kind: 'text', text: draft.trim() }).then(() => setDraft(''));
        }}
      >
        <Group gap="xs" mt="sm" wrap="nowrap">
          <TextInput aria-label={t('waPhone.composer')} placeholder={t('waPhone.composer')} maxLength={4096} value={draft} onChange={(e) => setDraft(e.currentTarget.value)} style={{ flex: 1 }} />
          <Button type="submit" loading={busy} disabled={!draft.trim()}>
            {t('waPhone.send')}
          </Button>
        </Group>
      </form>
    </Card>
  );
}
