import { Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSBOOK_KINDS } from '../../api/types';
import { EMPTY_PASSBOOK_FILTERS, type PassbookFilterValues } from './passbookFilters';
import { useKindLabel } from './useKindLabel';

export function PassbookFilterForm({
  initial,
  onApply,
}: {
  initial: PassbookFilterValues;
  onApply: (values: PassbookFilterValues) => void;
}) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const [values, setValues] = useState(initial);

  return (
    <form
      aria-label={t('wallet.passbook.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(values);
      }}
    >
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
        <TextInput
          type="date"
          label={t('wallet.passbook.from')}
          value={values.from}
          max={values.to || undefined}
          onChange={(e) => setValues({ ...values, from: e.currentTarget.value })}
        />
        <TextInput
          type="date"
          label={t('wallet.passbook.to')}
          value={values.to}
          min={values.from || undefined}
          onChange={(e) => setValues({ ...values, to: e.currentTarget.value })}
        />
        <Select
          label={t('wallet.passbook.kind')}
          value={values.kind}
          allowDeselect={false}
          onChange={(kind) => setValues({ ...values, kind: kind ?? '' })}
          data={[
            { value: '', label: t('wallet.passbook.allKinds') },
            ...PASSBOOK_KINDS.map((kind) => ({ value: kind, label: kindLabel(kind) })),
          ]}
          style={{ gridColumn: '1 / -1' }}
        />
      </SimpleGrid>
      <Group mt="md" gap="sm">
        <Button type="submit">{t('wallet.passbook.apply')}</Button>
        <Button
          variant="default"
          onClick={() => {
            setValues(EMPTY_PASSBOOK_FILTERS);
            onApply(EMPTY_PASSBOOK_FILTERS);
          }}
        >
          {t('wallet.passbook.clear')}
        </Button>
      </Group>
    </form>
  );
}
