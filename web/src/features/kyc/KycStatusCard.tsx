import { Alert, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { KycProfile } from '../../api/kyc';
import { formatDateTime } from '../../lib/format';
import { KycStateBadge } from './KycStateBadge';

/** Where the customer's KYC stands, and what to do next. */
export function KycStatusCard({ profile }: { profile: KycProfile }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between" gap="sm">
          <Title order={2} size="h4">
            {t('kyc.status.title')}
          </Title>
          <KycStateBadge state={profile.state} size="lg" />
        </Group>
        <Text size="sm" data-testid="kyc-status-text">
          {t(`kyc.status.explain.${profile.state}`)}
        </Text>
        {profile.submittedAt ? (
          <Text size="xs" c="dimmed">
            {t('kyc.status.submittedAt', { when: formatDateTime(profile.submittedAt) })}
            {profile.reviewedAt ? ` · ${t('kyc.status.reviewedAt', { when: formatDateTime(profile.reviewedAt) })}` : ''}
          </Text>
        ) : null}
        {profile.state === 'rejected' && profile.rejectionReason ? (
          <Alert color="red" title={t('kyc.status.reason')} role="alert">
            {profile.rejectionReason}
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}
