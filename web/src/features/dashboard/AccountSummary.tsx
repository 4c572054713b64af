import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { formatDate, formatMobile } from '../../lib/format';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ta="right" style={{ overflowWrap: 'anywhere' }} component="div">
        {children}
      </Text>
    </Group>
  );
}

export function AccountSummary({ user }: { user: User }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('dashboard.account')}
        </Title>
        <Anchor component={Link} to="/profile" size="sm">
          {t('dashboard.editProfile')}
        </Anchor>
      </Group>
      <Stack gap="xs">
        <Row label={t('fields.name')}>{user.name}</Row>
        <Row label={t('fields.email')}>
          <Stack gap={4} align="flex-end">
            <span>{user.email}</span>
            <Badge color={user.emailVerified ? 'teal' : 'yellow'} variant="light" size="sm">
              {user.emailVerified ? t('dashboard.emailVerified') : t('dashboard.emailNotVerified')}
            </Badge>
          </Stack>
        </Row>
        <Row label={t('fields.mobile')}>{formatMobile(user.mobile)}</Row>
        <Row label={t('admin.users.role')}>{t(`roles.${user.role}`)}</Row>
        <Row label={t('admin.users.status')}>{t(`userStatus.${user.status}`)}</Row>
        <Row label={t('fields.language')}>{t(`lang.${user.language}`)}</Row>
        <Row label={t('dashboard.memberSince')}>{formatDate(user.createdAt)}</Row>
      </Stack>
    </Card>
  );
}
