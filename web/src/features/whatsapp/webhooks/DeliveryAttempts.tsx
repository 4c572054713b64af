import { Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { webhooksApi, type Delivery } from '../../../api/whatsapp-webhooks';
import { LoadState } from '../../../components/LoadState';
import { useApi } from '../../../hooks/useApi';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** One delivery opened: every attempt (status, time taken, the start of the answer, the error), the payload, and replay. */
export function DeliveryAttempts({ endpointId, delivery, canReplay, onReplayed }: { endpointId: string; delivery: Delivery; canReplay: boolean; onReplayed: () => void }) {
  const { t } = useTranslation();
  const state = useApi((signal) => webhooksApi.delivery(endpointId, delivery.id, signal), `${delivery.id}:${delivery.attempts}:${delivery.state}`);
  const [busy, setBusy] = useState(false);

  const replay = async () => {
    setBusy(true);
    try {
      await webhooksApi.replayDelivery(endpointId, delivery.id);
      notifySuccess(t(delivery.state === 'pending' ? 'waWebhooks.log.retryQueued' : 'waWebhooks.log.replayQueued'));
      onReplayed();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <LoadState {...state}>
      {({ attempts, payload }) => (
        <Stack gap="sm">
          <Text size="xs" c="dimmed">
            {t('waWebhooks.log.eventId')} <Code>{delivery.eventId}</Code>
          </Text>
          {attempts.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('waWebhooks.log.noAttempts')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={520}>
              <Table striped withTableBorder fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>#</Table.Th>
                    <Table.Th>{t('waWebhooks.log.when')}</Table.Th>
                    <Table.Th>{t('waWebhooks.log.result')}</Table.Th>
                    <Table.Th>{t('waWebhooks.log.latency')}</Table.Th>
                    <Table.Th>{t('waWebhooks.log.answer')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {attempts.map((a) => (
                    <Table.Tr key={a.attempt + a.startedAt}>
                      <Table.Td>{a.attempt}</Table.Td>
                      <Table.Td>{formatDateTime(a.startedAt)}</Table.Td>
                      <Table.Td>
                        <Badge color={a.success ? 'teal' : 'red'} variant="light" tt="none">
                          {a.statusCode ?? t('waWebhooks.log.noAnswer')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{t('waWebhooks.log.ms', { ms: a.durationMs })}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere', maxWidth: 320 }}>
                        {a.error ? <Text size="xs">{a.error}</Text> : null}
                        {a.responseBody ? (
                          <Text size="xs" ff="monospace" c="dimmed">
                            {a.responseBody}
                          </Text>
                        ) : null}
                        {a.nextAttemptAt ? (
                          <Text size="xs" c="dimmed">
                            {t('waWebhooks.log.nextAt', { when: formatDateTime(a.nextAttemptAt) })}
                          </Text>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Text size="sm" fw={600}>
            {t('waWebhooks.log.payload')}
          </Text>
          <Code block style={{ maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {prettyJson(payload)}
          </Code>
          {canReplay ? (
            <Group>
              <Button size="xs" variant="light" loading={busy} onClick={() => void replay()}>
                {t(delivery.state === 'pending' ? 'waWebhooks.log.retryNow' : 'waWebhooks.log.replay')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      )}
    </LoadState>
  );
}
