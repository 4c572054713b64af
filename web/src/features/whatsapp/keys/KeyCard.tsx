import { Badge, Button, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { keysApi, type ApiKey, type WaNumber } from '../../../api/whatsapp-account';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { numberTitle } from '../numbers/numberLabels';

const STATE_COLORS: Record<ApiKey['state'], string> = { active: 'teal', expired: 'gray', revoked: 'red' };

/** One key: its public prefix, what it may do and where, when it was last used; usage and revoke. */
export function KeyCard({
  apiKey,
  numbers,
  onChange,
  onUsage,
}: {
  apiKey: ApiKey;
  numbers: WaNumber[];
  onChange: (k: ApiKey) => void;
  onUsage: (k: ApiKey) => void;
}) {
  const { t } = useTranslation();
  const confirm = useConfirm();
  const titleId = useId();
  const numberNames = apiKey.numberIds?.map((id) => {
    const n = numbers.find((x) => x.id === id);
    return n ? numberTitle(n) : t('waKeys.card.removedNumber');
  });

  const revoke = () =>
    confirm({
      title: t('waKeys.revoke.title', { name: apiKey.name }),
      body: t('waKeys.revoke.body'),
      confirmLabel: t('waKeys.revoke.confirm'),
      danger: true,
      onConfirm: async () => {
        try {
          const { key } = await keysApi.revoke(apiKey.id);
          notifySuccess(t('waKeys.revoke.done', { name: apiKey.name }));
          onChange(key);
        } catch (err) {
          notifyError(err);
        }
      },
    });

  return (
    <Card withBorder radius="md" padding="md" component="article" aria-labelledby={titleId} data-testid="api-key">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Title id={titleId} order={2} size="h5" style={{ overflowWrap: 'anywhere' }}>
              {apiKey.name}
            </Title>
            <Code>{`sk_${apiKey.prefix}_…`}</Code>
          </div>
          <Badge color={STATE_COLORS[apiKey.state]} variant="light">
            {t(`waKeys.state.${apiKey.state}`)}
          </Badge>
        </Group>
        <Group gap={4}>
          {apiKey.scopes.map((s) => (
            <Badge key={s} size="sm" variant="outline" color="gray" tt="none">
              {s}
            </Badge>
          ))}
        </Group>
        <Text size="sm">{numberNames ? t('waKeys.card.onlyNumbers', { names: numberNames.join(', ') }) : t('waKeys.card.allNumbers')}</Text>
        <Text size="xs" c="dimmed">
          {t('waKeys.card.created', { when: formatDateTime(apiKey.createdAt) })}
          {apiKey.expiresAt ? ` · ${t('waKeys.card.expires', { when: formatDateTime(apiKey.expiresAt) })}` : ''}
          {apiKey.revokedAt ? ` · ${t('waKeys.card.revoked', { when: formatDateTime(apiKey.revokedAt) })}` : ''}
        </Text>
        <Text size="xs" c="dimmed">
          {apiKey.lastUsedAt ? t('waKeys.card.lastUsed', { when: formatDateTime(apiKey.lastUsedAt), ip: apiKey.lastUsedIp ?? '—' }) : t('waKeys.card.neverUsed')}
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="light" onClick={() => onUsage(apiKey)} aria-label={t('waKeys.card.usageFor', { name: apiKey.name })}>
            {t('waKeys.card.usage')}
          </Button>
          {apiKey.state === 'active' ? (
            <Button size="xs" variant="subtle" color="red" onClick={revoke} aria-label={t('waKeys.card.revokeFor', { name: apiKey.name })}>
              {t('waKeys.card.revoke')}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Card>
  );
}
