import { Anchor, Button, Code, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { webhooksApi } from '../../../api/whatsapp-webhooks';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { EndpointCard } from './EndpointCard';
import { EndpointFormModal } from './EndpointFormModal';
import { SecretModal } from './SecretModal';

/** The customer's webhook endpoints: add one (its secret is shown), open one for its log and actions. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const state = useApi((signal) => webhooksApi.list(signal), 'webhooks');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);

  return (
    <>
      <PageHeader title={t('waWebhooks.title')} description={t('waWebhooks.intro')} actions={<Button onClick={() => setCreating(true)}>{t('waWebhooks.add')}</Button>} />
      <LoadState {...state}>
        {(data) => (
          <Stack>
            <Text size="sm" c="dimmed">
              {t('waWebhooks.howTo')}: <Code>webhook-id</Code>, <Code>webhook-timestamp</Code>, <Code>webhook-signature</Code> (
              <Anchor href="https://www.standardwebhooks.com" target="_blank" rel="noreferrer">
                standardwebhooks.com
              </Anchor>
              ).
            </Text>
            {data.items.length === 0 ? <Text c="dimmed">{t('waWebhooks.empty')}</Text> : null}
            {data.items.map((e) => (
              <EndpointCard key={e.id} endpoint={e} numbers={data.numbers} />
            ))}
            {creating ? (
              <EndpointFormModal
              opened
              eventTypes={data.eventTypes}
              numbers={data.numbers.filter((n) => n.status !== 'disconnected')}
              onClose={() => setCreating(false)}
              onSaved={({ endpoint, secret }) => {
                setCreating(false);
                state.setData({ ...data, items: [...data.items, endpoint] });
                if (secret) setCreated({ id: endpoint.id, secret });
              }}
              />
            ) : null}
          </Stack>
        )}
      </LoadState>
      {created ? (
        <SecretModal
          secret={created.secret}
          kind="created"
          onClose={() => {
            const id = created.id;
            setCreated(null);
            void navigate(`/whatsapp/webhooks/${id}`);
          }}
        />
      ) : null}
    </>
  );
}
