import { Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { webhooksApi } from '../../../api/whatsapp-webhooks';
import { FormError } from '../../../components/FormError';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';

/** A local date-time input value ("2026-03-01T10:30") as an ISO instant. */
function localToIso(value: string): string | null {
  const d = new Date(value);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : null;
}

function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Send again every event since a time that the endpoint takes, optionally only those it has not received. */
export function ReplayModal({ endpointId, onClose, onQueued }: { endpointId: string; onClose: () => void; onQueued: () => void }) {
  const { t } = useTranslation();
  const [since, setSince] = useState(localInputValue(new Date(Date.now() - 24 * 3600 * 1000)));
  const [onlyUndelivered, setOnlyUndelivered] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const submit = useSubmit(async () => {
    const iso = localToIso(since);
    if (!iso) return setError(t('waWebhooks.replay.needTime'));
    const { queued } = await webhooksApi.replaySince(endpointId, { since: iso, onlyUndelivered });
    notifySuccess(t('waWebhooks.replay.queued', { count: queued }));
    onQueued();
  });
  return (
    <Modal opened onClose={onClose} title={t('waWebhooks.replay.title')} centered>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          void submit.run();
        }}
      >
        <Stack gap="sm">
          <FormError error={submit.error} />
          <Text size="sm" c="dimmed">
            {t('waWebhooks.replay.intro')}
          </Text>
          <TextInput type="datetime-local" label={t('waWebhooks.replay.since')} value={since} onChange={(e) => setSince(e.currentTarget.value)} error={error} required data-autofocus />
          <Checkbox label={t('waWebhooks.replay.onlyUndelivered')} checked={onlyUndelivered} onChange={(e) => setOnlyUndelivered(e.currentTarget.checked)} />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy}>
              {t('waWebhooks.replay.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
