import { Button, Card, Collapse, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contactsApi, type Contact, type ConsentAction } from '../../../api/whatsapp-inbox';
import { FormError } from '../../../components/FormError';
import { fieldErrors, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { ConsentBadge } from './ConsentBadge';
import { ConsentProofFields, EMPTY_PROOF, toProof, type ProofValues } from './ConsentProofFields';

type Mode = null | 'opt_in' | 'opt_out';

/** The contact's consent now, and the forms that change it: an opt-in with its proof, an opt-out, marketing stop / resume. */
export function ConsentCard({ contact, onChanged }: { contact: Contact; onChanged: (c: Contact) => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>(null);
  const [proof, setProof] = useState<ProofValues>(EMPTY_PROOF);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<ConsentAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const c = contact.consent;

  const record = async (action: ConsentAction) => {
    setBusy(action);
    setError(null);
    try {
      const body = action === 'opt_in' ? { action, ...toProof(proof) } : { action, method: 'ui', ...(note.trim() ? { evidence: note.trim() } : {}) };
      const { contact: updated } = await contactsApi.consent(contact.id, body);
      setMode(null);
      setProof(EMPTY_PROOF);
      setNote('');
      notifySuccess(t(`waContacts.consentDone.${action}`));
      onChanged(updated);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-label={t('waContacts.consentTitle')}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">
          {t('waContacts.consentTitle')}
        </Title>
        <ConsentBadge consent={c} />
      </Group>
      <Stack gap={2}>
        <Text size="sm">{t('waContacts.consentExplain.' + c.state)}</Text>
        {c.optedInAt ? <Text size="xs" c="dimmed">{t('waContacts.optedInAt', { at: formatDateTime(c.optedInAt) })}</Text> : null}
        {c.optedOutAt ? <Text size="xs" c="dimmed">{t('waContacts.optedOutAt', { at: formatDateTime(c.optedOutAt) })}</Text> : null}
        {c.marketingStoppedAt ? <Text size="xs" c="dimmed">{t('waContacts.marketingStoppedAt', { at: formatDateTime(c.marketingStoppedAt) })}</Text> : null}
      </Stack>
      <Group gap="xs" mt="sm">
        <Button size="xs" variant={mode === 'opt_in' ? 'filled' : 'light'} onClick={() => setMode(mode === 'opt_in' ? null : 'opt_in')} aria-expanded={mode === 'opt_in'}>
          {t('waContacts.actions.optIn')}
        </Button>
        {c.state !== 'opted_out' ? (
          <Button size="xs" color="red" variant={mode === 'opt_out' ? 'filled' : 'light'} onClick={() => setMode(mode === 'opt_out' ? null : 'opt_out')} aria-expanded={mode === 'opt_out'}>
            {t('waContacts.actions.optOut')}
          </Button>
        ) : null}
        {c.marketingStoppedAt ? (
          <Button size="xs" variant="default" loading={busy === 'marketing_resume'} onClick={() => void record('marketing_resume')}>
            {t('waContacts.actions.marketingResume')}
          </Button>
        ) : (
          <Button size="xs" variant="default" loading={busy === 'marketing_stop'} onClick={() => void record('marketing_stop')}>
            {t('waContacts.actions.marketingStop')}
          </Button>
        )}
      </Group>
      {mode === null ? <FormError error={error} /> : null}
      <Collapse in={mode === 'opt_in'}>
        <form
          aria-label={t('waContacts.actions.optIn')}
          onSubmit={(e) => {
            e.preventDefault();
            void record('opt_in');
          }}
        >
          <Stack mt="md" gap="sm">
            <Text size="sm">{t('waContacts.optInIntro')}</Text>
            <FormError error={error} />
            <ConsentProofFields value={proof} onChange={setProof} requireEvidence errors={fieldErrors(error)} />
            <Group>
              <Button type="submit" loading={busy === 'opt_in'}>
                {t('waContacts.actions.saveOptIn')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Collapse>
      <Collapse in={mode === 'opt_out'}>
        <form
          aria-label={t('waContacts.actions.optOut')}
          onSubmit={(e) => {
            e.preventDefault();
            void record('opt_out');
          }}
        >
          <Stack mt="md" gap="sm">
            <FormError error={error} />
            <TextInput label={t('waContacts.optOutNote')} maxLength={2000} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <Group>
              <Button type="submit" color="red" loading={busy === 'opt_out'}>
                {t('waContacts.actions.confirmOptOut')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Collapse>
    </Card>
  );
}
