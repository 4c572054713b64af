import { Button, Group, Menu, Paper, SegmentedControl, Stack, Text, Textarea, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inboxApi, type InboxMessage, type InboxNote, type QuickReply } from '../../../api/whatsapp-team-inbox';
import { notifyError } from '../../../lib/errors';
import { TemplatePicker } from './TemplatePicker';

interface Props {
  conversationId: string;
  windowOpen: boolean;
  quickReplies: QuickReply[];
  onSent: (m: InboxMessage) => void;
  onNote: (n: InboxNote) => void;
}

/**
 * The reply box: a free-form reply while the window is open (with quick replies: type /shortcut or
 * pick one), an approved template when it is closed, or an internal note for the team.
 */
export function Composer({ conversationId, windowOpen, quickReplies, onSent, onNote }: Props) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const typed = /^\/([a-z0-9_-]*)$/i.exec(text.trim());
  const suggestions = typed ? quickReplies.filter((r) => r.shortcut.startsWith(typed[1]!.toLowerCase())).slice(0, 6) : [];

  const submit = async () => {
    setBusy(true);
    try {
      if (mode === 'note') {
        const res = await inboxApi.note(conversationId, note.trim());
        onNote(res.note);
        setNote('');
      } else {
        // A typed shortcut that matches exactly is sent as its text.
        const exact = typed ? quickReplies.find((r) => r.shortcut === typed[1]!.toLowerCase()) : undefined;
        const res = await inboxApi.reply(conversationId, { text: exact ? exact.body : text.trim() });
        onSent(res.message);
        setText('');
      }
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="xs" radius="md" component="section" aria-label={t('waInbox.composer')}>
      <Stack gap="xs">
        <SegmentedControl
          size="xs"
          value={mode}
          onChange={(v) => setMode(v as 'reply' | 'note')}
          data={[
            { value: 'reply', label: t('waInbox.modeReply') },
            { value: 'note', label: t('waInbox.modeNote') },
          ]}
        />
        {mode === 'note' ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (note.trim()) void submit();
            }}
          >
            <Stack gap="xs">
              <Textarea
                label={t('waInbox.noteLabel')}
                description={t('waInbox.noteHint')}
                autosize
                minRows={2}
                maxRows={6}
                maxLength={4000}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                styles={{ input: { background: 'var(--mantine-color-yellow-light)' } }}
              />
              <Group justify="flex-end">
                <Button type="submit" color="yellow" loading={busy} disabled={!note.trim()}>
                  {t('waInbox.addNote')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : windowOpen ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (text.trim()) void submit();
            }}
          >
            <Stack gap="xs">
              {suggestions.length ? (
                <Paper withBorder radius="sm" p={4} role="listbox" aria-label={t('waInbox.quickReplies')}>
                  {suggestions.map((r) => (
                    <UnstyledButton key={r.id} role="option" aria-selected={false} w="100%" p={4} onClick={() => setText(r.body)}>
                      <Text size="sm" fw={600} span>
                        /{r.shortcut}
                      </Text>{' '}
                      <Text size="sm" c="dimmed" span lineClamp={1}>
                        {r.body}
                      </Text>
                    </UnstyledButton>
                  ))}
                </Paper>
              ) : null}
              <Textarea
                aria-label={t('waInbox.replyLabel')}
                placeholder={quickReplies.length ? t('waInbox.replyPlaceholderQuick') : t('waInbox.replyPlaceholder')}
                autosize
                minRows={1}
                maxRows={6}
                maxLength={4096}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                    e.preventDefault();
                    if (text.trim()) void submit();
                  }
                }}
              />
              <Group justify="space-between" wrap="nowrap">
                <Menu position="top-start" withinPortal>
                  <Menu.Target>
                    <Button variant="subtle" size="xs" disabled={!quickReplies.length}>
                      {t('waInbox.quickReplies')}
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {quickReplies.map((r) => (
                      <Menu.Item key={r.id} onClick={() => setText(r.body)}>
                        /{r.shortcut}
                      </Menu.Item>
                    ))}
                  </Menu.Dropdown>
                </Menu>
                <Button type="submit" loading={busy} disabled={!text.trim()}>
                  {t('waInbox.send')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <TemplatePicker conversationId={conversationId} onSent={onSent} />
        )}
      </Stack>
    </Paper>
  );
}
