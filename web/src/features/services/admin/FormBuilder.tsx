import { Button, Group, Menu, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FIELD_TYPES } from '../../../api/services';
import { move, newField, type DraftDocument, type DraftField, type Errors } from './editorModel';
import { FieldEditor } from './FieldEditor';

interface Props {
  fields: DraftField[];
  documents: DraftDocument[];
  onChange: (fields: DraftField[]) => void;
  errors: Errors;
}

/** The form as a list of fields: add by type, edit, reorder, remove. At most 50 fields. */
export function FormBuilder({ fields, documents, onChange, errors }: Props) {
  const { t } = useTranslation();
  // Short forms start open; long ones closed, except new fields and fields with problems.
  const [open, setOpen] = useState<Set<string>>(() => new Set(fields.length <= 4 ? fields.map((f) => f.uid) : []));
  const toggle = (uid: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(uid)) next.delete(uid);
      else next.add(uid);
      return next;
    });

  useEffect(() => {
    const withErrors = fields.filter((_, i) => Object.keys(errors).some((k) => k.startsWith(`form.fields.${i}.`) || k === `form.fields.${i}`));
    if (withErrors.length) setOpen((prev) => new Set([...prev, ...withErrors.map((f) => f.uid)]));
    // Only when a new set of errors arrives (`fields` at that moment is what was sent).
  }, [errors]);

  return (
    <Stack gap="sm">
      {errors['form.fields'] ? (
        <Text size="sm" c="red" role="alert">
          {errors['form.fields']}
        </Text>
      ) : null}
      {fields.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('adminServices.fields.empty')}
        </Text>
      ) : null}
      {fields.map((f, i) => (
        <FieldEditor
          key={f.uid}
          field={f}
          index={i}
          count={fields.length}
          documents={documents}
          errors={errors}
          open={open.has(f.uid)}
          onToggle={() => toggle(f.uid)}
          onChange={(next) => onChange(fields.map((x) => (x.uid === f.uid ? next : x)))}
          onMove={(by) => onChange(move(fields, i, by))}
          onRemove={() => onChange(fields.filter((x) => x.uid !== f.uid))}
        />
      ))}
      <Group>
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>
            <Button variant="light" disabled={fields.length >= 50}>
              {t('adminServices.fields.add')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {FIELD_TYPES.map((type) => (
              <Menu.Item
                key={type}
                onClick={() => {
                  const field = newField(type);
                  setOpen((prev) => new Set([...prev, field.uid]));
                  onChange([...fields, field]);
                }}
              >
                {t(`adminServices.types.${type}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        <Text size="xs" c="dimmed">
          {t('adminServices.fields.count', { count: fields.length })}
        </Text>
      </Group>
    </Stack>
  );
}
