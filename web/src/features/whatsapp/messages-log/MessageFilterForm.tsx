import { Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WaNumber } from '../../../api/whatsapp-account';
import { EMPTY_MESSAGE_FILTERS, LOG_STATUSES, MESSAGE_TYPES, type MessageFilterValues } from './messageFilters';

/** Filters of the message log: number, direction, status, type, template, contact, days and text. */
export function MessageFilterForm({ initial, numbers, onApply }: { initial: MessageFilterValues; numbers: WaNumber[]; onApply: (v: MessageFilterValues) => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState(initial);
  const set = <K extends keyof MessageFilterValues>(key: K, value: MessageFilterValues[K]) => setV((prev) => ({ ...prev, [key]: value }));
  const any = { value: '', label: t('common.any') };

  return (
    <form
      aria-label={t('waLog.filters.title')}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(v);
      }}
    >
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
        <TextInput label={t('waLog.filters.q')} value={v.q} maxLength={200} onChange={(e) => set('q', e.currentTarget.value)} />
        <TextInput label={t('waLog.filters.waId')} description={t('waLog.filters.waIdHint')} type="tel" value={v.waId} maxLength={32} onChange={(e) => set('waId', e.currentTarget.value)} />
        <Select
          label={t('waLog.filters.number')}
          value={v.numberId}
          allowDeselect={false}
          onChange={(x) => set('numberId', x ?? '')}
          data={[any, ...numbers.map((n) => ({ value: n.id, label: [n.label, n.displayPhoneNumber].filter(Boolean).join(' · ') || n.phoneNumberId }))]}
        />
        <Select
          label={t('waLog.filters.direction')}
          value={v.direction}
          allowDeselect={false}
          onChange={(x) => set('direction', x === 'inbound' || x === 'outbound' ? x : '')}
          data={[any, { value: 'outbound', label: t('waLog.direction.outbound') }, { value: 'inbound', label: t('waLog.direction.inbound') }]}
        />
        <Select
          label={t('waLog.filters.status')}
          value={v.status}
          allowDeselect={false}
          onChange={(x) => set('status', x ?? '')}
          data={[any, ...LOG_STATUSES.map((s) => ({ value: s, label: t(`waLog.statuses.${s}`) }))]}
        />
        <Select
          label={t('waLog.filters.type')}
          value={v.type}
          allowDeselect={false}
          onChange={(x) => set('type', x ?? '')}
          data={[any, ...MESSAGE_TYPES.map((s) => ({ value: s, label: t(`waLog.types.${s}`, s) }))]}
        />
        <TextInput label={t('waLog.filters.template')} value={v.template} maxLength={512} onChange={(e) => set('template', e.currentTarget.value)} />
        <TextInput type="date" label={t('waLog.filters.from')} value={v.from} max={v.to || undefined} onChange={(e) => set('from', e.currentTarget.value)} />
        <TextInput type="date" label={t('waLog.filters.to')} value={v.to} min={v.from || undefined} onChange={(e) => set('to', e.currentTarget.value)} />
      </SimpleGrid>
      <Group mt="md" gap="sm">
        <Button type="submit">{t('common.apply')}</Button>
        <Button
          variant="default"
          onClick={() => {
            setV(EMPTY_MESSAGE_FILTERS);
            onApply(EMPTY_MESSAGE_FILTERS);
          }}
        >
          {t('common.clear')}
        </Button>
      </Group>
    </form>
  );
}
