import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { numbersApi, type WaNumber } from '../../../api/whatsapp-account';
import { FormError } from '../../../components/FormError';
import { useForm } from '../../../hooks/useForm';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';
import { checkToken, numberTitle } from './numberLabels';

/** A new access token for a number: Meta checks it first; the old one stays when it fails. */
export function RotateTokenModal({ number, onClose, onDone }: { number: WaNumber; onClose: () => void; onDone: (n: WaNumber) => void }) {
  const { t } = useTranslation();
  const form = useForm({ accessToken: '' }, { accessToken: checkToken });
  const submit = useSubmit(
    async () => {
      const updated = await numbersApi.rotateToken(number.id, form.values.accessToken.trim());
      notifySuccess(t('waNumbers.rotate.done'));
      onDone(updated.number);
    },
    (err) => form.showServerErrors(err),
  );
  return (
    <Modal opened onClose={onClose} title={t('waNumbers.rotate.title', { name: numberTitle(number) })} centered>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('waNumbers.rotate.intro')}
          </Text>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <PasswordInput label={t('waNumbers.fields.newAccessToken')} autoComplete="off" required maxLength={4096} data-autofocus {...form.field('accessToken')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy}>
              {t('waNumbers.rotate.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
