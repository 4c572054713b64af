import { Alert, Button, Card, Code, CopyButton, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { numbersApi, type NumberList, type WaNumber } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { ConnectNumberModal } from './ConnectNumberModal';
import { NumberCard } from './NumberCard';
import { NumberSettingsModal } from './NumberSettingsModal';
import { RotateTokenModal } from './RotateTokenModal';
import { numberTitle } from './numberLabels';

/** Where a customer's own Meta app sends webhooks, for numbers connected with their own app secret. */
function WebhookInfo({ url }: { url: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="md" padding="md">
      <Title order={2} size="h5">
        {t('waNumbers.webhook.title')}
      </Title>
      <Text size="sm" c="dimmed" mt={4}>
        {t('waNumbers.webhook.intro')}
      </Text>
      <Group gap="xs" mt="xs">
        <Code style={{ overflowWrap: 'anywhere' }}>{url}</Code>
        <CopyButton value={url}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="light" onClick={copy}>
              {copied ? t('waNumbers.webhook.copied') : t('waNumbers.webhook.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Card>
  );
}

/** The customer's WhatsApp Business numbers: connect (or a simulator test number), re-check, rotate, disconnect. */
export function NumbersPage() {
  const { t } = useTranslation();
  const state = useApi((signal) => numbersApi.list(signal), 'numbers');
  const [connecting, setConnecting] = useState(false);
  const [simulating, setSimulating] = useState(false);
  const [rotating, setRotating] = useState<WaNumber | null>(null);
  const [editing, setEditing] = useState<WaNumber | null>(null);

  /** Puts a changed number into the loaded list (a new one first). */
  const upsert = (n: WaNumber) => {
    const current = state.data;
    if (!current) return state.reload();
    const exists = current.items.some((x) => x.id === n.id);
    const items = exists ? current.items.map((x) => (x.id === n.id ? n : x)) : [n, ...current.items];
    state.setData({ ...current, items: [...items.filter((x) => x.status !== 'disconnected'), ...items.filter((x) => x.status === 'disconnected')] });
  };

  const connectSimulator = async () => {
    setSimulating(true);
    try {
      const { number } = await numbersApi.connectSimulator();
      notifySuccess(t('waNumbers.simulator.done', { name: numberTitle(number) }));
      upsert(number);
    } catch (err) {
      notifyError(err);
    } finally {
      setSimulating(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('waNumbers.title')}
        description={t('waNumbers.intro')}
        actions={
          state.data?.whatsappAvailable ? (
            <Button onClick={() => setConnecting(true)}>{t('waNumbers.connect.open')}</Button>
          ) : undefined
        }
      />
      <LoadState {...state}>
        {(data: NumberList) => {
          const live = data.items.filter((n) => n.status !== 'disconnected');
          const old = data.items.filter((n) => n.status === 'disconnected');
          return (
            <Stack>
              {!data.whatsappAvailable ? (
                <Alert color="yellow" title={t('waNumbers.unavailable.title')}>
                  {t('waNumbers.unavailable.body')}
                </Alert>
              ) : null}
              {data.simulatorAvailable ? (
                <Alert color="blue" variant="light" title={t('waNumbers.simulator.title')}>
                  <Stack gap="xs" align="flex-start">
                    <Text size="sm">{t('waNumbers.simulator.body')}</Text>
                    <Button size="sm" variant="white" loading={simulating} onClick={() => void connectSimulator()}>
                      {t('waNumbers.simulator.button')}
                    </Button>
                  </Stack>
                </Alert>
              ) : null}
              {live.length === 0 ? <Text c="dimmed">{t('waNumbers.empty')}</Text> : null}
              {live.map((n) => (
                <NumberCard key={n.id} number={n} onChange={upsert} onRotate={setRotating} onSettings={setEditing} />
              ))}
              {live.length > 0 ? <WebhookInfo url={data.webhookUrl} /> : null}
              {old.length > 0 ? (
                <Stack gap="xs" mt="md">
                  <Title order={2} size="h5" c="dimmed">
                    {t('waNumbers.disconnectedTitle')}
                  </Title>
                  {old.map((n) => (
                    <NumberCard key={n.id} number={n} onChange={upsert} onRotate={setRotating} onSettings={setEditing} />
                  ))}
                </Stack>
              ) : null}
            </Stack>
          );
        }}
      </LoadState>
      <ConnectNumberModal
        opened={connecting}
        onClose={() => setConnecting(false)}
        onConnected={(n) => {
          setConnecting(false);
          upsert(n);
        }}
      />
      {rotating ? (
        <RotateTokenModal
          number={rotating}
          onClose={() => setRotating(null)}
          onDone={(n) => {
            setRotating(null);
            upsert(n);
          }}
        />
      ) : null}
      {editing ? (
        <NumberSettingsModal
          number={editing}
          onClose={() => setEditing(null)}
          onDone={(n) => {
            setEditing(null);
            upsert(n);
          }}
        />
      ) : null}
    </>
  );
}
