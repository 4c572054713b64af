import { Button, Group, SimpleGrid, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Period } from '../../../api/whatsapp-account';
import { dayAfterToIso, dayToIso } from '../../../lib/dates';

/** A report period as the form holds it: local days, both inclusive. */
export interface PeriodDays {
  from: string;
  to: string;
}

const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The last 30 days, today included. */
export function lastThirtyDays(): PeriodDays {
  const today = new Date();
  const start = new Date(today);
  start.setDate(start.getDate() - 29);
  return { from: localDay(start), to: localDay(today) };
}

/** What the API is asked for: the first moment of `from` to the first moment after `to`. */
export function toPeriod(days: PeriodDays): Period {
  const out: Period = {};
  const from = dayToIso(days.from, false);
  const to = dayAfterToIso(days.to);
  if (from) out.from = from;
  if (to) out.to = to;
  return out;
}

/** From and to dates (and any extra fields), applied together. */
export function PeriodForm({ initial, onApply, extra }: { initial: PeriodDays; onApply: (p: PeriodDays) => void; extra?: ReactNode }) {
  const { t } = useTranslation();
  const [values, setValues] = useState(initial);
  return (
    <form
      aria-label={t('waUsage.period')}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(values);
      }}
    >
      <SimpleGrid cols={{ base: 2, sm: extra ? 3 : 2 }} spacing="sm">
        <TextInput type="date" label={t('waUsage.from')} value={values.from} max={values.to || undefined} required onChange={(e) => setValues({ ...values, from: e.currentTarget.value })} />
        <TextInput type="date" label={t('waUsage.to')} value={values.to} min={values.from || undefined} required onChange={(e) => setValues({ ...values, to: e.currentTarget.value })} />
        {extra}
      </SimpleGrid>
      <Group mt="sm">
        <Button type="submit">{t('common.apply')}</Button>
      </Group>
    </form>
  );
}
