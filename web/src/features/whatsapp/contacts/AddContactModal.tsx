import { Button, Checkbox, Group, Modal, Stack, TagsInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { contactsApi, type Contact } from '../../../api/whatsapp-inbox';
import { FormError } from '../../../components/FormError';
import { fieldErrors } from '../../../lib/errors';
import { ConsentProofFields, EMPTY_PROOF, toProof, type ProofValues } from './ConsentProofFields';

/** A new contact: number, name, tags, and, when the person already agreed, the proof of their opt-in. */
export function AddContactModal({ opened, onClose, onAdded }: { opened: boolean; onClose: () => void; onAdded: (c: Contact) => void }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [withOptIn, setWithOptIn] = useState(false);
  const [proof, setProof] = useState<ProofValues>(EMPTY_PROOF);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errs = fieldErrors(error);

  const reset = () => {
    setPhone('');
    setName('');
    setTags([]);
    setWithOptIn(false);
    setProof(EMPTY_PROOF);
    setError(null);
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const { contact } = await contactsApi.create({ phone: phone.trim(), ...(name.trim() ? { name: name.trim() } : {}), tags, ...(withOptIn ? { optIn: toProof(proof) } : {}) });
      reset();
      onAdded(contact);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('waContacts.add.title')} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <FormError error={error} />
          <TextInput label={t('waContacts.fields.phone')} description={t('waContacts.fields.phoneHint')} type="tel" required maxLength={32} value={phone} error={errs.phone} onChange={(e) => setPhone(e.currentTarget.value)} />
          <TextInput label={t('waContacts.fields.name')} maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TagsInput label={t('waContacts.fields.tags')} description={t('waContacts.fields.tagsHint')} maxTags={20} value={tags} onChange={setTags} />
          <Checkbox label={t('waContacts.add.withOptIn')} checked={withOptIn} onChange={(e) => setWithOptIn(e.currentTarget.checked)} />
          {withOptIn ? <ConsentProofFields value={proof} onChange={setProof} requireEvidence errors={{ evidence: errs['optIn.evidence'] ?? errs.evidence }} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('waContacts.add.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
