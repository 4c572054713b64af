import { Anchor, Badge, Button, Card, Grid, Group, SegmentedControl, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { PRIORITIES, staffSupportApi, type Attachment, type Priority, type StaffTicket, type TicketState } from '../../../api/support';
import { FormError } from '../../../components/FormError';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { RefreshButton } from '../../../components/RefreshButton';
import { useApi } from '../../../hooks/useApi';
import { useSubmit } from '../../../hooks/useSubmit';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime, formatMobile } from '../../../lib/format';
import { AttachmentPicker } from '../AttachmentPicker';
import { Thread } from '../Thread';
import { PriorityBadge, TicketStateBadge } from '../TicketStateBadge';

type Mode = 'reply' | 'note';
type After = '' | 'waiting_on_customer' | 'resolved';

function Composer({ view, onDone }: { view: StaffTicket; onDone: (v: StaffTicket) => void }) {
  const { t } = useTranslation();
  const canReply = view.ticket.canReply;
  const [mode, setMode] = useState<Mode>(canReply ? 'reply' : 'note');
  const [body, setBody] = useState('');
  const [after, setAfter] = useState<After>('');
  const [files, setFiles] = useState<Attachment[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const send = useSubmit(async () => {
    const next = await staffSupportApi.reply(view.ticket.id, {
      body: body.trim(),
      ...(mode === 'note' ? { internal: true } : {}),
      ...(mode === 'reply' && after ? { state: after } : {}),
      attachmentIds: files.map((f) => f.id),
    });
    setBody('');
    setFiles([]);
    setAfter('');
    notifySuccess(t(mode === 'note' ? 'support.staff.noteAdded' : 'support.ticket.replySent'));
    onDone(next);
  });
  const moves = (['waiting_on_customer', 'resolved'] as const).filter((s) => view.ticket.allowedStates.includes(s));
  return (
    <Card withBorder radius="md" padding="lg" bg={mode === 'note' ? 'yellow.0' : undefined}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!body.trim()) setProblem(t('support.ticket.replyMissing'));
          else void send.run();
        }}
      >
        <Stack>
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v === 'note' ? 'note' : 'reply')}
            data={[
              { value: 'reply', label: t('support.staff.replyMode'), disabled: !canReply },
              { value: 'note', label: t('support.staff.noteMode') },
            ]}
          />
          <Text size="xs" c="dimmed">
            {t(mode === 'note' ? 'support.staff.noteHint' : 'support.staff.replyHint')}
          </Text>
          <FormError error={send.error} />
          <Textarea
            label={t(mode === 'note' ? 'support.staff.note' : 'support.ticket.reply')}
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
          {mode === 'reply' && moves.length ? (
            <Select
              label={t('support.staff.afterSending')}
              value={after}
              allowDeselect={false}
              onChange={(v) => setAfter(v === 'waiting_on_customer' || v === 'resolved' ? v : '')}
              data={[{ value: '', label: t('support.staff.keepState') }, ...moves.map((s) => ({ value: s, label: t(`support.states.${s}`) }))]}
            />
          ) : null}
          <Button type="submit" loading={send.busy} color={mode === 'note' ? 'yellow' : undefined} w={{ base: '100%', xs: 'auto' }}>
            {t(mode === 'note' ? 'support.staff.addNote' : 'support.ticket.send')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={120} style={{ flexShrink: 0 }}>
        {label}
      </Text>
      <div style={{ minWidth: 0, wordBreak: 'break-word', fontSize: 'var(--mantine-font-size-sm)' }}>{children}</div>
    </Group>
  );
}

