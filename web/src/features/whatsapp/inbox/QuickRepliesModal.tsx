import { ActionIcon, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { inboxApi, type QuickReply } from '../../../api/whatsapp-team-inbox';
import { notifyError, notifySuccess } from '../../../lib/errors';

/** The owner and managers keep the inbox's saved replies here; agents use them in the reply box. */
export function QuickRepliesModal({ opened, tenantId, items, onClose, onChange }: { opened: boolean; tenantId: string; items: QuickReply[]; onClose: () => void; onChange: () => void }) {
  const { t } = useTranslation();
  const [shortcut, setShortcut] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);

  const add = async () => {
    setBusy(true);
    try {
      await inboxApi.createQuickReply(tenantId, shortcut.trim(), body.trim());
      setShortcut('');
      setBody('');
      notifySuccess(t('waInbox.qr.saved'));
      onChange();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (r: QuickReply) => {
    try {
      await inboxApi.deleteQuickReply(r.id);
      onChange();
    } catch (err) {
      notifyError(err);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('waInbox.qr.title')} size="lg">
      <Stack gap="sm">
        {items.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('waInbox.qr.empty')}
          </Text>
        ) : (
          items.map((r) => (
            <Group key={r.id} justify="space-between" wrap="nowrap" align="flex-start">
              <Stack gap={0} style={{ minWidth: 0 }}>
                <Text fw={600} size="sm">
                  /{r.shortcut}
                </Text>
                <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
                  {r.body}
                </Text>
              </Stack>
              <ActionIcon variant="subtle" color="red" aria-label={t('waInbox.qr.delete', { shortcut: r.shortcut })} onClick={() => void remove(r)}>
                ✕
              </ActionIcon>
            </Group>
          ))
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (shortcut.trim() && body.trim()) void add();
          }}
        >
          <Stack gap="xs">
            <TextInput label={t('waInbox.qr.shortcut')} description={t('waInbox.qr.shortcutHint')} leftSection="/" maxLength={30} value={shortcut} onChange={(e) => setShortcut(e.currentTarget.value.replace(/^\//, ''))} />
            <Textarea label={t('waInbox.qr.body')} autosize minRows={2} maxLength={4096} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
            <Group justify="flex-end">
              <Button type="submit" loading={busy} disabled={!shortcut.trim() || !body.trim()}>
                {t('waInbox.qr.add')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Modal>
  );
}
