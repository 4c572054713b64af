import { SimpleGrid, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export interface ProofValues {
  method: string;
  evidence: string;
  documentRef: string;
  ip: string;
  date: string;
}

export const EMPTY_PROOF: ProofValues = { method: '', evidence: '', documentRef: '', ip: '', date: '' };

/** The proof of an opt-in as the API takes it; a date alone means the start of that local day. */
export function toProof(v: ProofValues): { method?: string; evidence?: string; documentRef?: string; ip?: string; occurredAt?: string } {
  const out: { method?: string; evidence?: string; documentRef?: string; ip?: string; occurredAt?: string } = {};
  if (v.method.trim()) out.method = v.method.trim();
  if (v.evidence.trim()) out.evidence = v.evidence.trim();
  if (v.documentRef.trim()) out.documentRef = v.documentRef.trim();
  if (v.ip.trim()) out.ip = v.ip.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v.date)) {
    const d = new Date(`${v.date}T00:00:00`);
    if (!Number.isNaN(d.getTime())) out.occurredAt = d.toISOString();
  }
  return out;
}

/** How, when and with what proof the person agreed: what a business must be able to show Meta. */
export function ConsentProofFields({ value, onChange, errors = {}, requireEvidence }: { value: ProofValues; onChange: (v: ProofValues) => void; errors?: Partial<Record<keyof ProofValues, string>>; requireEvidence: boolean }) {
  const { t } = useTranslation();
  const set = (key: keyof ProofValues) => (e: { currentTarget: { value: string } }) => onChange({ ...value, [key]: e.currentTarget.value });
  return (
    <>
      <Textarea
        label={t('waContacts.proof.evidence')}
        description={t('waContacts.proof.evidenceHint')}
        withAsterisk={requireEvidence}
        autosize
        minRows={2}
        maxLength={2000}
        value={value.evidence}
        error={errors.evidence}
        onChange={set('evidence')}
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput label={t('waContacts.proof.method')} description={t('waContacts.proof.methodHint')} maxLength={30} value={value.method} error={errors.method} onChange={set('method')} />
        <TextInput type="date" label={t('waContacts.proof.date')} description={t('waContacts.proof.dateHint')} max={new Date().toISOString().slice(0, 10)} value={value.date} onChange={set('date')} />
        <TextInput label={t('waContacts.proof.documentRef')} maxLength={200} value={value.documentRef} error={errors.documentRef} onChange={set('documentRef')} />
        <TextInput label={t('waContacts.proof.ip')} description={t('waContacts.proof.ipHint')} maxLength={45} value={value.ip} error={errors.ip} onChange={set('ip')} />
      </SimpleGrid>
    </>
  );
}
