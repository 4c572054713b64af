import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { webhooksApi, type EndpointList, type WebhookEndpoint } from '../../../api/whatsapp-webhooks';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { DeliveryLog } from './DeliveryLog';
import { EndpointFormModal } from './EndpointFormModal';
import { EndpointStatusBadge } from './EndpointStatusBadge';
import { ReplayModal } from './ReplayModal';
import { SecretModal } from './SecretModal';
import { useEventTypeLabel, useNumbersText } from './labels';

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

interface Loaded {
  endpoint: WebhookEndpoint;
  list: EndpointList;
}

/** One endpoint: its settings and health, the actions (test, edit, secret, enable, replay, delete) and its delivery log. */
export function EndpointDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const confirm = useConfirm();
  const typeLabel = useEventTypeLabel();
  const numbersText = useNumbersText();
  const state = useApi<Loaded>(async (signal) => {
    const [{ endpoint }, list] = await Promise.all([webhooksApi.get(id, signal), webhooksApi.list(signal)]);
    return { endpoint, list };
  }, `webhook:${id}`);
  const [editing, setEditing] = useState(false);
  const [replaying, setReplaying] = useState(false);
  const [secret, setSecret] = useState<{ value: string; kind: 'rotated' | 'revealed' } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [logKey, setLogKey] = useState(0);

  const update = (endpoint: WebhookEndpoint) => state.data && state.setData({ ...state.data, endpoint });

  const act = async (name: string, action: () => Promise<void>) => {
    setBusy(name);
    try {
      await action();
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <LoadState {...state}>
      {({ endpoint, list }) => {
        const enabled = endpoint.status === 'enabled';
        return (
          <>
            <PageHeader
              title={t('waWebhooks.detail.title')}
              description={
                <Anchor component={Link} to="/whatsapp/webhooks" size="sm">
                  {t('waWebhooks.detail.back')}
                </Anchor>
              }
            />
            <Stack>
              {endpoint.status === 'disabled' && endpoint.disabledReason !== 'manual' ? (
                <Alert color="red" variant="light" title={t(`waWebhooks.disabled.${endpoint.disabledReason ?? 'manual'}`)}>
                  {t(`waWebhooks.detail.disabledWhy.${endpoint.disabledReason ?? 'manual'}`)}
                </Alert>
              ) : null}
              <Card withBorder radius="md" padding="md">
                <Stack gap="sm">
                  <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
                    <Title order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>
                      {endpoint.url}
                    </Title>
                    <EndpointStatusBadge endpoint={endpoint} />
                  </Group>
                  {endpoint.description ? <Text size="sm">{endpoint.description}</Text> : null}
                  <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
                    <Fact label={t('waWebhooks.fields.eventTypes')} value={endpoint.eventTypes.map(typeLabel).join(', ')} />
                    <Fact label={t('waWebhooks.fields.numbers')} value={numbersText(endpoint, list.numbers)} />
                    <Fact label={t('waWebhooks.fields.format')} value={t(`waWebhooks.format.${endpoint.format}`)} />
                    <Fact label={t('waWebhooks.detail.lastSuccess')} value={formatDateTime(endpoint.lastSuccessAt)} />
                    <Fact label={t('waWebhooks.detail.lastFailure')} value={formatDateTime(endpoint.lastFailureAt)} />
                    <Fact label={t('waWebhooks.detail.failingSince')} value={formatDateTime(endpoint.failingSince)} />
                    <Fact label={t('waWebhooks.detail.pending')} value={String(endpoint.pendingDeliveries)} />
                    <Fact label={t('waWebhooks.detail.secretRotated')} value={formatDateTime(endpoint.secretRotatedAt)} />
                    <Fact label={t('waWebhooks.detail.created')} value={formatDateTime(endpoint.createdAt)} />
                  </SimpleGrid>
                  {endpoint.previousSecretExpiresAt ? (
                    <Text size="xs" c="dimmed">
                      {t('waWebhooks.detail.previousSecret', { when: formatDateTime(endpoint.previousSecretExpiresAt) })}
                    </Text>
                  ) : null}
                  <Group gap="xs">
                    <Button
                      size="xs"
                      disabled={!enabled}
                      loading={busy === 'test'}
                      onClick={() =>
                        void act('test', async () => {
                          await webhooksApi.test(endpoint.id);
                          notifySuccess(t('waWebhooks.detail.testQueued'));
                          setLogKey((k) => k + 1);
                        })
                      }
                    >
                      {t('waWebhooks.detail.test')}
                    </Button>
                    <Button size="xs" variant="light" onClick={() => setEditing(true)}>
                      {t('waWebhooks.detail.edit')}
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      loading={busy === 'reveal'}
                      onClick={() =>
                        void act('reveal', async () => {
                          const { secret: value } = await webhooksApi.secret(endpoint.id);
                          setSecret({ value, kind: 'revealed' });
                        })
                      }
                    >
                      {t('waWebhooks.detail.reveal')}
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() =>
                        confirm({
                          title: t('waWebhooks.rotate.title'),
                          body: t('waWebhooks.rotate.body'),
                          confirmLabel: t('waWebhooks.rotate.confirm'),
                          onConfirm: () =>
                            act('rotate', async () => {
                              const rotated = await webhooksApi.rotateSecret(endpoint.id);
                              update(rotated.endpoint);
                              setSecret({ value: rotated.secret, kind: 'rotated' });
                            }),
                        })
                      }
                    >
                      {t('waWebhooks.detail.rotate')}
                    </Button>
                    <Button size="xs" variant="light" disabled={!enabled} onClick={() => setReplaying(true)}>
                      {t('waWebhooks.detail.replay')}
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      color={enabled ? 'orange' : 'teal'}
                      loading={busy === 'toggle'}
                      onClick={() =>
                        void act('toggle', async () => {
                          const { endpoint: changed } = await webhooksApi.setEnabled(endpoint.id, !enabled);
                          update(changed);
                          notifySuccess(t(enabled ? 'waWebhooks.detail.disabledDone' : 'waWebhooks.detail.enabledDone'));
                          setLogKey((k) => k + 1);
                        })
                      }
                    >
                      {t(enabled ? 'waWebhooks.detail.disable' : 'waWebhooks.detail.enable')}
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() =>
                        confirm({
                          title: t('waWebhooks.remove.title'),
                          body: t('waWebhooks.remove.body', { url: endpoint.url }),
                          confirmLabel: t('waWebhooks.remove.confirm'),
                          danger: true,
                          onConfirm: () =>
                            act('remove', async () => {
                              await webhooksApi.remove(endpoint.id);
                              notifySuccess(t('waWebhooks.remove.done'));
                              void navigate('/whatsapp/webhooks');
                            }),
                        })
                      }
                    >
                      {t('waWebhooks.detail.delete')}
                    </Button>
                  </Group>
                </Stack>
              </Card>
              <Title order={2} size="h4">
                {t('waWebhooks.log.title')}
              </Title>
              <DeliveryLog endpointId={endpoint.id} canReplay={enabled} refreshKey={logKey} />
            </Stack>
            {editing ? (
              <EndpointFormModal
                opened
                endpoint={endpoint}
                eventTypes={list.eventTypes}
                numbers={list.numbers.filter((n) => n.status !== 'disconnected' || endpoint.numberIds?.includes(n.id))}
                onClose={() => setEditing(false)}
                onSaved={({ endpoint: saved }) => {
                  setEditing(false);
                  update(saved);
                  notifySuccess(t('waWebhooks.form.saved'));
                }}
              />
            ) : null}
            {replaying ? (
              <ReplayModal
                endpointId={endpoint.id}
                onClose={() => setReplaying(false)}
                onQueued={() => {
                  setReplaying(false);
                  setLogKey((k) => k + 1);
                }}
              />
            ) : null}
            {secret ? <SecretModal secret={secret.value} kind={secret.kind} onClose={() => setSecret(null)} /> : null}
          </>
        );
      }}
    </LoadState>
  );
}
