import { Alert, Badge, Button, Grid, Group, Paper, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useMediaQuery } from '@mantine/hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { inboxApi, type Conversation, type ConversationQuery } from '../../../api/whatsapp-team-inbox';
import { useAuth, useUser } from '../../../auth/context';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { notifyError } from '../../../lib/errors';
import { ConversationList } from './ConversationList';
import { ConversationThread } from './ConversationThread';
import { createLiveBus } from './liveBus';
import { QuickRepliesModal } from './QuickRepliesModal';
import { useInboxStream, type StreamState } from './useInboxStream';

const STORED_TENANT = 'waInbox.tenant';

type Assigned = 'all' | 'mine' | 'unassigned';
type Status = 'open' | 'closed';

function LiveBadge({ state }: { state: StreamState }) {
  const { t } = useTranslation();
  const color = state === 'live' ? 'green' : state === 'ended' ? 'red' : 'orange';
  return (
    <Badge color={color} variant="dot" role="status" aria-live="polite">
      {t(`waInbox.live.${state}`)}
    </Badge>
  );
}

/**
 * The team inbox: conversations on the left, the open one on the right (one pane at a time on a
 * phone), kept current by the inbox's server-sent events. The inbox shown is the person's own or
 * that of a team they were invited to (`?tenant=`, remembered on this device).
 */
