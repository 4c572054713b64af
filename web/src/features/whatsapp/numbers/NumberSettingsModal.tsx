import { Button, Checkbox, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { numbersApi, type NumberSettings, type WaNumber } from '../../../api/whatsapp-account';
import { FormError } from '../../../components/FormError';
import { useForm } from '../../../hooks/useForm';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';
import { checkAppSecret, checkVerifyToken, numberTitle } from './numberLabels';

/**
 * The label, and the customer's own Meta app (secret and verify token). Secrets are never shown:
 * an empty field keeps the stored one, "remove" deletes it.
 */
export function NumberSettingsModal({ number, onClose, onDone }: { number: WaNumber; onClose: () => void; onDone: (n: WaNumber) => void }) {
  const { t } = useTranslation();
  const [removeSecret, setRemoveSecret] = useState(false);
  const [removeVerify, setRemoveVerify] = useState(false);
  const form = useForm({ label: number.label, appSecret: '', verifyToken: '' }, { appSecret: checkAppSecret, verifyToken: checkVerifyToken });
  const submit = useSubmit(
    async () => {
      const v = form.values;
      const input: NumberSettings = {};
      if (v.label.trim() !== number.label) input.label = v.label.trim();
      if (removeSecret) input.appSecret = null;
      else if (v.appSecret.trim()) input.appSecret = v.appSecret.trim();
      if (removeVerify) input.verifyToken = null;
      else if (v.verifyToken.trim()) input.verifyToken = v.verifyToken.trim();
      const { number: updated } = await numbersApi.update(number.id, input);
      notifySuccess(t('waNumbers.settings.done'));
      onDone(updated);
    },
    (err) => form.showServerErrors(err),
  );
  return (
    <Modal opened onClose={onClose} title={t('waNumbers.settings.title', { name: numberTitle(number) })} centered>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack gap="sm">
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <TextInput label={t('waNumbers.fields.label')} maxLength={80} data-autofocus {...form.field('label')} />
          <Text size="sm" fw={600} mt="xs">
            {t('waNumbers.connect.ownApp')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('waNumbers.settings.secretsHint')}
          </Text>
          <PasswordInput
            label={t('waNumbers.fields.appSecret')}
            placeholder={number.hasAppSecret ? t('waNumbers.settings.keep') : ''}
            autoComplete="off"
            maxLength={32}
            disabled={removeSecret}
            {...form.field('appSecret')}
          />
          {number.hasAppSecret ? (
            <Checkbox label={t('waNumbers.settings.removeAppSecret')} checked={removeSecret} onChange={(e) => setRemoveSecret(e.currentTarget.checked)} />
          ) : null}
          <PasswordInput
            label={t('waNumbers.fields.verifyToken')}
            placeholder={number.hasVerifyToken ? t('waNumbers.settings.keep') : ''}
            autoComplete="off"
            maxLength={200}
            disabled={removeVerify}
            {...form.field('verifyToken')}
          />
          {number.hasVerifyToken ? (
            <Checkbox label={t('waNumbers.settings.removeVerifyToken')} checked={removeVerify} onChange={(e) => setRemoveVerify(e.currentTarget.checked)} />
          ) : null}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
