import { Button, Group, Modal, Radio, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PRICE_CATEGORIES, billingApi, type AdminPrice, type PriceCategory } from '../../../api/whatsapp-account';
import { FormError } from '../../../components/FormError';
import { useForm } from '../../../hooks/useForm';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';
import { formatMoney } from '../../../lib/format';
import { customerPrice, millipaise, percentToBps } from './prices';

const checkCountry = (v: string) => (/^([0-9]{1,4}|\*)$/.test(v.trim()) ? null : 'waPrices.add.countryFormat');
const checkRate = (v: string) => (millipaise(v) !== null ? null : 'waPrices.add.rateFormat');
const checkMarkup = (v: string) => (percentToBps(v) !== null ? null : 'waPrices.add.markupFormat');

/** An admin adds a price row: Meta's rate and the markup, from now or a later moment. */
export function AddPriceModal({ onClose, onAdded }: { onClose: () => void; onAdded: (p: AdminPrice) => void }) {
  const { t } = useTranslation();
  const [category, setCategory] = useState<PriceCategory>('marketing');
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const form = useForm(
    { countryCode: '91', metaRatePaise: '', markup: '20', effectiveFrom: '' },
    { countryCode: checkCountry, metaRatePaise: checkRate, markup: checkMarkup },
  );
  const rate = millipaise(form.values.metaRatePaise);
  const bps = percentToBps(form.values.markup);
  const later = when === 'later' && form.values.effectiveFrom ? new Date(form.values.effectiveFrom) : null;

  const submit = useSubmit(
    async () => {
      if (rate === null || bps === null) return;
      const { price } = await billingApi.addPrice({
        category,
        countryCode: form.values.countryCode.trim(),
        metaRatePaise: form.values.metaRatePaise.trim(),
        markupBps: bps,
        ...(later && !Number.isNaN(later.getTime()) ? { effectiveFrom: later.toISOString() } : {}),
      });
      notifySuccess(t('waPrices.add.done'));
      onAdded(price);
    },
    (err) => form.showServerErrors(err, {}),
  );

  return (
    <Modal opened onClose={onClose} title={t('waPrices.add.title')} centered>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack gap="sm">
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <Select
            label={t('waPrices.category')}
            value={category}
            allowDeselect={false}
            onChange={(v) => setCategory((v as PriceCategory | null) ?? 'marketing')}
            data={PRICE_CATEGORIES.map((c) => ({ value: c, label: t(`waPrices.categories.${c}`) }))}
          />
          <TextInput label={t('waPrices.add.country')} description={t('waPrices.add.countryHint')} maxLength={4} required {...form.field('countryCode')} />
          <SimpleGrid cols={2} spacing="sm">
            <TextInput label={t('waPrices.add.rate')} description={t('waPrices.add.rateHint')} inputMode="decimal" required maxLength={13} {...form.field('metaRatePaise')} />
            <TextInput label={t('waPrices.add.markup')} description={t('waPrices.add.markupHint')} inputMode="decimal" required maxLength={7} rightSection="%" {...form.field('markup')} />
          </SimpleGrid>
          <Radio.Group label={t('waPrices.add.when')} value={when} onChange={(v) => setWhen(v === 'later' ? 'later' : 'now')}>
            <Group mt="xs">
              <Radio value="now" label={t('waPrices.add.now')} />
              <Radio value="later" label={t('waPrices.add.later')} />
            </Group>
          </Radio.Group>
          {when === 'later' ? <TextInput type="datetime-local" label={t('waPrices.from')} required {...form.field('effectiveFrom')} /> : null}
          <Text size="sm" role="status">
            {rate !== null && bps !== null ? t('waPrices.add.preview', { price: formatMoney(customerPrice(rate, bps)) }) : t('waPrices.add.previewEmpty')}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy}>
              {t('waPrices.add.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
