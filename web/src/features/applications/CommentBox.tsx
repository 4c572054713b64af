import { Button, Group, SegmentedControl, Stack, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApplicationDetail } from '../../api/applications';
import { notifyError } from '../../lib/errors';

interface Props {
  /** Staff choose who sees the comment; customers always write to the centre. */
  staff: boolean;
  onSend: (message: string, visibility: 'customer' | 'internal') => Promise<ApplicationDetail>;
  onSent: (application: ApplicationDetail) => void;
}

export function CommentBox({ staff, onSend, onSent }: Props) {
  const { t } = useTranslation();
  const [message, setMessage] = useState('');
  const [visibility, setVisibility] = useState<'customer' | 'internal'>('customer');
  const [busy, setBusy] = useState(false);

  const send = async () => {
    if (!message.trim()) return;
    setBusy(true);
    try {
      onSent(await onSend(message, visibility));
      setMessage('');
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="xs">
      <Textarea label={t('applications.comments.label')} autosize minRows={2} maxLength={2000} value={message} onChange={(e) => setMessage(e.currentTarget.value)} />
      <Group justify="space-between" gap="xs">
        {staff ? (
          <SegmentedControl
            size="xs"
            value={visibility}
            onChange={(v) => setVisibility(v === 'internal' ? 'internal' : 'customer')}
            data={[
              { value: 'customer', label: t('applications.comments.toCustomer') },
              { value: 'internal', label: t('applications.comments.internal') },
            ]}
          />
        ) : (
          <span />
        )}
        <Button size="sm" onClick={() => void send()} loading={busy} disabled={!message.trim()}>
          {t('applications.comments.send')}
        </Button>
      </Group>
    </Stack>
  );
}
