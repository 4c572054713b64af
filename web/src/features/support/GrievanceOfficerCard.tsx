import { Anchor, Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { supportApi } from '../../api/support';
import { useApi } from '../../hooks/useApi';

/** The grievance officer's contact, which the DPDP Act, 2023 requires us to publish. */
export function GrievanceOfficerCard() {
  const { t } = useTranslation();
  const { data } = useApi((signal) => supportApi.grievanceOfficer(signal), 'grievance-officer');
  if (!data) return null;
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="grievance-officer-title">
      <Title order={2} size="h5" id="grievance-officer-title" mb={4}>
        {t('support.grievance.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('support.grievance.intro')}
      </Text>
      <Stack gap={2}>
        <Text size="sm" fw={600}>
          {data.name}
        </Text>
        <Anchor href={`mailto:${data.email}`} size="sm">
          {data.email}
        </Anchor>
        {data.phone ? (
          <Anchor href={`tel:${data.phone.replace(/[^+0-9]/g, '')}`} size="sm">
            {data.phone}
          </Anchor>
        ) : null}
      </Stack>
    </Card>
  );
}
