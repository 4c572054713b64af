import { Alert, Anchor, Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { supportApi, type Attachment, type CustomerTicket } from '../../api/support';
import { FormError } from '../../components/FormError';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { RefreshButton } from '../../components/RefreshButton';
import { useApi } from '../../hooks/useApi';
import { useSubmit } from '../../hooks/useSubmit';
import { notifyError, notifySuccess } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { AttachmentPicker } from './AttachmentPicker';
import { GrievanceOfficerCard } from './GrievanceOfficerCard';
import { Thread } from './Thread';
import { TicketStateBadge } from './TicketStateBadge';

function ReplyForm({ view, onDone }: { view: CustomerTicket; onDone: (v: CustomerTicket) => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const send = useSubmit(async () => {
    const next = await supportApi.reply(view.ticket.id, body.trim(), files.map((f) => f.id));
    setBody('');
    setFiles([]);
    notifySuccess(t('support.ticket.replySent'));
    onDone(next);
  });
  return (
    <Card withBorder radius="md" padding="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!body.trim()) setProblem(t('support.ticket.replyMissing'));
          else void send.run();
        }}
      >
        <Stack>
          <FormError error={send.error} />
          <Textarea
            label={t('support.ticket.reply')}
            value={body}
            onChange={(e) => {
              setBody(e.currentTarget.value);
              setProblem(null);
            }}
            maxLength={5000}
            autosize
            minRows={3}
            error={problem}
          />
          <AttachmentPicker value={files} onChange={setFiles} disabled={send.busy} />
          <Button type="submit" loading={send.busy} w={{ base: '100%', xs: 'auto' }}>
            {t('support.ticket.send')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

/** One of the customer's tickets: the conversation, a reply, and reopen / mark solved. */
export function TicketPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const state = useApi((signal) => supportApi.get(id, signal), id);
  const [busy, setBusy] = useState(false);

  const act = async (action: 'reopen' | 'resolve') => {
    setBusy(true);
    try {
      state.setData(await supportApi[action](id));
      notifySuccess(t(action === 'reopen' ? 'support.ticket.reopened' : 'support.ticket.resolvedNotice'));
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={state.data ? state.data.ticket.subject : t('support.ticket.title')}
        description={
          <Anchor component={Link} to="/support" size="sm">
            {t('support.back')}
          </Anchor>
        }
        actions={
          <RefreshButton state={state} />
        }
      />
      <LoadState {...state}>
        {(view) => {
          const tk = view.ticket;
          return (
            <Stack gap="lg">
              <Group gap="sm">
                <TicketStateBadge state={tk.state} />
                <Text size="sm" c="dimmed">
                  {tk.reference} · {t(`support.categories.${tk.category}`)}
                  {tk.link ? ` · ${t(`support.linkTypes.${tk.link.type}`)} ${tk.link.id}` : ''}
                </Text>
              </Group>
              {tk.state === 'waiting_on_customer' ? (
                <Alert color="orange" title={t('support.ticket.waitingTitle')}>
                  {t('support.ticket.waitingBody')}
                </Alert>
              ) : null}
              <Title order={2} size="h4">
                {t('support.thread.title')}
              </Title>
              <Thread messages={view.messages} events={view.events} viewer="customer" />
              {tk.canReply ? <ReplyForm view={view} onDone={state.setData} /> : null}
              {tk.state === 'resolved' ? (
                <Alert color="teal" title={t('support.ticket.resolvedTitle')}>
                  <Stack gap="sm" align="flex-start">
                    <Text size="sm">
                      {tk.canReopen ? t('support.ticket.reopenUntil', { date: formatDate(tk.reopenUntil) }) : t('support.ticket.reopenOver')}
                    </Text>
                    {tk.canReopen ? (
                      <Button size="sm" variant="white" color="teal" loading={busy} onClick={() => void act('reopen')}>
                        {t('support.ticket.reopen')}
                      </Button>
                    ) : null}
                  </Stack>
                </Alert>
              ) : null}
              {tk.state === 'closed' ? (
                <Alert color="gray" title={t('support.ticket.closedTitle')}>
                  <Group gap="xs">
                    <Text size="sm">{t('support.ticket.closedBody')}</Text>
                    <Anchor component={Link} to="/support/new" size="sm">
                      {t('support.newTicket')}
                    </Anchor>
                  </Group>
                </Alert>
              ) : null}
              {tk.canResolve ? (
                <Group>
                  <Button variant="default" loading={busy} onClick={() => void act('resolve')} w={{ base: '100%', xs: 'auto' }}>
                    {t('support.ticket.markSolved')}
                  </Button>
                </Group>
              ) : null}
              <GrievanceOfficerCard />
            </Stack>
          );
        }}
      </LoadState>
    </>
  );
}
