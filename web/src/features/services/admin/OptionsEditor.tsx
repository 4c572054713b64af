import { Button, Card, Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { move, uid, type DraftOption, type Errors } from './editorModel';
import { ItemActions } from './ItemActions';

interface Props {
  options: DraftOption[];
  onChange: (options: DraftOption[]) => void;
  errors: Errors;
  /** Path of the options in the error map, e.g. `form.fields.3.options`. */
  path: string;
}

/** The choices of a select field: a stored value and a label in each language, in display order. */
export function OptionsEditor({ options, onChange, errors, path }: Props) {
  const { t } = useTranslation();
  const set = (i: number, next: DraftOption) => onChange(options.map((o, j) => (j === i ? next : o)));
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {t('adminServices.options.title')}
      </Text>
      {errors[path] ? (
        <Text size="sm" c="red" role="alert">
          {errors[path]}
        </Text>
      ) : null}
      {options.map((o, i) => {
        const name = t('adminServices.options.name', { n: i + 1 });
        return (
          <Card key={o.uid} withBorder padding="xs" radius="sm">
            <Group align="flex-end" gap="xs" wrap="wrap">
              <TextInput
                label={t('adminServices.options.value')}
                value={o.value}
                maxLength={60}
                w={140}
                error={errors[`${path}.${i}.value`]}
                onChange={(e) => set(i, { ...o, value: e.currentTarget.value })}
              />
              <TextInput
                label={t('adminServices.inLanguage', { label: t('adminServices.options.label'), language: t('lang.en') })}
                value={o.label.en}
                maxLength={120}
                style={{ flex: 1, minWidth: 140 }}
                error={errors[`${path}.${i}.label.en`]}
                onChange={(e) => set(i, { ...o, label: { ...o.label, en: e.currentTarget.value } })}
              />
              <TextInput
                label={t('adminServices.inLanguage', { label: t('adminServices.options.label'), language: t('lang.hi') })}
                value={o.label.hi}
                lang="hi"
                maxLength={120}
                style={{ flex: 1, minWidth: 140 }}
                error={errors[`${path}.${i}.label.hi`]}
                onChange={(e) => set(i, { ...o, label: { ...o.label, hi: e.currentTarget.value } })}
              />
              <ItemActions
                name={name}
                index={i}
                count={options.length}
                onMove={(by) => onChange(move(options, i, by))}
                onRemove={() => onChange(options.filter((_, j) => j !== i))}
              />
            </Group>
          </Card>
        );
      })}
      <Button
        variant="light"
        size="xs"
        w="fit-content"
        disabled={options.length >= 100}
        onClick={() => onChange([...options, { uid: uid(), value: '', label: { en: '', hi: '' } }])}
      >
        {t('adminServices.options.add')}
      </Button>
    </Stack>
  );
}
