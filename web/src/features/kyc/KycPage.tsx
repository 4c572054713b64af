import { Alert, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DOCUMENT_KINDS, kycApi, type OwnKyc } from '../../api/kyc';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { useSubmit } from '../../hooks/useSubmit';
import { FormError } from '../../components/FormError';
import { formatDate } from '../../lib/format';
import { notifySuccess } from '../../lib/errors';
import { KycDetailsForm } from './KycDetailsForm';
import { KycDocumentRow } from './KycDocumentRow';
import { KycStatusCard } from './KycStatusCard';

function Summary({ kyc }: { kyc: OwnKyc }) {
  const { t } = useTranslation();
  const p = kyc.profile;
  const rows: [string, string | null][] = [
    [t('kyc.fields.legalName'), p.legalName],
    [t('kyc.fields.pan'), p.pan],
    [t('kyc.fields.aadhaar'), p.aadhaarMasked],
    [t('kyc.fields.dateOfBirth'), p.dateOfBirth ? formatDate(p.dateOfBirth) : null],
    [t('kyc.fields.address'), p.address ? [p.address.line1, p.address.line2, p.address.city, p.address.region, p.address.pincode].filter(Boolean).join(', ') : null],
  ];
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        {t('kyc.details.title')}
      </Title>
      <Stack gap={6}>
        {rows.map(([label, value]) => (
          <Group key={label} gap="xs" wrap="nowrap" align="flex-start">
            <Text size="sm" c="dimmed" w={130} style={{ flexShrink: 0 }}>
              {label}
            </Text>
            <Text size="sm">{value ?? '—'}</Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

/** The customer's KYC: status, details, documents, submit (again after a rejection). */
export function KycPage() {
  const { t } = useTranslation();
  const state = useApi((signal) => kycApi.get(signal), 'kyc');
  const submit = useSubmit(async () => {
    const next = await kycApi.submit();
    state.setData(next);
    notifySuccess(t('kyc.submitted'));
  });

  return (
    <>
      <PageHeader title={t('kyc.title')} description={t('kyc.intro')} />
      <LoadState {...state}>
        {(kyc) => {
          const { profile } = kyc;
          const kinds = DOCUMENT_KINDS.filter((k) => kyc.requiredDocuments.includes(k) || k === 'address_proof' || kyc.documents.some((d) => d.kind === k));
          const missing = profile.missing.map((m) => (DOCUMENT_KINDS as readonly string[]).includes(m) ? t(`kyc.kinds.${m}`) : t(`kyc.fields.${m === 'aadhaarNumber' ? 'aadhaar' : m}`));
          return (
            <Stack gap="lg">
              <KycStatusCard profile={profile} />
              {profile.editable ? <KycDetailsForm kyc={kyc} onSaved={state.setData} /> : <Summary kyc={kyc} />}
              <div>
                <Title order={2} size="h4" mb={4}>
                  {t('kyc.documents.title')}
                </Title>
                <Text size="sm" c="dimmed" mb="sm">
                  {t('kyc.documents.intro')}
                </Text>
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                  {kinds.map((kind) => (
                    <KycDocumentRow
                      key={kind}
                      kind={kind}
                      required={kyc.requiredDocuments.includes(kind)}
                      doc={kyc.documents.find((d) => d.kind === kind)}
                      editable={profile.editable}
                      types={kind === 'photo' ? kyc.uploadLimits.types.photo : kyc.uploadLimits.types.other}
                      maxBytes={kyc.uploadLimits.maxBytes}
                      onChange={state.reload}
                    />
                  ))}
                </SimpleGrid>
              </div>
              {profile.editable ? (
                <Card withBorder radius="md" padding="lg">
                  <Stack gap="sm">
                    <FormError error={submit.error} />
                    {missing.length ? (
                      <Alert color="yellow" title={t('kyc.missingTitle')}>
                        {missing.join(', ')}
                      </Alert>
                    ) : (
                      <Text size="sm">{t('kyc.readyToSubmit')}</Text>
                    )}
                    <Button onClick={() => void submit.run()} loading={submit.busy} disabled={missing.length > 0} w={{ base: '100%', xs: 'auto' }}>
                      {profile.state === 'rejected' ? t('kyc.resubmit') : t('kyc.submit')}
                    </Button>
                  </Stack>
                </Card>
              ) : null}
            </Stack>
          );
        }}
      </LoadState>
    </>
  );
}
