import { Badge, Button, Card, Center, Group, Select, SimpleGrid, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { contactsApi, type Contact, type ConsentFilter } from '../../../api/whatsapp-inbox';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useCursorFeed } from '../../../hooks/useCursorFeed';
import { notifySuccess } from '../../../lib/errors';
import { AddContactModal } from './AddContactModal';
import { ConsentBadge } from './ConsentBadge';
import { ImportContactsModal } from './ImportContactsModal';

function ContactCard({ c }: { c: Contact }) {
  const { t } = useTranslation();
  const title = c.name ?? c.profileName ?? c.displayNumber;
  return (
    <UnstyledButton component={Link} to={`/whatsapp/contacts/${c.id}`} aria-label={t('waContacts.open', { name: title })} style={{ display: 'block' }}>
      <Card withBorder radius="md" padding="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {title}
            </Text>
            <Text size="xs" c="dimmed">
              {c.displayNumber}
              {c.profileName && c.name ? ` · ${c.profileName}` : ''}
            </Text>
            {c.tags.length ? (
              <Group gap={4}>
                {c.tags.map((tag) => (
                  <Badge key={tag} size="xs" variant="outline">
                    {tag}
                  </Badge>
                ))}
              </Group>
            ) : null}
          </Stack>
          <ConsentBadge consent={c.consent} />
        </Group>
      </Card>
    </UnstyledButton>
  );
}

/** The customer's WhatsApp contacts with their consent: search, filter, add, import. */
export function ContactsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [consent, setConsent] = useState<ConsentFilter | ''>('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 300);
  const [debouncedTag] = useDebouncedValue(tag.trim(), 300);
  const [adding, add] = useDisclosure(false);
  const [importing, imp] = useDisclosure(false);
  const [nonce, setNonce] = useState(0);
  const query = { q: debouncedQ, tag: debouncedTag, consent };
  const feed = useCursorFeed<Contact, string>(async (cursor, signal) => {
    const page = await contactsApi.list(query, cursor, signal);
    return { items: page.items, nextBefore: page.nextCursor };
  }, `${JSON.stringify(query)}:${nonce}`);

  return (
    <>
      <PageHeader
        title={t('waContacts.title')}
        description={t('waContacts.intro')}
        actions={
          <Group gap="xs">
            <Button onClick={add.open}>{t('waContacts.add.open')}</Button>
            <Button variant="default" onClick={imp.open}>
              {t('waContacts.import.open')}
            </Button>
          </Group>
        }
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" mb="md">
        <TextInput label={t('waContacts.search')} value={q} maxLength={100} onChange={(e) => setQ(e.currentTarget.value)} />
        <TextInput label={t('waContacts.fields.tag')} value={tag} maxLength={40} onChange={(e) => setTag(e.currentTarget.value)} />
        <Select
          label={t('waContacts.consentFilter')}
          value={consent}
          allowDeselect={false}
          onChange={(v) => setConsent((v ?? '') as ConsentFilter | '')}
          data={[
            { value: '', label: t('common.any') },
            ...(['opted_in', 'opted_out', 'no_opt_in', 'marketing_stopped'] as const).map((s) => ({ value: s, label: t(`waContacts.consent.${s === 'marketing_stopped' ? 'marketingStopped' : s}`) })),
          ]}
        />
      </SimpleGrid>
      <LoadState data={feed.loading ? undefined : feed.items} error={feed.error} loading={feed.loading} reload={feed.reload}>
        {(items) =>
          items.length === 0 ? (
            <Text c="dimmed">{q || tag || consent ? t('waContacts.emptyFiltered') : t('waContacts.empty')}</Text>
          ) : (
            <Stack gap="xs">
              {items.map((c) => (
                <ContactCard key={c.id} c={c} />
              ))}
              <Center mt="sm">
                {feed.hasMore ? (
                  <Button variant="light" loading={feed.loadingMore} onClick={feed.loadMore}>
                    {t('common.loadMore')}
                  </Button>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t('common.noMore')}
                  </Text>
                )}
              </Center>
            </Stack>
          )
        }
      </LoadState>
      <AddContactModal
        opened={adding}
        onClose={add.close}
        onAdded={(c) => {
          add.close();
          notifySuccess(t('waContacts.add.done'));
          void navigate(`/whatsapp/contacts/${c.id}`);
        }}
      />
      <ImportContactsModal opened={importing} onClose={imp.close} onImported={() => setNonce((n) => n + 1)} />
    </>
  );
}
