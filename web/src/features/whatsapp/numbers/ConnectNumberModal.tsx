import { Alert, Button, Collapse, Group, Modal, PasswordInput, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { numbersApi, type WaNumber } from '../../../api/whatsapp-account';
import { FormError } from '../../../components/FormError';
import { useForm } from '../../../hooks/useForm';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';
import { checkAppSecret, checkGraphId, checkToken, checkVerifyToken, numberTitle } from './numberLabels';

/**
 * Connect a WhatsApp Business number with its ids and a system-user access token. The server checks
 * them with Meta before saving; the token is never shown again.
 */
export function ConnectNumberModal({ opened, onClose, onConnected }: { opened: boolean; onClose: () => void; onConnected: (n: WaNumber) => void }) {
  const { t } = useTranslation();
  const [ownApp, setOwnApp] = useState(false);
  const form = useForm(
    { label: '', wabaId: '', phoneNumberId: '', accessToken: '', appSecret: '', verifyToken: '' },
    { wabaId: checkGraphId, phoneNumberId: checkGraphId, accessToken: checkToken, appSecret: checkAppSecret, verifyToken: checkVerifyToken },
  );
  const submit = useSubmit(
    async () => {
      const v = form.values;
      const { number } = await numbersApi.connect({
        wabaId: v.wabaId.trim(),
        phoneNumberId: v.phoneNumberId.trim(),
        accessToken: v.accessToken.trim(),
        ...(v.label.trim() ? { label: v.label.trim() } : {}),
        ...(ownApp && v.appSecret.trim() ? { appSecret: v.appSecret.trim() } : {}),
        ...(ownApp && v.verifyToken.trim() ? { verifyToken: v.verifyToken.trim() } : {}),
      });
      notifySuccess(t('waNumbers.connect.done', { name: numberTitle(number) }));
      form.reset({ label: '', wabaId: '', phoneNumberId: '', accessToken: '', appSecret: '', verifyToken: '' });
      onConnected(number);
    },
    (err) => form.showServerErrors(err),
  );

  return (
    <Modal opened={opened} onClose={onClose} title={t('waNumbers.connect.title')} centered size="lg">
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('waNumbers.connect.intro')}
          </Text>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <TextInput label={t('waNumbers.fields.label')} description={t('waNumbers.connect.labelHint')} maxLength={80} {...form.field('label')} />
          <TextInput
            label={t('waNumbers.fields.wabaId')}
            description={t('waNumbers.connect.wabaIdHint')}
            inputMode="numeric"
            autoComplete="off"
            required
            maxLength={20}
            data-autofocus
            {...form.field('wabaId')}
          />
          <TextInput
            label={t('waNumbers.fields.phoneNumberId')}
            description={t('waNumbers.connect.phoneNumberIdHint')}
            inputMode="numeric"
            autoComplete="off"
            required
            maxLength={20}
            {...form.field('phoneNumberId')}
          />
          <PasswordInput
            label={t('waNumbers.fields.accessToken')}
            description={t('waNumbers.connect.accessTokenHint')}
            autoComplete="off"
            required
            maxLength={4096}
            {...form.field('accessToken')}
          />
          <UnstyledButton onClick={() => setOwnApp((o) => !o)} aria-expanded={ownApp}>
            <Text size="sm" c="blue">
              {ownApp ? '▾ ' : '▸ '}
              {t('waNumbers.connect.ownApp')}
            </Text>
          </UnstyledButton>
          <Collapse in={ownApp}>
            <Stack gap="sm">
              <Alert color="blue" variant="light">
                {t('waNumbers.connect.ownAppHint')}
              </Alert>
              <PasswordInput label={t('waNumbers.fields.appSecret')} autoComplete="off" maxLength={32} {...form.field('appSecret')} />
              <PasswordInput label={t('waNumbers.fields.verifyToken')} autoComplete="off" maxLength={200} {...form.field('verifyToken')} />
            </Stack>
          </Collapse>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy}>
              {t('waNumbers.connect.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