export function InboxPage() {
  const { t } = useTranslation();
  const me = useUser();
  const { refresh } = useAuth();
  const navigate = useNavigate();
  const { conversationId } = useParams();
  const [params] = useSearchParams();
  const wide = useMediaQuery('(min-width: 62em)', true);

  const tenants = useApi((signal) => inboxApi.tenants(signal), 'tenants');
  const asked = params.get('tenant') ?? window.localStorage.getItem(STORED_TENANT);
  const tenantId = tenants.data ? (tenants.data.items.find((i) => i.tenantId === asked)?.tenantId ?? tenants.data.items[0]?.tenantId ?? null) : null;
  useEffect(() => {
    if (tenantId) window.localStorage.setItem(STORED_TENANT, tenantId);
  }, [tenantId]);

  const [overviewNonce, setOverviewNonce] = useState(0);
  const overview = useApi((signal) => (tenantId ? inboxApi.overview(tenantId, signal) : Promise.resolve(undefined)), `${tenantId}:${overviewNonce}`);
  const quick = useApi((signal) => (tenantId ? inboxApi.quickReplies(tenantId, signal) : Promise.resolve({ items: [] })), `qr:${tenantId}`);
  const [quickOpen, setQuickOpen] = useState(false);

  const [assigned, setAssigned] = useState<Assigned>('all');
  const [status, setStatus] = useState<Status>('open');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [items, setItems] = useState<Conversation[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [listState, setListState] = useState<{ loading: boolean; error: unknown }>({ loading: true, error: null });
  const [moreLoading, setMoreLoading] = useState(false);
  const [listNonce, setListNonce] = useState(0);
  const [ended, setEnded] = useState<string | null>(null);

  const query = useMemo<ConversationQuery>(() => ({ status, ...(assigned !== 'all' ? { assigned } : {}), ...(q ? { q } : {}) }), [status, assigned, q]);

  useEffect(() => {
    if (!tenantId) return;
    const controller = new AbortController();
    setListState({ loading: true, error: null });
    inboxApi.conversations(tenantId, query, controller.signal).then(
      (res) => {
        if (controller.signal.aborted) return;
        setItems(res.items);
        setNextCursor(res.nextCursor);
        setListState({ loading: false, error: null });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setListState({ loading: false, error: err });
      },
    );
    return () => controller.abort();
  }, [tenantId, query, listNonce]);

  const more = async () => {
    if (!tenantId || !nextCursor) return;
    setMoreLoading(true);
    try {
      const res = await inboxApi.conversations(tenantId, { ...query, cursor: nextCursor });
      setItems((list) => [...list, ...res.items.filter((c) => !list.some((x) => x.id === c.id))]);
      setNextCursor(res.nextCursor);
    } catch (err) {
      notifyError(err);
    } finally {
      setMoreLoading(false);
    }
  };

  /** A conversation changed: it moves to where the list's order puts it, or leaves a filter it no longer fits. */
  const upsert = useCallback(
    (c: Conversation) => {
      setItems((list) => {
        const known = list.some((x) => x.id === c.id);
        const fits =
          c.status === status &&
          (assigned === 'all' || (assigned === 'mine' ? c.assignee?.id === me.id : c.assignee === null)) &&
          (!q || known);
        const others = list.filter((x) => x.id !== c.id);
        const next = fits || c.id === conversationId ? [...others, c] : others;
        return next.sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt) || b.id.localeCompare(a.id));
      });
    },
    [status, assigned, q, me.id, conversationId],
  );

  const bus = useMemo(() => createLiveBus(), []);
  const countsTimer = useRef<number | null>(null);
  const refreshCounts = () => {
    if (countsTimer.current) window.clearTimeout(countsTimer.current);
    countsTimer.current = window.setTimeout(() => setOverviewNonce((n) => n + 1), 800);
  };

  const streamState = useInboxStream(tenantId, {
    onMessage: (conversation, message) => {
      upsert(conversation);
      bus.emit({ kind: 'message', conversation, message });
      refreshCounts();
    },
    onConversation: (conversation) => {
      upsert(conversation);
      bus.emit({ kind: 'conversation', conversation });
      refreshCounts();
    },
    onNote: (note) => bus.emit({ kind: 'note', note }),
    onTeam: () => setOverviewNonce((n) => n + 1),
    onResync: () => {
      setListNonce((n) => n + 1);
      setOverviewNonce((n) => n + 1);
      bus.emit({ kind: 'resync' });
    },
    onEnd: (reason) => {
      setEnded(reason);
      if (reason === 'signed_out') void refresh();
    },
  });

  const switchTenant = (id: string | null) => {
    if (!id) return;
    setEnded(null);
    navigate(`/whatsapp/inbox?tenant=${id}`);
  };
  const open = (c: Conversation) => navigate(`/whatsapp/inbox/${c.id}?tenant=${c.tenantId}`);
  const back = () => navigate(`/whatsapp/inbox?tenant=${tenantId ?? ''}`);

  const role = overview.data?.role;
  const counts = overview.data?.counts;
  const showList = wide || !conversationId;
  const showThread = Boolean(conversationId);

  const list = (
    <Stack gap="xs" component="section" aria-label={t('waInbox.conversations')}>
      <TextInput type="search" aria-label={t('waInbox.search')} placeholder={t('waInbox.searchPlaceholder')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      <SegmentedControl
        size="xs"
        fullWidth
        value={assigned}
        onChange={(v) => setAssigned(v as Assigned)}
        data={[
          { value: 'all', label: t('waInbox.filter.all') },
          { value: 'mine', label: counts ? `${t('waInbox.filter.mine')} (${counts.mine})` : t('waInbox.filter.mine') },
          { value: 'unassigned', label: counts ? `${t('waInbox.filter.unassigned')} (${counts.unassigned})` : t('waInbox.filter.unassigned') },
        ]}
      />
      <SegmentedControl
        size="xs"
        fullWidth
        value={status}
        onChange={(v) => setStatus(v as Status)}
        data={[
          { value: 'open', label: counts ? `${t('waInbox.filter.open')} (${counts.open})` : t('waInbox.filter.open') },
          { value: 'closed', label: t('waInbox.filter.closed') },
        ]}
      />
      <LoadState data={listState.loading && !items.length ? undefined : items} error={listState.error} loading={listState.loading} reload={() => setListNonce((n) => n + 1)}>
        {(loaded) => <ConversationList items={loaded} selectedId={conversationId} onOpen={open} hasMore={nextCursor !== null} loadingMore={moreLoading} onMore={() => void more()} />}
      </LoadState>
    </Stack>
  );

  return (
    <>
      {showList ? (
        <PageHeader
          title={t('waInbox.title')}
          description={t('waInbox.intro')}
          actions={
            <Group gap="xs">
              <LiveBadge state={streamState} />
              {role && role !== 'agent' ? (
                <Button size="xs" variant="default" onClick={() => setQuickOpen(true)}>
                  {t('waInbox.qr.manage')}
                </Button>
              ) : null}
            </Group>
          }
        />
      ) : null}
      <LoadState {...tenants}>
        {(d) => (
          <Stack gap="sm">
            {d.items.length > 1 && showList ? (
              <Select
                label={t('waInbox.inbox')}
                value={tenantId}
                onChange={switchTenant}
                allowDeselect={false}
                data={d.items.map((i) => ({
                  value: i.tenantId,
                  label: `${i.tenantId === me.id ? t('waInbox.myInbox') : i.name} · ${t(`waInbox.roles.${i.role}`)}${i.unreadConversations ? ` (${i.unreadConversations})` : ''}`,
                }))}
                maw={420}
              />
            ) : null}
            {ended === 'access_removed' ? <Alert color="red">{t('waInbox.accessRemoved')}</Alert> : null}
            {overview.data && overview.data.numbers.length === 0 && role === 'owner' ? (
              <Alert color="blue">
                <Text size="sm">{t('waInbox.noNumbers')}</Text>
              </Alert>
            ) : null}
            {wide ? (
              <Grid gutter="md">
                <Grid.Col span={5}>
                  <Paper withBorder p="xs" radius="md">
                    {list}
                  </Paper>
                </Grid.Col>
                <Grid.Col span={7}>
                  {showThread && role ? (
                    <Paper withBorder p="sm" radius="md">
                      <ConversationThread
                        key={conversationId}
                        conversationId={conversationId!}
                        role={role}
                        people={overview.data?.people ?? []}
                        quickReplies={quick.data?.items ?? []}
                        subscribe={bus.subscribe}
                        onConversation={upsert}
                        onBack={null}
                      />
                    </Paper>
                  ) : (
                    <Paper withBorder p="xl" radius="md">
                      <Text c="dimmed" ta="center">
                        {t('waInbox.pick')}
                      </Text>
                    </Paper>
                  )}
                </Grid.Col>
              </Grid>
            ) : showThread && role ? (
              <ConversationThread
                key={conversationId}
                conversationId={conversationId!}
                role={role}
                people={overview.data?.people ?? []}
                quickReplies={quick.data?.items ?? []}
                subscribe={bus.subscribe}
                onConversation={upsert}
                onBack={back}
              />
            ) : (
              list
            )}
          </Stack>
        )}
      </LoadState>
      {tenantId && quickOpen ? <QuickRepliesModal opened tenantId={tenantId} items={quick.data?.items ?? []} onClose={() => setQuickOpen(false)} onChange={quick.reload} /> : null}
    </>
  );
}
