import { Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { automationsApi, type Run } from '../../../api/whatsapp-automations';
import { LoadState } from '../../../components/LoadState';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime } from '../../../lib/format';

const STATE_COLOR: Record<Run['state'], string> = { done: 'green', skipped: 'gray', failed: 'red', claimed: 'yellow', retry: 'orange' };

/** What the automations of a number did lately: replies sent, tags added, and what was held back and why. */
export function RecentRuns({ numberId }: { numberId: string }) {
  const { t, i18n } = useTranslation();
  const runs = useApi((signal) => automationsApi.runs(numberId, signal), `automation-runs:${numberId}`);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" style={{ flex: 1, minWidth: 200 }}>
          {t('waAutomations.runs.intro')}
        </Text>
        <Button variant="default" size="xs" onClick={runs.reload}>
          {t('common.refresh')}
        </Button>
      </Group>
      <LoadState data={runs.data} error={runs.error} loading={runs.loading} reload={runs.reload}>
        {(data) =>
          data.items.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('waAutomations.runs.empty')}
            </Text>
          ) : (
            <Stack gap="xs">
              {data.items.map((r) => (
                <Card key={r.id} withBorder radius="md" padding="xs">
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <Stack gap={2} style={{ minWidth: 0 }}>
                      <Group gap={6}>
                        <Text size="sm" fw={600}>
                          {t(`waAutomations.kinds.${r.kind}`)}
                          {r.ruleName ? ` · ${r.ruleName}` : ''}
                        </Text>
                        <Text size="xs" c="dimmed">
                          +{r.waId}
                        </Text>
                      </Group>
                      <Text size="xs" c="dimmed">
                        {formatDateTime(r.createdAt)}
                      </Text>
                      {r.reason ? (
                        <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                          {i18n.exists(`waAutomations.reasons.${r.reason}`) ? t(`waAutomations.reasons.${r.reason}`) : (r.detail ?? r.reason)}
                        </Text>
                      ) : null}
                      {r.tagsAdded.length ? (
                        <Text size="xs" c="dimmed">
                          {t('waAutomations.rule.tagsShort')} {r.tagsAdded.join(', ')}
                        </Text>
                      ) : null}
                      {r.messageId ? (
                        <Anchor component={Link} to={`/whatsapp/messages/${r.messageId}`} size="xs">
                          {t('waAutomations.runs.openMessage')}
                        </Anchor>
                      ) : null}
                    </Stack>
                    <Badge color={STATE_COLOR[r.state]} variant="light">
                      {t(`waAutomations.runs.states.${r.state}`)}
                    </Badge>
                  </Group>
                </Card>
              ))}
            </Stack>
          )
        }
      </LoadState>
    </Stack>
  );
}
