import { ActionIcon, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DAYS, automationsApi, type AutomationSettings, type Day, type Interval, type SettingsInput } from '../../../api/whatsapp-automations';
import { FormError } from '../../../components/FormError';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';

/** IANA zones this browser knows, Asia/Kolkata first. */
function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['Asia/Kolkata', current, ...all])];
}

function DayRow({ day, intervals, onChange }: { day: Day; intervals: Interval[]; onChange: (v: Interval[]) => void }) {
  const { t } = useTranslation();
  const label = t(`waAutomations.days.${day}`);
  return (
    <Stack gap={4} component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
      <Group justify="space-between">
        <Text component="legend" fw={600} size="sm">
          {label}
        </Text>
        {intervals.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t('waAutomations.hours.closed')}
          </Text>
        ) : null}
      </Group>
      {/* A time field cannot show 24:00: "until midnight" is shown and entered as 23:59. */}
      {intervals.map((iv, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
          <TextInput
            type="time"
            label={t('waAutomations.hours.opens')}
            value={iv.open}
            onChange={(e) => onChange(intervals.map((x, j) => (j === i ? { ...x, open: e.currentTarget.value } : x)))}
            aria-label={t('waAutomations.hours.opensOn', { day: label, n: i + 1 })}
            style={{ flex: 1 }}
          />
          <TextInput
            type="time"
            label={t('waAutomations.hours.closes')}
            value={iv.close === '24:00' ? '23:59' : iv.close}
            onChange={(e) => onChange(intervals.map((x, j) => (j === i ? { ...x, close: e.currentTarget.value === '23:59' ? '24:00' : e.currentTarget.value } : x)))}
            aria-label={t('waAutomations.hours.closesOn', { day: label, n: i + 1 })}
            style={{ flex: 1 }}
          />
          <ActionIcon variant="light" color="red" size="lg" onClick={() => onChange(intervals.filter((_, j) => j !== i))} aria-label={t('waAutomations.hours.remove', { day: label, n: i + 1 })}>
            ✕
          </ActionIcon>
        </Group>
      ))}
      {intervals.length < 4 ? (
        <Button variant="subtle" size="xs" onClick={() => onChange([...intervals, { open: '09:00', close: '18:00' }])} style={{ alignSelf: 'flex-start' }}>
          {t('waAutomations.hours.add', { day: label })}
        </Button>
      ) : null}
    </Stack>
  );
}

/** Automations on/off, opening hours (zone, week, holidays), the away cooldown and the flood limits of a number. */
export function HoursEditor({ numberId, settings, onSaved }: { numberId: string; settings: AutomationSettings; onSaved: (s: AutomationSettings, openNow: boolean) => void }) {
  const { t } = useTranslation();
  const { updatedAt: _updatedAt, ...initial } = settings;
  const [form, setForm] = useState<SettingsInput>(initial);
  const zones = useMemo(() => timeZones(settings.timezone), [settings.timezone]);
  const set = <K extends keyof SettingsInput>(key: K, value: SettingsInput[K]) => setForm((f) => ({ ...f, [key]: value }));
  const save = useSubmit(async () => {
    const holidays = form.holidays.filter((h) => h.date).map((h) => ({ date: h.date, ...(h.name?.trim() ? { name: h.name.trim() } : {}) }));
    const r = await automationsApi.saveSettings(numberId, { ...form, holidays });
    onSaved(r.settings, r.openNow);
    notifySuccess(t('waAutomations.saved'));
  });
  const num = (v: string | number, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

  return (
    <Stack gap="md">
      <Card withBorder radius="md" padding="md">
        <Switch
          size="md"
          label={t('waAutomations.settings.enabled')}
          description={t('waAutomations.settings.enabledHint')}
          checked={form.enabled}
          onChange={(e) => set('enabled', e.currentTarget.checked)}
        />
      </Card>
      <Card withBorder radius="md" padding="md" component="section" aria-label={t('waAutomations.hours.title')}>
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t('waAutomations.hours.title')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('waAutomations.hours.intro')}
          </Text>
          <Select label={t('waAutomations.hours.timezone')} searchable allowDeselect={false} value={form.timezone} onChange={(v) => v && set('timezone', v)} data={zones} />
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {DAYS.map((day) => (
              <DayRow key={day} day={day} intervals={form.weeklyHours[day]} onChange={(v) => set('weeklyHours', { ...form.weeklyHours, [day]: v })} />
            ))}
          </SimpleGrid>
        </Stack>
      </Card>
      <Card withBorder radius="md" padding="md" component="section" aria-label={t('waAutomations.holidays.title')}>
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('waAutomations.holidays.title')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('waAutomations.holidays.intro')}
          </Text>
          {form.holidays.map((h, i) => (
            <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
              <TextInput type="date" label={t('waAutomations.holidays.date')} value={h.date} onChange={(e) => set('holidays', form.holidays.map((x, j) => (j === i ? { ...x, date: e.currentTarget.value } : x)))} />
              <TextInput style={{ flex: 1 }} label={t('waAutomations.holidays.name')} maxLength={80} value={h.name ?? ''} onChange={(e) => set('holidays', form.holidays.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} />
              <ActionIcon variant="light" color="red" size="lg" onClick={() => set('holidays', form.holidays.filter((_, j) => j !== i))} aria-label={t('waAutomations.holidays.remove', { date: h.date || i + 1 })}>
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Button variant="subtle" size="xs" style={{ alignSelf: 'flex-start' }} disabled={form.holidays.length >= 100} onClick={() => set('holidays', [...form.holidays, { date: '' }])}>
            {t('waAutomations.holidays.add')}
          </Button>
        </Stack>
      </Card>
      <Card withBorder radius="md" padding="md" component="section" aria-label={t('waAutomations.limits.title')}>
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('waAutomations.limits.title')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('waAutomations.limits.intro')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NumberInput label={t('waAutomations.limits.awayCooldown')} min={1} max={168} value={form.awayCooldownHours} onChange={(v) => set('awayCooldownHours', num(v, 12))} />
            <NumberInput label={t('waAutomations.limits.perNumber')} min={1} max={1000} value={form.numberLimitPerMinute} onChange={(v) => set('numberLimitPerMinute', num(v, 60))} />
            <NumberInput label={t('waAutomations.limits.perContact')} min={1} max={50} value={form.contactLimit} onChange={(v) => set('contactLimit', num(v, 5))} />
            <NumberInput label={t('waAutomations.limits.window')} min={1} max={1440} value={form.contactWindowMinutes} onChange={(v) => set('contactWindowMinutes', num(v, 10))} />
          </SimpleGrid>
        </Stack>
      </Card>
      <FormError error={save.error} />
      <Group justify="flex-end">
        <Button loading={save.busy} onClick={() => void save.run()}>
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  );
}
