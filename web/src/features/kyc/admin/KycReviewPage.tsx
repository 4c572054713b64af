import { Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { staffKycApi, type StaffKyc } from '../../../api/kyc';
import { FormError } from '../../../components/FormError';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { RefreshButton } from '../../../components/RefreshButton';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifySuccess } from '../../../lib/errors';
import { formatDate, formatDateTime, formatMobile } from '../../../lib/format';
import { DocumentPreview } from '../KycDocumentRow';
import { KycStateBadge } from '../KycStateBadge';
import { KycStatusCard } from '../KycStatusCard';

function Details({ kyc }: { kyc: StaffKyc }) {
  const { t } = useTranslation();
  const p = kyc.profile;
  const rows: [string, string | null][] = [
    [t('kyc.review.account'), `${kyc.user.name} · ${kyc.user.email} · ${formatMobile(kyc.user.mobile)}`],
    [t('kyc.fields.legalName'), p.legalName],
    [t('kyc.fields.pan'), p.pan],
    [t('kyc.fields.aadhaar'), p.aadhaarMasked],
    [t('kyc.fields.dateOfBirth'), p.dateOfBirth ? formatDate(p.dateOfBirth) : null],
    [t('kyc.fields.address'), p.address ? [p.address.line1, p.address.line2, p.address.city, p.address.region, p.address.pincode].filter(Boolean).join(', ') : null],
  ];
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap={6}>
        {rows.map(([label, value]) => (
          <Group key={label} gap="xs" wrap="nowrap" align="flex-start">
            <Text size="sm" c="dimmed" w={130} style={{ flexShrink: 0 }}>
              {label}
            </Text>
            <Text size="sm" style={{ wordBreak: 'break-word' }}>
              {value ?? '—'}
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

function Decision({ kyc, onDone }: { kyc: StaffKyc; onDone: () => void }) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const reject = useSubmit(async () => {
    await staffKycApi.reject(kyc.user.id, reason.trim());
    notifySuccess(t('kyc.review.rejectedNotice'));
    setReason('');
    onDone();
  });
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        {t('kyc.review.decision')}
      </Title>
      <Stack>
        <FormError error={reject.error} />
        <Button
          color="teal"
          w={{ base: '100%', xs: 'auto' }}
          onClick={() =>
            confirm({
              title: t('kyc.review.approveTitle'),
              body: t('kyc.review.approveBody', { name: kyc.user.name }),
              confirmLabel: t('kyc.review.approve'),
              onConfirm: async () => {
                await staffKycApi.approve(kyc.user.id);
                notifySuccess(t('kyc.review.approvedNotice'));
                onDone();
              },
            })
          }
        >
          {t('kyc.review.approve')}
        </Button>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim().length < 5) setReasonError(t('kyc.review.reasonShort'));
            else void reject.run();
          }}
        >
          <Stack gap="xs">
            <Textarea
              label={t('kyc.review.reason')}
              description={t('kyc.review.reasonHint')}
              value={reason}
              error={reasonError}
              onChange={(e) => {
                setReason(e.currentTarget.value);
                setReasonError(null);
              }}
              maxLength={500}
              autosize
              minRows={2}
            />
            <Button type="submit" color="red" variant="light" loading={reject.busy} w={{ base: '100%', xs: 'auto' }}>
              {t('kyc.review.reject')}
            </Button>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}

/** One customer's KYC for an operator: details, documents (links valid five minutes), decision. */
export function KycReviewPage() {
  const { t } = useTranslation();
  const { userId = '' } = useParams();
  const state = useApi((signal) => staffKycApi.get(userId, signal), userId);

  return (
    <>
      <PageHeader
        title={t('kyc.review.title')}
        description={
          <Anchor component={Link} to="/admin/kyc" size="sm">
            {t('kyc.review.back')}
          </Anchor>
        }
        actions={
          <RefreshButton state={state} />
        }
      />
      <LoadState {...state}>
        {(kyc) => {
          const pending = kyc.profile.state === 'submitted' || kyc.profile.state === 'resubmitted';
          return (
            <Stack gap="lg">
              <Group gap="sm">
                <Text fw={600}>{kyc.user.name}</Text>
                <KycStateBadge state={kyc.profile.state} />
              </Group>
              <KycStatusCard profile={kyc.profile} />
              <Details kyc={kyc} />
              <div>
                <Title order={2} size="h4" mb={4}>
                  {t('kyc.documents.title')}
                </Title>
                <Text size="xs" c="dimmed" mb="sm">
                  {t('kyc.review.linksExpire', { when: formatDateTime(kyc.documents[0]?.urlExpiresAt) })}
                </Text>
                {kyc.documents.length === 0 ? (
                  <Text c="dimmed">{t('kyc.review.noDocuments')}</Text>
                ) : (
                  <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                    {kyc.documents.map((d) => (
                      <Card key={d.id} withBorder radius="md" padding="md">
                        <Text fw={600} mb="xs">
                          {t(`kyc.kinds.${d.kind}`)}
                        </Text>
                        <DocumentPreview doc={d} label={t(`kyc.kinds.${d.kind}`)} />
                        <Text size="xs" c="dimmed" mt="xs">
                          {formatDateTime(d.uploadedAt)}
                          {d.width && d.height ? ` · ${d.width} × ${d.height}` : ''}
                        </Text>
                      </Card>
                    ))}
                  </SimpleGrid>
                )}
              </div>
              {pending ? <Decision kyc={kyc} onDone={state.reload} /> : null}
            </Stack>
          );
        }}
      </LoadState>
    </>
  );
}
