import { Alert, Anchor, Button, Card, Grid, Group, Select, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { phoneApi, type PhoneChat as Chat } from '../../../api/whatsapp-inbox';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime } from '../../../lib/format';
import { PhoneChat } from './PhoneChat';

const LIST_REFRESH_MS = 5000;

/** Starts a chat as a new simulated person: their number and the name their WhatsApp shows. */
function NewChatForm({ onStart }: { onStart: (waId: string, name: string) => void }) {
  const { t } = useTranslation();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const digits = phone.replace(/[^0-9]/g, '');
  const waId = digits.length === 10 ? `91${digits}` : digits;
  return (
    <form
      aria-label={t('waPhone.newChat')}
      onSubmit={(e) => {
        e.preventDefault();
        if (waId.length >= 8) onStart(waId, name.trim());
      }}
    >
      <Stack gap="xs">
        <TextInput size="sm" label={t('waPhone.personNumber')} description={t('waPhone.personNumberHint')} type="tel" maxLength={20} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
        <TextInput size="sm" label={t('waPhone.personName')} maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button type="submit" size="sm" variant="light" disabled={waId.length < 8}>
          {t('waPhone.startChat')}
        </Button>
      </Stack>
    </form>
  );
}

function ChatList({ chats, selected, onSelect }: { chats: Chat[]; selected: string | null; onSelect: (c: Chat) => void }) {
  const { t } = useTranslation();
  if (!chats.length) {
    return (
      <Text size="sm" c="dimmed">
        {t('waPhone.noChats')}
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      {chats.map((c) => (
        <UnstyledButton key={c.waId} onClick={() => onSelect(c)} aria-current={selected === c.waId ? 'true' : undefined}>
          <Card padding="xs" radius="sm" withBorder bg={selected === c.waId ? 'gray.1' : undefined}>
            <Text size="sm" fw={600}>
              {c.profileName}
            </Text>
            <Text size="xs" c="dimmed">
              +{c.waId} · {formatDateTime(c.lastMessageAt)}
            </Text>
          </Card>
        </UnstyledButton>
      ))}
    </Stack>
  );
}

/**
 * "Be the phone": for a number in the built-in simulator, see what a simulated WhatsApp user received
 * and answer as them; the answer reaches the platform as Meta's signed inbound webhook.
 */
export function PhonePage() {
  const { t } = useTranslation();
  const numbers = useApi((signal) => phoneApi.numbers(signal), 'phone-numbers');
  const [numberId, setNumberId] = useState<string | null>(null);
  const [person, setPerson] = useState<{ waId: string; name: string } | null>(null);
  const activeNumber = numberId ?? numbers.data?.items[0]?.id ?? null;
  const chats = useApi((signal) => (activeNumber ? phoneApi.chats(activeNumber, signal) : Promise.resolve({ items: [] })), `chats:${activeNumber}`);
  const reloadChats = chats.reload;

  useEffect(() => {
    const timer = window.setInterval(reloadChats, LIST_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reloadChats]);

  return (
    <>
      <PageHeader title={t('waPhone.title')} description={t('waPhone.intro')} />
      <LoadState data={numbers.data} error={numbers.error} loading={numbers.loading} reload={numbers.reload}>
        {(n) =>
          !n.available ? (
            <Alert color="yellow">{t('waPhone.unavailable')}</Alert>
          ) : n.items.length === 0 ? (
            <Alert color="blue">
              {t('waPhone.noNumbers')}{' '}
              <Anchor component={Link} to="/whatsapp/numbers">
                {t('waPhone.goNumbers')}
              </Anchor>
            </Alert>
          ) : (
            <Grid>
              <Grid.Col span={{ base: 12, md: 4 }}>
                <Stack gap="sm">
                  <Select
                    label={t('waPhone.number')}
                    value={activeNumber}
                    allowDeselect={false}
                    onChange={(v) => {
                      setNumberId(v);
                      setPerson(null);
                    }}
                    data={n.items.map((x) => ({ value: x.id, label: [x.label, x.displayPhoneNumber].filter(Boolean).join(' · ') }))}
                  />
                  <LoadState data={chats.data} error={chats.error} loading={chats.loading} reload={reloadChats}>
                    {(c) => <ChatList chats={c.items} selected={person?.waId ?? null} onSelect={(x) => setPerson({ waId: x.waId, name: x.profileName })} />}
                  </LoadState>
                  <Card withBorder radius="md" padding="sm">
                    <NewChatForm onStart={(waId, name) => setPerson({ waId, name })} />
                  </Card>
                </Stack>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 8 }}>
                {activeNumber && person ? (
                  <PhoneChat
                    key={`${activeNumber}:${person.waId}`}
                    numberId={activeNumber}
                    waId={person.waId}
                    chat={chats.data?.items.find((c) => c.waId === person.waId)}
                    profileName={person.name || undefined}
                    onSent={reloadChats}
                  />
                ) : (
                  <Group>
                    <Text c="dimmed">{t('waPhone.pick')}</Text>
                  </Group>
                )}
              </Grid.Col>
            </Grid>
          )
        }
      </LoadState>
    </>
  );
}
