import { Badge, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useUser } from '../../auth/context';
import { AccountSummary } from './AccountSummary';
import { RecentSignIns } from './RecentSignIns';
import { VerifyEmailNotice } from './VerifyEmailNotice';

export function DashboardPage() {
  const { t } = useTranslation();
  const user = useUser();
  const role = t(`roles.${user.role}`);
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Text size="sm" c="dimmed">
          {t('dashboard.title')}
        </Text>
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            {t('dashboard.greeting', { name: user.name })}
          </Title>
          <Badge variant="light">{role}</Badge>
        </Group>
        <Text c="dimmed">{t('dashboard.signedInAs', { role })}</Text>
      </Stack>
      {user.emailVerified ? null : <VerifyEmailNotice email={user.email} />}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <AccountSummary user={user} />
        <RecentSignIns />
      </SimpleGrid>
    </Stack>
  );
}
