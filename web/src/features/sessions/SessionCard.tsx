import { Badge, Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserSession } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { useDeviceName } from './useDeviceName';

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </Stack>
  );
}

export function SessionCard({ session, onRevoke }: { session: UserSession; onRevoke: () => Promise<void> }) {
  const { t } = useTranslation();
  const deviceName = useDeviceName();
  const device = deviceName(session.userAgent);
  const [busy, setBusy] = useState(false);

  const revoke = async () => {
    setBusy(true);
    try {
      await onRevoke();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="md">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600} title={session.userAgent ?? undefined}>
              {device.name}
            </Text>
            {session.current ? (
              <Badge color="teal" variant="light" size="sm">
                {t('sessions.thisDevice')}
              </Badge>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed">
            {t(`sessions.kind.${device.kind}`)}
          </Text>
        </Stack>
        {session.current ? null : (
          <Button
            size="xs"
            color="red"
            variant="subtle"
            loading={busy}
            onClick={() => void revoke()}
            aria-label={t('sessions.revokeLabel', { device: device.name })}
          >
            {t('sessions.revoke')}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Fact label={t('sessions.ip')} value={session.ip ?? '—'} />
        <Fact label={t('sessions.created')} value={formatDateTime(session.createdAt)} />
        <Fact label={t('sessions.lastSeen')} value={formatDateTime(session.lastSeenAt)} />
        <Fact label={t('sessions.expires')} value={formatDateTime(session.expiresAt)} />
      </SimpleGrid>
    </Card>
  );
}
