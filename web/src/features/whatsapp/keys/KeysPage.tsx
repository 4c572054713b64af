import { Button, Code, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keysApi, numbersApi, type ApiKey, type WaNumber } from '../../../api/whatsapp-account';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { CreateKeyModal } from './CreateKeyModal';
import { KeyCard } from './KeyCard';
import { KeySecretModal } from './KeySecretModal';
import { KeyUsageModal } from './KeyUsageModal';

interface Loaded {
  keys: ApiKey[];
  limit: number;
  numbers: WaNumber[];
}

/** The customer's API keys: create (shown once), list, usage, revoke. */
export function KeysPage() {
  const { t } = useTranslation();
  const state = useApi<Loaded>(async (signal) => {
    const [keys, numbers] = await Promise.all([keysApi.list(signal), numbersApi.list(signal)]);
    return { keys: keys.items, limit: keys.limit, numbers: numbers.items };
  }, 'keys');
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const [usage, setUsage] = useState<ApiKey | null>(null);

  const replace = (k: ApiKey) => {
    if (!state.data) return state.reload();
    const exists = state.data.keys.some((x) => x.id === k.id);
    state.setData({ ...state.data, keys: exists ? state.data.keys.map((x) => (x.id === k.id ? k : x)) : [k, ...state.data.keys] });
  };

  return (
    <>
      <PageHeader title={t('waKeys.title')} description={t('waKeys.intro')} actions={<Button onClick={() => setCreating(true)}>{t('waKeys.create.open')}</Button>} />
      <LoadState {...state}>
        {(data) => {
          const usable = data.keys.filter((k) => k.state === 'active');
          const ended = data.keys.filter((k) => k.state !== 'active');
          const live = data.numbers.filter((n) => n.status !== 'disconnected');
          return (
            <Stack>
              <Text size="sm" c="dimmed">
                {t('waKeys.howTo')} <Code>Authorization: Bearer sk_…</Code>
              </Text>
              <Text size="xs" c="dimmed" role="status">
                {t('waKeys.count', { n: usable.length, limit: data.limit })}
              </Text>
              {usable.length === 0 ? <Text c="dimmed">{t('waKeys.empty')}</Text> : null}
              {usable.map((k) => (
                <KeyCard key={k.id} apiKey={k} numbers={data.numbers} onChange={replace} onUsage={setUsage} />
              ))}
              {ended.length > 0 ? (
                <Stack gap="xs" mt="md">
                  <Title order={2} size="h5" c="dimmed">
                    {t('waKeys.endedTitle')}
                  </Title>
                  {ended.map((k) => (
                    <KeyCard key={k.id} apiKey={k} numbers={data.numbers} onChange={replace} onUsage={setUsage} />
                  ))}
                </Stack>
              ) : null}
              <CreateKeyModal
                opened={creating}
                numbers={live}
                onClose={() => setCreating(false)}
                onCreated={({ key, secret }) => {
                  setCreating(false);
                  replace(key);
                  setShown({ name: key.name, secret });
                }}
              />
            </Stack>
          );
        }}
      </LoadState>
      {shown ? <KeySecretModal name={shown.name} secret={shown.secret} onClose={() => setShown(null)} /> : null}
      {usage ? <KeyUsageModal apiKey={usage} onClose={() => setUsage(null)} /> : null}
    </>
  );
}
