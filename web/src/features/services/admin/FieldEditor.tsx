import { Badge, Button, Card, Collapse, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FIELD_TYPES, type FieldType } from '../../../api/services';
import { useLocalized } from '../localize';
import { BilingualInput } from './BilingualInput';
import { toKey, type DraftDocument, type DraftField, type Errors, type Num } from './editorModel';
import { ItemActions } from './ItemActions';
import { OptionsEditor } from './OptionsEditor';

interface Props {
  field: DraftField;
  index: number;
  count: number;
  documents: DraftDocument[];
  errors: Errors;
  open: boolean;
  onToggle: () => void;
  onChange: (field: DraftField) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

const isFieldType = (v: string | null): v is FieldType => (FIELD_TYPES as readonly (string | null)[]).includes(v);
const num = (v: string | number): Num => (typeof v === 'number' ? v : v === '' ? '' : Number.isFinite(Number(v)) ? Number(v) : '');

/** One field of the form builder: type, key, labels, and the rules that fit its type. */
export function FieldEditor({ field, index, count, documents, errors, open, onToggle, onChange, onMove, onRemove }: Props) {
  const { t } = useTranslation();
  const local = useLocalized();
  const path = `form.fields.${index}`;
  const set = (patch: Partial<DraftField>) => onChange({ ...field, ...patch });
  const name = t('adminServices.fields.name', { n: index + 1 });
  const hasErrors = Object.keys(errors).some((k) => k === path || k.startsWith(`${path}.`));
  const title = local(field.label) || t('adminServices.fields.untitled');
  const document = documents.find((d) => d.key === field.document);

  return (
    <Card withBorder radius="md" padding="sm" component="section" aria-label={name}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap="xs" style={{ minWidth: 0 }} wrap="nowrap">
          <Text size="sm" c="dimmed">
            {index + 1}.
          </Text>
          <Text fw={600} truncate>
            {title}
          </Text>
          <Badge variant="light" color="gray" size="sm">
            {t(`adminServices.types.${field.type}`)}
          </Badge>
          {hasErrors ? (
            <Badge color="red" size="sm">
              {t('adminServices.hasErrors')}
            </Badge>
          ) : null}
        </Group>
        <Group gap={4} wrap="nowrap">
          <Button variant="subtle" size="xs" onClick={onToggle} aria-expanded={open} aria-label={`${open ? t('adminServices.collapse') : t('adminServices.expand')}: ${name}`}>
            {open ? t('adminServices.collapse') : t('adminServices.expand')}
          </Button>
          <ItemActions name={name} index={index} count={count} onMove={onMove} onRemove={onRemove} />
        </Group>
      </Group>
      <Collapse in={open}>
        <Stack gap="sm" mt="sm">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select
              label={t('adminServices.fields.type')}
              value={field.type}
              allowDeselect={false}
              data={FIELD_TYPES.map((type) => ({ value: type, label: t(`adminServices.types.${type}`) }))}
              error={errors[`${path}.type`]}
              onChange={(v) => {
                if (isFieldType(v)) set({ type: v, options: v === 'select' && field.options.length === 0 ? [{ uid: `${field.uid}-o`, value: '', label: { en: '', hi: '' } }] : field.options });
              }}
            />
            <TextInput
              label={t('adminServices.fields.key')}
              description={t('adminServices.fields.keyHint')}
              value={field.key}
              maxLength={40}
              styles={{ input: { fontFamily: 'monospace' } }}
              error={errors[`${path}.key`]}
              onChange={(e) => set({ key: e.currentTarget.value, keyTouched: true })}
            />
            {field.type === 'file' ? (
              <Text size="sm" c="dimmed" pt="lg">
                {t('adminServices.fields.requiredFollowsDocument')}
              </Text>
            ) : (
              <Switch
                mt="lg"
                label={field.type === 'checkbox' ? t('adminServices.fields.mustTick') : t('adminServices.fields.required')}
                checked={field.required}
                onChange={(e) => set({ required: e.currentTarget.checked })}
              />
            )}
          </SimpleGrid>
          <BilingualInput
            label={t('adminServices.fields.label')}
            value={field.label}
            path={`${path}.label`}
            errors={errors}
            maxLength={120}
            onChange={(label) => set({ label, ...(field.keyTouched ? {} : { key: toKey(label.en) }) })}
          />
          <BilingualInput label={t('adminServices.fields.help')} value={field.help} path={`${path}.help`} errors={errors} maxLength={300} onChange={(help) => set({ help })} />
          {field.type === 'text' ? (
            <>
              <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
                <NumberInput label={t('adminServices.rules.minLength')} value={field.minLength} min={0} max={2000} allowDecimal={false} error={errors[`${path}.rules.minLength`]} onChange={(v) => set({ minLength: num(v) })} />
                <NumberInput
                  label={t('adminServices.rules.maxLength')}
                  description={t('adminServices.rules.maxLengthHint')}
                  value={field.maxLength}
                  min={1}
                  max={2000}
                  allowDecimal={false}
                  error={errors[`${path}.rules.maxLength`]}
                  onChange={(v) => set({ maxLength: num(v) })}
                />
                <Switch mt="lg" label={t('adminServices.rules.multiline')} checked={field.multiline} onChange={(e) => set({ multiline: e.currentTarget.checked })} />
              </SimpleGrid>
              <TextInput
                label={t('adminServices.rules.pattern')}
                description={t('adminServices.rules.patternHint')}
                value={field.pattern}
                maxLength={200}
                styles={{ input: { fontFamily: 'monospace' } }}
                error={errors[`${path}.rules.pattern`]}
                onChange={(e) => set({ pattern: e.currentTarget.value })}
              />
              {field.pattern.trim() ? (
                <BilingualInput label={t('adminServices.rules.patternMessage')} value={field.patternMessage} path={`${path}.rules.patternMessage`} errors={errors} maxLength={300} onChange={(patternMessage) => set({ patternMessage })} />
              ) : null}
            </>
          ) : null}
          {field.type === 'number' ? (
            <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
              <NumberInput label={t('adminServices.rules.min')} value={field.min} error={errors[`${path}.rules.min`]} onChange={(v) => set({ min: num(v) })} />
              <NumberInput label={t('adminServices.rules.max')} value={field.max} error={errors[`${path}.rules.max`]} onChange={(v) => set({ max: num(v) })} />
              <Switch mt="lg" label={t('adminServices.rules.integer')} checked={field.integer} onChange={(e) => set({ integer: e.currentTarget.checked })} />
            </SimpleGrid>
          ) : null}
          {field.type === 'date' ? (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput label={t('adminServices.rules.minDate')} description={t('adminServices.rules.dateHint')} placeholder="1900-01-01" value={field.minDate} maxLength={10} error={errors[`${path}.rules.minDate`]} onChange={(e) => set({ minDate: e.currentTarget.value })} />
              <TextInput label={t('adminServices.rules.maxDate')} description={t('adminServices.rules.dateHint')} placeholder="-18y" value={field.maxDate} maxLength={10} error={errors[`${path}.rules.maxDate`]} onChange={(e) => set({ maxDate: e.currentTarget.value })} />
            </SimpleGrid>
          ) : null}
          {field.type === 'select' ? <OptionsEditor options={field.options} onChange={(options) => set({ options })} errors={errors} path={`${path}.options`} /> : null}
          {field.type === 'file' ? (
            <Select
              label={t('adminServices.fields.document')}
              description={documents.length === 0 ? t('adminServices.fields.addDocumentFirst') : undefined}
              value={field.document || null}
              data={documents.filter((d) => d.key.trim()).map((d) => ({ value: d.key.trim(), label: `${local(d.label) || d.key} (${d.key})` }))}
              error={errors[`${path}.document`] ?? errors[`${path}.required`]}
              onChange={(v) => set({ document: v ?? '', required: documents.find((d) => d.key === v)?.required ?? field.required })}
            />
          ) : null}
          {field.type === 'file' && document ? (
            <Text size="xs" c="dimmed">
              {document.required ? t('services.required') : t('services.optional')}
            </Text>
          ) : null}
          {errors[path] ? (
            <Text size="sm" c="red" role="alert">
              {errors[path]}
            </Text>
          ) : null}
        </Stack>
      </Collapse>
    </Card>
  );
}
