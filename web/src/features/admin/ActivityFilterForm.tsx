import { Autocomplete, Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import en from '../../i18n/en.json';
import { FILTER_NAMES, type ActivityFilterValues } from './activityFilters';

const KNOWN_ACTIONS = Object.keys(en.activity.actions);
const EMPTY = Object.fromEntries(FILTER_NAMES.map((n) => [n, ''])) as unknown as ActivityFilterValues;

interface Props {
  initial: ActivityFilterValues;
  onApply: (values: ActivityFilterValues) => void;
}

export function ActivityFilterForm({ initial, onApply }: Props) {
  const { t } = useTranslation();
  const [values, setValues] = useState(initial);
  const set = (name: keyof ActivityFilterValues) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const input = (name: keyof ActivityFilterValues) => ({
    value: values[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set(name)(e.currentTarget.value),
  });

  return (
    <form
      aria-label={t('admin.activity.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(values);
      }}
    >
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
        <Autocomplete
          label={t('admin.activity.action')}
          placeholder={t('admin.activity.actionPlaceholder')}
          data={KNOWN_ACTIONS}
          value={values.action}
          onChange={set('action')}
        />
        <Select
          label={t('admin.activity.outcome')}
          value={values.outcome}
          allowDeselect={false}
          onChange={(v) => set('outcome')(v ?? '')}
          data={[
            { value: '', label: t('common.any') },
            { value: 'success', label: t('activity.outcomes.success') },
            { value: 'failure', label: t('activity.outcomes.failure') },
          ]}
        />
        <TextInput label={t('admin.activity.actorId')} {...input('actorId')} />
        <TextInput label={t('admin.activity.subjectUserId')} {...input('subjectUserId')} />
        <TextInput label={t('admin.activity.ip')} {...input('ip')} />
        <TextInput type="date" label={t('admin.activity.from')} {...input('from')} />
        <TextInput type="date" label={t('admin.activity.to')} {...input('to')} />
      </SimpleGrid>
      <Group mt="md" gap="sm">
        <Button type="submit">{t('admin.activity.apply')}</Button>
        <Button
          variant="default"
          onClick={() => {
            setValues(EMPTY);
            onApply(EMPTY);
          }}
        >
          {t('admin.activity.clear')}
        </Button>
      </Group>
    </form>
  );
}
