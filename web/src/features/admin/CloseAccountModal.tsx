import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { adminApi } from '../../api/endpoints';
import type { User } from '../../api/types';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { notifySuccess } from '../../lib/errors';

// The server asks for at least 5 characters after trimming; saying so here saves a round trip.
const checkReason = (value: string): string | null => (value.trim().length >= 5 ? null : 'admin.users.closeReasonTooShort');

interface Props {
  user: User;
  opened: boolean;
  onClose: () => void;
  onClosed: (user: User) => void;
}

/** An admin closes someone's account for good, with a reason for the audit log. */
export function CloseAccountModal({ user, opened, onClose, onClosed }: Props) {
  const { t } = useTranslation();
  const form = useForm({ reason: '' }, { reason: checkReason });

  const submit = useSubmit(
    async () => {
      const res = await adminApi.closeUser(user.id, form.values.reason.trim());
      notifySuccess(t('admin.users.closed', { name: res.user.name }));
      form.reset({ reason: '' });
      onClosed(res.user);
    },
    (err) => form.showServerErrors(err),
  );

  const close = () => {
    if (submit.busy) return;
    form.reset({ reason: '' });
    submit.clearError();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('admin.users.closeTitle', { name: user.name })} centered>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack gap="sm">
          <Text size="sm">{t('admin.users.closeBody')}</Text>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <Textarea
            label={t('admin.users.closeReason')}
            description={t('admin.users.closeReasonHint')}
            required
            withAsterisk={false}
            autosize
            minRows={2}
            maxLength={500}
            data-autofocus
            value={form.values.reason}
            error={form.errors.reason}
            onChange={(e) => form.setValue('reason', e.currentTarget.value)}
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={close} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={submit.busy}>
              {t('admin.users.closeSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
