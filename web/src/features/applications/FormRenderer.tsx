import { Checkbox, NativeSelect, NumberInput, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AnswerValue, ApplicationDocument } from '../../api/applications';
import type { FormField, ServiceForm } from '../../api/services';
import { formatDate } from '../../lib/format';
import { fieldHint } from '../services/fieldHints';
import { useLocalized } from '../services/localize';
import { DocumentLink } from './DocumentLink';
import { DocumentSlot } from './DocumentSlot';

export type Values = Record<string, AnswerValue | ''>;

/** What the form engine on the server takes: empty answers left out, file fields answered by their uploads. */
export function answersOf(form: ServiceForm, values: Values): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  for (const f of form.fields) {
    if (f.type === 'file') continue;
    const v = values[f.key];
    if (v === undefined || v === '') continue;
    out[f.key] = v;
  }
  return out;
}

export function valuesOf(form: ServiceForm, answers: Record<string, AnswerValue>): Values {
  const out: Values = {};
  for (const f of form.fields) out[f.key] = answers[f.key] ?? (f.type === 'checkbox' ? false : '');
  return out;
}

interface Props {
  applicationId: string;
  form: ServiceForm;
  values: Values;
  errors: Record<string, string>;
  editable: boolean;
  documents: ApplicationDocument[];
  onChange: (key: string, value: AnswerValue | '') => void;
  /** A document was uploaded or removed. */
  onDocumentsChange: (key: string) => void;
}

function FieldInput({ field, value, error, onChange, form }: { field: FormField; value: AnswerValue | ''; error: string | undefined; onChange: (v: AnswerValue | '') => void; form: ServiceForm }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const label = local(field.label);
  const description = [field.help ? local(field.help) : '', fieldHint(field, form.documents, t, local)].filter(Boolean).join(' · ');
  const common = { label, description, error, required: field.required, withAsterisk: field.required };
  const r = field.rules ?? {};
  switch (field.type) {
    case 'text':
      return r.multiline ? (
        <Textarea {...common} autosize minRows={2} maxLength={r.maxLength ?? 200} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)} />
      ) : (
        <TextInput {...common} maxLength={r.maxLength ?? 200} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)} />
      );
    case 'number':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' ? value : ''}
          allowDecimal={!r.integer}
          {...(r.min !== undefined ? { min: r.min } : {})}
          {...(r.max !== undefined ? { max: r.max } : {})}
          onChange={(v) => onChange(typeof v === 'number' ? v : '')}
        />
      );
    case 'date':
      return <TextInput {...common} type="date" value={String(value)} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'select':
      return (
        <NativeSelect
          {...common}
          value={String(value)}
          onChange={(e) => onChange(e.currentTarget.value)}
          data={[{ value: '', label: t('applications.form.choose') }, ...(field.options ?? []).map((o) => ({ value: o.value, label: local(o.label) }))]}
        />
      );
    case 'checkbox':
      return <Checkbox label={label} description={field.help ? local(field.help) : undefined} error={error} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
    case 'file':
      return null;
  }
}

function readOnlyValue(field: FormField, value: AnswerValue | '' | undefined, t: (k: string) => string, local: (b: { en: string; hi: string }) => string): string {
  if (value === undefined || value === '') return '—';
  if (field.type === 'checkbox') return value === true ? t('common.yes') : t('common.no');
  if (field.type === 'select') {
    const option = field.options?.find((o) => o.value === value);
    return option ? local(option.label) : String(value);
  }
  if (field.type === 'date' && typeof value === 'string') return formatDate(`${value}T00:00:00`);
  return String(value);
}

/**
 * A service's form, rendered from its definition: every field type, file fields as the upload of
 * their document, and the documents no field names after the fields. Read-only outside the
 * customer's turn.
 */
export function FormRenderer({ applicationId, form, values, errors, editable, documents, onChange, onDocumentsChange }: Props) {
  const { t } = useTranslation();
  const local = useLocalized();
  const current = (key: string) => documents.find((d) => d.key === key);
  const slot = (key: string, fieldError?: string) => {
    const document = form.documents.find((d) => d.key === key);
    if (!document) return null;
    return (
      <DocumentSlot
        key={key}
        applicationId={applicationId}
        document={document}
        current={current(key)}
        editable={editable}
        error={errors[`documents.${key}`] ?? fieldError}
        onChange={() => onDocumentsChange(key)}
      />
    );
  };
  const named = new Set(form.fields.filter((f) => f.type === 'file').map((f) => f.document));
  const unnamed = form.documents.filter((d) => !named.has(d.key));

  if (!editable) {
    return (
      <Stack gap="sm">
        <Table verticalSpacing={6} aria-label={t('applications.form.answers')}>
          <Table.Tbody>
            {form.fields
              .filter((f) => f.type !== 'file')
              .map((f) => (
                <Table.Tr key={f.key}>
                  <Table.Td c="dimmed" w="45%">
                    {local(f.label)}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{readOnlyValue(f, values[f.key], t, local)}</Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
        {form.documents.map((d) => {
          const doc = current(d.key);
          return (
            <Stack key={d.key} gap={2}>
              <Text size="sm" c="dimmed">
                {local(d.label)}
              </Text>
              {doc ? <DocumentLink doc={doc} label={local(d.label)} /> : <Text size="sm">—</Text>}
            </Stack>
          );
        })}
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      {form.fields.map((f) =>
        f.type === 'file' ? (
          slot(f.document ?? '', errors[f.key])
        ) : (
          <FieldInput key={f.key} field={f} form={form} value={values[f.key] ?? ''} error={errors[f.key]} onChange={(v) => onChange(f.key, v)} />
        ),
      )}
      {unnamed.length ? (
        <Stack gap="xs">
          <Text fw={600}>{t('applications.form.documents')}</Text>
          {unnamed.map((d) => slot(d.key))}
        </Stack>
      ) : null}
    </Stack>
  );
}
