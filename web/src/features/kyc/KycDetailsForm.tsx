import { Button, Card, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { kycApi, type KycDraft, type OwnKyc } from '../../api/kyc';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { notifySuccess } from '../../lib/errors';
import { checkRequired } from '../../lib/validation';
import { checkAadhaar, checkOptionalAadhaar, checkPan, checkPincode } from './kycValidation';

const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'region', 'pincode'] as const;
type AddressField = (typeof ADDRESS_FIELDS)[number];

function initial(kyc: OwnKyc) {
  const p = kyc.profile;
  return {
    legalName: p.legalName ?? '',
    pan: p.pan ?? '',
    // The full Aadhaar number is never sent back: the field starts empty and keeps the saved one when left so.
    aadhaarNumber: '',
    dateOfBirth: p.dateOfBirth ?? '',
    line1: p.address?.line1 ?? '',
    line2: p.address?.line2 ?? '',
    city: p.address?.city ?? '',
    region: p.address?.region ?? '',
    pincode: p.address?.pincode ?? '',
  };
}

/** Identity details, saved as a draft until the customer submits. */
export function KycDetailsForm({ kyc, onSaved }: { kyc: OwnKyc; onSaved: (next: OwnKyc) => void }) {
  const { t } = useTranslation();
  const hasAadhaar = kyc.profile.aadhaarMasked !== null;
  const form = useForm(initial(kyc), {
    legalName: checkRequired,
    pan: checkPan,
    aadhaarNumber: hasAadhaar ? checkOptionalAadhaar : checkAadhaar,
    dateOfBirth: checkRequired,
    line1: checkRequired,
    city: checkRequired,
    region: checkRequired,
    pincode: checkPincode,
  });

  const submit = useSubmit(
    async () => {
      const v = form.values;
      const draft: KycDraft = {
        legalName: v.legalName.trim(),
        pan: v.pan.trim(),
        dateOfBirth: v.dateOfBirth,
        address: { line1: v.line1.trim(), line2: v.line2.trim(), city: v.city.trim(), region: v.region.trim(), pincode: v.pincode.trim() },
      };
      if (v.aadhaarNumber.trim()) draft.aadhaarNumber = v.aadhaarNumber.trim();
      const next = await kycApi.save(draft);
      form.reset(initial(next));
      onSaved(next);
      notifySuccess(t('kyc.details.saved'));
    },
    (err) => {
      // Address problems come back as "address.<field>".
      const extra: Partial<Record<AddressField, string>> = {};
      if (err instanceof ApiError) {
        for (const f of ADDRESS_FIELDS) {
          const message = err.fieldMessage(`address.${f}`);
          if (message) extra[f] = message;
        }
      }
      form.showServerErrors(err, extra);
    },
  );

  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb={4}>
        {t('kyc.details.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('kyc.details.intro')}
      </Text>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack>
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <TextInput label={t('kyc.fields.legalName')} description={t('kyc.hints.legalName')} required maxLength={100} autoComplete="name" {...form.field('legalName')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('kyc.fields.pan')}
              description={t('kyc.hints.pan')}
              required
              maxLength={10}
              autoComplete="off"
              styles={{ input: { textTransform: 'uppercase' } }}
              {...form.field('pan')}
            />
            <TextInput
              label={t('kyc.fields.aadhaar')}
              description={hasAadhaar ? t('kyc.hints.aadhaarSaved', { masked: kyc.profile.aadhaarMasked }) : t('kyc.hints.aadhaar')}
              required={!hasAadhaar}
              inputMode="numeric"
              autoComplete="off"
              maxLength={14}
              placeholder={kyc.profile.aadhaarMasked ?? 'XXXX XXXX XXXX'}
              {...form.field('aadhaarNumber')}
            />
          </SimpleGrid>
          <TextInput label={t('kyc.fields.dateOfBirth')} description={t('kyc.hints.dateOfBirth')} type="date" required {...form.field('dateOfBirth')} />
          <TextInput label={t('kyc.fields.line1')} required maxLength={200} autoComplete="address-line1" {...form.field('line1')} />
          <TextInput label={t('kyc.fields.line2')} maxLength={200} autoComplete="address-line2" {...form.field('line2')} />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label={t('kyc.fields.city')} required maxLength={100} autoComplete="address-level2" {...form.field('city')} />
            <TextInput label={t('kyc.fields.region')} required maxLength={100} autoComplete="address-level1" {...form.field('region')} />
            <TextInput label={t('kyc.fields.pincode')} required maxLength={7} inputMode="numeric" autoComplete="postal-code" {...form.field('pincode')} />
          </SimpleGrid>
          <Button type="submit" loading={submit.busy} w={{ base: '100%', xs: 'auto' }}>
            {t('kyc.details.save')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
