import { Anchor, Button, Card, Group, Stack, TagsInput, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { contactsApi, type ContactDetail } from '../../../api/whatsapp-inbox';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { ConsentCard } from './ConsentCard';

/** "ui:paper_form" → "Web app · paper form": where a consent record came from and how it was given. */
function useSourceLabel() {
  const { t } = useTranslation();
  return (source: string) => {
    const [channel = source, method] = source.split(':');
    const where = t(`waContacts.sources.${channel}`, channel);
    return method ? `${where} · ${method.replace(/_/g, ' ')}` : where;
  };
}

function DetailsForm({ d, onSaved }: { d: ContactDetail; onSaved: (d: ContactDetail) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(d.contact.name ?? '');
  const [tags, setTags] = useState(d.contact.tags);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setName(d.contact.name ?? '');
    setTags(d.contact.tags);
  }, [d.contact.name, d.contact.tags]);
  const save = async () => {
    setBusy(true);
    try {
      const { contact } = await contactsApi.update(d.contact.id, { name: name.trim() || null, tags });
      notifySuccess(t('waContacts.saved'));
      onSaved({ ...d, contact });
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder radius="md" padding="md">
      <form
        aria-label={t('waContacts.detailsTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {d.contact.displayNumber}
            {d.contact.profileName ? ` · ${t('waContacts.profileName', { name: d.contact.profileName })}` : ''}
          </Text>
          <TextInput label={t('waContacts.fields.name')} maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TagsInput label={t('waContacts.fields.tags')} maxTags={20} value={tags} onChange={setTags} />
          <Group>
            <Button type="submit" loading={busy} variant="light">
              {t('common.save')}
            </Button>
            <Anchor component={Link} to={`/whatsapp/messages?waId=${d.contact.waId}`} size="sm">
              {t('waContacts.messages')}
            </Anchor>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function Body({ d, setData }: { d: ContactDetail; setData: (d: ContactDetail) => void }) {
  const { t } = useTranslation();
  const sourceLabel = useSourceLabel();
  const confirm = useConfirm();
  const navigate = useNavigate();
  const reloadDetail = async () => setData(await contactsApi.get(d.contact.id));
  return (
    <Stack gap="md">
      <DetailsForm d={d} onSaved={setData} />
      <ConsentCard contact={d.contact} onChanged={() => void reloadDetail()} />
      <Card withBorder radius="md" padding="md" component="section" aria-label={t('waContacts.historyTitle')}>
        <Title order={2} size="h5" mb="sm">
          {t('waContacts.historyTitle')}
        </Title>
        {d.history.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('waContacts.noHistory')}
          </Text>
        ) : (
          <Timeline bulletSize={12} lineWidth={2}>
            {d.history.map((h) => (
              <Timeline.Item key={h.id} color={h.action === 'opt_out' || h.action === 'marketing_stop' ? 'red' : 'teal'} title={<Text size="sm" fw={600}>{t(`waContacts.actionsDone.${h.action}`)}</Text>}>
                <Stack gap={2}>
                  <Text size="xs" c="dimmed">
                    {formatDateTime(h.occurredAt)} · {sourceLabel(h.source)} · {t(`waContacts.actors.${h.actorType}`, h.actorType)}
                  </Text>
                  {h.evidence ? (
                    <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                      {h.evidence}
                    </Text>
                  ) : null}
                  {h.documentRef ? <Text size="xs">{t('waContacts.proof.documentRef')}: {h.documentRef}</Text> : null}
                  {h.ip ? <Text size="xs">{t('waContacts.proof.ip')}: {h.ip}</Text> : null}
                  {h.messageId ? (
                    <Anchor component={Link} to={`/whatsapp/messages/${h.messageId}`} size="xs">
                      {t('waContacts.viewMessage')}
                    </Anchor>
                  ) : null}
                </Stack>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Card>
      <Card withBorder radius="md" padding="md">
        <Title order={2} size="h5" mb="xs">
          {t('waContacts.windowsTitle')}
        </Title>
        {d.windows.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('waContacts.noWindows')}
          </Text>
        ) : (
          d.windows.map((w) => (
            <Text key={w.numberId} size="sm">
              {[w.label, w.number].filter(Boolean).join(' · ')}:{' '}
              {w.open ? t('waContacts.windowOpen', { until: formatDateTime(w.openUntil) }) : t('waContacts.windowClosed', { at: formatDateTime(w.lastInboundAt) })}
            </Text>
          ))
        )}
      </Card>
      <Group>
        <Button
          color="red"
          variant="subtle"
          onClick={() =>
            confirm({
              title: t('waContacts.delete.title'),
              body: t('waContacts.delete.body'),
              confirmLabel: t('waContacts.delete.confirm'),
              danger: true,
              onConfirm: async () => {
                try {
                  await contactsApi.remove(d.contact.id);
                  notifySuccess(t('waContacts.delete.done'));
                  void navigate('/whatsapp/contacts');
                } catch (err) {
                  notifyError(err);
                }
              },
            })
          }
        >
          {t('waContacts.delete.open')}
        </Button>
      </Group>
    </Stack>
  );
}

/** One contact: details and tags, consent with its proof and history, and the customer-service windows. */
export function ContactDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const state = useApi((signal) => contactsApi.get(id, signal), id);
  const c = state.data?.contact;
  return (
    <>
      <Anchor component={Link} to="/whatsapp/contacts" size="sm">
        ← {t('waContacts.back')}
      </Anchor>
      <PageHeader title={c ? (c.name ?? c.profileName ?? c.displayNumber) : t('waContacts.title')} />
      <LoadState data={state.data} error={state.error} loading={state.loading} reload={state.reload}>
        {(d) => <Body d={d} setData={state.setData} />}
      </LoadState>
    </>
  );
}
