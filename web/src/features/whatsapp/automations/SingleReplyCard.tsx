import { Alert, Button, Card, Group, Stack, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { automationsApi, type Reply, type Rule, type SingleKind } from '../../../api/whatsapp-automations';
import { FormError } from '../../../components/FormError';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';
import { ReplyEditor, cleanReply, emptyReply } from './ReplyEditor';

const TEXT_ONLY: SingleKind[] = ['opt_out', 'opt_in'];

/** The welcome, away, opt-out or opt-in reply of a number: on/off and what it says. */
export function SingleReplyCard({ numberId, kind, rule, onSaved }: { numberId: string; kind: SingleKind; rule: Rule | undefined; onSaved: (rule: Rule) => void }) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(rule?.enabled ?? false);
  const [reply, setReply] = useState<Reply>(rule?.reply ?? emptyReply('text'));
  const save = useSubmit(async () => {
    const { rule: saved } = await automationsApi.saveReply(numberId, kind, { enabled, reply: cleanReply(reply) });
    onSaved(saved);
    notifySuccess(t('waAutomations.saved'));
  });
  const title = t(`waAutomations.kinds.${kind}`);
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2}>
            <Title order={3} size="h5">
              {title}
            </Title>
            <Text size="xs" c="dimmed">
              {t(`waAutomations.kindHints.${kind}`)}
            </Text>
          </Stack>
          <Switch checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} aria-label={t('waAutomations.enableNamed', { name: title })} />
        </Group>
        {rule?.stoppedAt ? (
          <Alert color="orange" title={t('waAutomations.stopped')}>
            {rule.stoppedReason}
          </Alert>
        ) : null}
        <ReplyEditor numberId={numberId} value={reply} onChange={setReply} {...(TEXT_ONLY.includes(kind) ? { types: ['text' as const] } : {})} />
        <FormError error={save.error} />
        <Group justify="flex-end">
          <Button loading={save.busy} onClick={() => void save.run()}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
