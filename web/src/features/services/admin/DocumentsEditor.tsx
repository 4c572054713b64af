import { Button, Card, Checkbox, Group, NumberInput, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DOCUMENT_TYPES, type DocumentType } from '../../../api/services';
import { formatDocumentTypes } from '../localize';
import { BilingualInput } from './BilingualInput';
import { move, newDocument, toKey, type DraftDocument, type Errors } from './editorModel';
import { ItemActions } from './ItemActions';

interface Props {
  documents: DraftDocument[];
  onChange: (documents: DraftDocument[]) => void;
  errors: Errors;
}

const isDocumentType = (v: string): v is DocumentType => (DOCUMENT_TYPES as readonly string[]).includes(v);

/** The documents a customer uploads for the service: allowed file types, size limit, required or not. */
export function DocumentsEditor({ documents, onChange, errors }: Props) {
  const { t } = useTranslation();
  const set = (i: number, patch: Partial<DraftDocument>) => onChange(documents.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    <Stack gap="sm">
      {errors['form.documents'] ? (
        <Text size="sm" c="red" role="alert">
          {errors['form.documents']}
        </Text>
      ) : null}
      {documents.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('adminServices.documents.empty')}
        </Text>
      ) : null}
      {documents.map((d, i) => {
        const path = `form.documents.${i}`;
        const name = t('adminServices.documents.name', { n: i + 1 });
        return (
          <Card key={d.uid} withBorder radius="md" padding="sm" component="section" aria-label={name}>
            <Stack gap="sm">
              <Group justify="space-between" wrap="nowrap">
                <Text fw={600}>{name}</Text>
                <ItemActions name={name} index={i} count={documents.length} onMove={(by) => onChange(move(documents, i, by))} onRemove={() => onChange(documents.filter((_, j) => j !== i))} />
              </Group>
              <BilingualInput
                label={t('adminServices.documents.label')}
                value={d.label}
                path={`${path}.label`}
                errors={errors}
                maxLength={120}
                onChange={(label) => set(i, { label, ...(d.keyTouched ? {} : { key: toKey(label.en) }) })}
              />
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                <TextInput
                  label={t('adminServices.fields.key')}
                  description={t('adminServices.fields.keyHint')}
                  value={d.key}
                  maxLength={40}
                  styles={{ input: { fontFamily: 'monospace' } }}
                  error={errors[`${path}.key`]}
                  onChange={(e) => set(i, { key: e.currentTarget.value, keyTouched: true })}
                />
                <NumberInput
                  label={t('adminServices.documents.maxSize')}
                  value={d.maxSizeKb}
                  min={1}
                  allowDecimal={false}
                  suffix=" KB"
                  error={errors[`${path}.maxSizeBytes`]}
                  onChange={(v) => set(i, { maxSizeKb: typeof v === 'number' ? v : '' })}
                />
                <Switch mt="lg" label={t('adminServices.documents.required')} checked={d.required} onChange={(e) => set(i, { required: e.currentTarget.checked })} />
              </SimpleGrid>
              <Checkbox.Group
                label={t('adminServices.documents.types')}
                value={d.types}
                error={errors[`${path}.types`]}
                onChange={(values) => set(i, { types: DOCUMENT_TYPES.filter((type) => values.filter(isDocumentType).includes(type)) })}
              >
                <Group gap="md" mt={6}>
                  {DOCUMENT_TYPES.map((type) => (
                    <Checkbox key={type} value={type} label={formatDocumentTypes([type])} />
                  ))}
                </Group>
              </Checkbox.Group>
            </Stack>
          </Card>
        );
      })}
      <Button variant="light" w="fit-content" disabled={documents.length >= 20} onClick={() => onChange([...documents, newDocument()])}>
        {t('adminServices.documents.add')}
      </Button>
    </Stack>
  );
}