function Controls({ view, assignees, onDone }: { view: StaffTicket; assignees: { id: string; name: string }[]; onDone: (v: StaffTicket) => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const tk = view.ticket;
  const closed = tk.state === 'closed';
  const run = async (action: () => Promise<StaffTicket>, done: string) => {
    setBusy(true);
    try {
      onDone(await action());
      notifySuccess(done);
    } catch (err) {
      notifyError(err);
    } finally {
      setBusy(false);
    }
  };
  const moveLabel = (s: TicketState) => t(tk.state === 'resolved' && s === 'open' ? 'support.staff.reopen' : `support.staff.moveTo.${s}`);
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Row label={t('support.staff.customer')}>
          <Text size="sm" fw={600}>
            {tk.customer.name}
          </Text>
          <Text size="xs">{tk.customer.email}</Text>
          <Text size="xs">{formatMobile(tk.customer.mobile)}</Text>
        </Row>
        <Row label={t('support.staff.category')}>{t(`support.categories.${tk.category}`)}</Row>
        {tk.link ? (
          <Row label={t(`support.linkTypes.${tk.link.type}`)}>
            <Text size="xs" ff="monospace">
              {tk.link.id}
            </Text>
          </Row>
        ) : null}
        <Row label={t('support.staff.opened')}>{formatDateTime(tk.createdAt)}</Row>
        <Row label={t('support.staff.firstResponse')}>
          {tk.sla.firstRespondedAt ? (
            formatDateTime(tk.sla.firstRespondedAt)
          ) : (
            <Group gap={6}>
              <span>{t('support.staff.dueBy', { time: formatDateTime(tk.sla.firstResponseDueAt) })}</span>
              {tk.sla.firstResponseOverdue ? (
                <Badge color="red" size="xs" variant="filled">
                  {t('support.staff.overdue')}
                </Badge>
              ) : null}
            </Group>
          )}
        </Row>
        <Row label={t('support.staff.resolution')}>
          <Group gap={6}>
            <span>{t('support.staff.dueBy', { time: formatDateTime(tk.sla.resolutionDueAt) })}</span>
            {tk.sla.resolutionOverdue ? (
              <Badge color="red" size="xs" variant="filled">
                {t('support.staff.overdue')}
              </Badge>
            ) : null}
          </Group>
        </Row>
        <Select
          label={t('support.staff.priority')}
          value={tk.priority}
          disabled={closed || busy}
          allowDeselect={false}
          onChange={(v) => {
            const p = PRIORITIES.find((x) => x === v);
            if (p && p !== tk.priority) void run(() => staffSupportApi.update(tk.id, { priority: p as Priority }), t('support.staff.priorityChanged'));
          }}
          data={PRIORITIES.map((p) => ({ value: p, label: t(`support.priorities.${p}`) }))}
        />
        <Select
          label={t('support.staff.assignee')}
          value={tk.assignee?.id ?? ''}
          disabled={closed || busy}
          allowDeselect={false}
          onChange={(v) => {
            const next = v || null;
            if (next !== (tk.assignee?.id ?? null)) void run(() => staffSupportApi.update(tk.id, { assigneeId: next }), t('support.staff.assigned'));
          }}
          data={[{ value: '', label: t('support.staff.unassigned') }, ...assignees.map((a) => ({ value: a.id, label: a.name }))]}
        />
        {tk.allowedStates.length ? (
          <Group gap="xs">
            {tk.allowedStates.map((s) => (
              <Button key={s} size="xs" variant="light" color={s === 'closed' ? 'gray' : undefined} loading={busy} onClick={() => void run(() => staffSupportApi.move(tk.id, s), t('support.staff.stateChanged'))}>
                {moveLabel(s)}
              </Button>
            ))}
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}

/** One ticket for an operator: conversation with internal notes, reply / note, and the ticket's controls. */
export function StaffTicketPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const state = useApi((signal) => staffSupportApi.get(id, signal), id);
  const staff = useApi((signal) => staffSupportApi.assignees(signal), 'assignees');
  const people = staff.data?.items ?? [];
  const nameOf = (personId: string | null) => (personId ? (people.find((p) => p.id === personId)?.name ?? '—') : t('support.staff.unassigned'));

  return (
    <>
      <PageHeader
        title={state.data ? `${state.data.ticket.reference}: ${state.data.ticket.subject}` : t('support.ticket.title')}
        description={
          <Anchor component={Link} to="/admin/support" size="sm">
            {t('support.staff.back')}
          </Anchor>
        }
        actions={
          <RefreshButton state={state} />
        }
      />
      <LoadState {...state}>
        {(view) => (
          <Grid gutter="lg">
            <Grid.Col span={{ base: 12, md: 4 }} order={{ base: 1, md: 2 }}>
              <Stack gap="sm">
                <Group gap="xs">
                  <TicketStateBadge state={view.ticket.state} />
                  <PriorityBadge priority={view.ticket.priority} />
                </Group>
                <Controls view={view} assignees={people} onDone={state.setData} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }} order={{ base: 2, md: 1 }}>
              <Stack gap="lg">
                <Title order={2} size="h4">
                  {t('support.thread.title')}
                </Title>
                <Thread messages={view.messages} events={view.events} viewer="staff" assigneeName={nameOf} />
                <Composer key={view.ticket.state} view={view} onDone={state.setData} />
              </Stack>
            </Grid.Col>
          </Grid>
        )}
      </LoadState>
    </>
  );
}
