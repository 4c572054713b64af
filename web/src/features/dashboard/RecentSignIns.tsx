import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { meApi } from '../../api/endpoints';
import type { ActivityItem } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import { useApi } from '../../hooks/useApi';
import { formatDateTime } from '../../lib/format';
import { DeviceLabel } from '../sessions/DeviceLabel';

const SIGN_IN_ACTIONS = new Set(['auth.login', 'auth.login_failed']);
const SHOWN = 5;

function SignInRow({ item }: { item: ActivityItem }) {
  const { t } = useTranslation();
  const failed = item.outcome === 'failure' || item.action === 'auth.login_failed';
  return (
    <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
      <Stack gap={0}>
        <Text size="sm" fw={500}>
          {formatDateTime(item.occurredAt)}
        </Text>
        <Text size="xs" c="dimmed">
          <DeviceLabel userAgent={item.userAgent} />
          {item.ip ? ` · ${item.ip}` : ''}
        </Text>
      </Stack>
      <Badge color={failed ? 'red' : 'teal'} variant="light" size="sm">
        {failed ? t('activity.outcomes.failure') : t('activity.outcomes.success')}
      </Badge>
    </Group>
  );
}

/** The last sign-ins to this account, from the account's own activity log. */
export function RecentSignIns() {
  const { t } = useTranslation();
  const state = useApi((signal) => meApi.activity(null, 50, signal), 'recent-sign-ins');
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="md">
        <Title order={2} size="h4">
          {t('dashboard.recentSignIns')}
        </Title>
        <Anchor component={Link} to="/activity" size="sm">
          {t('dashboard.viewAll')}
        </Anchor>
      </Group>
      <LoadState {...state}>
        {(page) => {
          const signIns = page.items.filter((i) => SIGN_IN_ACTIONS.has(i.action)).slice(0, SHOWN);
          if (signIns.length === 0) return <Text size="sm" c="dimmed">{t('dashboard.noSignIns')}</Text>;
          return (
            <Stack gap="sm">
              {signIns.map((item) => (
                <SignInRow key={item.id} item={item} />
              ))}
            </Stack>
          );
        }}
      </LoadState>
    </Card>
  );
}
