import { Button, Checkbox, Group, Modal, Radio, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SCOPES, keysApi, type ApiKey, type Scope, type WaNumber } from '../../../api/whatsapp-account';
import { FormError } from '../../../components/FormError';
import { useForm } from '../../../hooks/useForm';
import { useSubmit } from '../../../hooks/useSubmit';
import { dayAfterToIso } from '../../../lib/dates';
import { checkRequired } from '../../../lib/validation';
import { numberTitle } from '../numbers/numberLabels';

type Expiry = 'never' | '30' | '90' | '365' | 'date';

function expiryIso(expiry: Expiry, day: string): string | null {
  if (expiry === 'never') return null;
  if (expiry === 'date') return dayAfterToIso(day) ?? null;
  return new Date(Date.now() + Number(expiry) * 86_400_000).toISOString();
}

/** A new key: a name, what it may do, which numbers, how long. The answer holds the key, shown once. */
export function CreateKeyModal({
  opened,
  numbers,
  onClose,
  onCreated,
}: {
  opened: boolean;
  numbers: WaNumber[];
  onClose: () => void;
  onCreated: (created: { key: ApiKey; secret: string }) => void;
}) {
  const { t } = useTranslation();
  const form = useForm({ name: '', day: '' }, { name: checkRequired });
  const [scopes, setScopes] = useState<Scope[]>(['messages:send', 'messages:read']);
  const [allNumbers, setAllNumbers] = useState(true);
  const [numberIds, setNumberIds] = useState<string[]>([]);
  const [expiry, setExpiry] = useState<Expiry>('never');
  const [localError, setLocalError] = useState<string | null>(null);

  const submit = useSubmit(
    async () => {
      const created = await keysApi.create({
        name: form.values.name.trim(),
        scopes,
        numberIds: allNumbers ? null : numberIds,
        expiresAt: expiryIso(expiry, form.values.day),
      });
      form.reset({ name: '', day: '' });
      setScopes(['messages:send', 'messages:read']);
      setAllNumbers(true);
      setNumberIds([]);
      setExpiry('never');
      onCreated(created);
    },
    (err) => form.showServerErrors(err),
  );

  const run = () => {
    setLocalError(null);
    if (!form.validate()) return;
    if (scopes.length === 0) return setLocalError(t('waKeys.create.needScope'));
    if (!allNumbers && numberIds.length === 0) return setLocalError(t('waKeys.create.needNumber'));
    if (expiry === 'date' && !dayAfterToIso(form.values.day)) return setLocalError(t('waKeys.create.needDate'));
    void submit.run();
  };

  const today = new Date().toISOString().slice(0, 10);

  return (
    <Modal opened={opened} onClose={onClose} title={t('waKeys.create.title')} centered size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <Stack gap="sm">
          <FormError error={localError ? null : form.serverErrorShownInFields ? null : submit.error} />
          {localError ? (
            <Text c="red" size="sm" role="alert">
              {localError}
            </Text>
          ) : null}
          <TextInput
            label={t('waKeys.fields.name')}
            description={t('waKeys.create.nameHint')}
            required
            maxLength={80}
            data-autofocus
            {...form.field('name')}
          />
          <Checkbox.Group label={t('waKeys.fields.scopes')} description={t('waKeys.create.scopesHint')} value={scopes} onChange={(v) => setScopes(v as Scope[])}>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs" mt="xs">
              {SCOPES.map((s) => (
                <Checkbox key={s} value={s} label={t(`waKeys.scopes.${s.replace(':', '_')}`)} description={s} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Radio.Group label={t('waKeys.fields.numbers')} value={allNumbers ? 'all' : 'some'} onChange={(v) => setAllNumbers(v === 'all')}>
            <Stack gap="xs" mt="xs">
              <Radio value="all" label={t('waKeys.create.allNumbers')} />
              <Radio value="some" label={t('waKeys.create.someNumbers')} disabled={numbers.length === 0} />
            </Stack>
          </Radio.Group>
          {!allNumbers ? (
            <Checkbox.Group value={numberIds} onChange={setNumberIds} aria-label={t('waKeys.fields.numbers')}>
              <Stack gap="xs" pl="lg">
                {numbers.map((n) => (
                  <Checkbox key={n.id} value={n.id} label={numberTitle(n)} description={n.displayPhoneNumber ?? n.phoneNumberId} />
                ))}
              </Stack>
            </Checkbox.Group>
          ) : null}
          <Select
            label={t('waKeys.fields.expiry')}
            value={expiry}
            allowDeselect={false}
            onChange={(v) => setExpiry((v as Expiry | null) ?? 'never')}
            data={[
              { value: 'never', label: t('waKeys.expiry.never') },
              { value: '30', label: t('waKeys.expiry.days', { n: 30 }) },
              { value: '90', label: t('waKeys.expiry.days', { n: 90 }) },
              { value: '365', label: t('waKeys.expiry.year') },
              { value: 'date', label: t('waKeys.expiry.date') },
            ]}
          />
          {expiry === 'date' ? <TextInput type="date" label={t('waKeys.create.lastDay')} min={today} {...form.field('day')} /> : null}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy}>
              {t('waKeys.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
