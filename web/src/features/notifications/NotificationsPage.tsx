import { Badge, Button, Card, Group, SegmentedControl, Stack, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { announceUnreadChanged, notificationsApi, type AppNotification } from '../../api/notifications';
import { LoadState } from '../../components/LoadState';
import { PagedResults } from '../../components/PagedResults';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { currentLanguage } from '../../i18n';
import { notifyError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';

const PAGE_SIZE = 20;

function NotificationCard({ n, onOpen }: { n: AppNotification; onOpen: (n: AppNotification) => void }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <Card withBorder radius="md" padding="md" bg={n.read ? undefined : 'blue.0'} data-testid="notification">
      <UnstyledButton onClick={() => onOpen(n)} w="100%" aria-label={n.title[lang]}>
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <Stack gap={4} style={{ minWidth: 0 }}>
            <Text fw={n.read ? 500 : 700} style={{ wordBreak: 'break-word' }}>
              {n.title[lang]}
            </Text>
            <Text size="sm" c="dimmed" style={{ wordBreak: 'break-word' }}>
              {n.body[lang]}
            </Text>
            <Text size="xs" c="dimmed">
              {formatDateTime(n.createdAt)}
            </Text>
          </Stack>
          {n.read ? null : (
            <Badge color="blue" variant="filled" size="sm" style={{ flexShrink: 0 }}>
              {t('notifications.new')}
            </Badge>
          )}
        </Group>
      </UnstyledButton>
    </Card>
  );
}

/** The in-app inbox: newest first, unread highlighted; opening one marks it read and follows its link. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const query = { unread: show === 'unread', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const state = useApi((signal) => notificationsApi.list(query, signal), JSON.stringify(query));
  const [marking, setMarking] = useState(false);

  const open = async (n: AppNotification) => {
    try {
      if (!n.read) {
        await notificationsApi.markRead(n.id);
        announceUnreadChanged();
      }
      if (n.link) void navigate(n.link);
      else state.reload();
    } catch (err) {
      notifyError(err);
    }
  };

  const markAll = async () => {
    setMarking(true);
    try {
      await notificationsApi.markAllRead();
      announceUnreadChanged();
      state.reload();
    } catch (err) {
      notifyError(err);
    } finally {
      setMarking(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('notifications.title')}
        description={t('notifications.intro')}
        actions={
          <Button variant="light" onClick={() => void markAll()} loading={marking} disabled={!state.data?.unread}>
            {t('notifications.markAll')}
          </Button>
        }
      />
      <Stack>
        <SegmentedControl
          value={show}
          onChange={(v) => {
            setShow(v === 'unread' ? 'unread' : 'all');
            setPage(1);
          }}
          data={[
            { value: 'all', label: t('notifications.all') },
            { value: 'unread', label: t('notifications.unreadOnly') },
          ]}
          w={{ base: '100%', xs: 'auto' }}
        />
        <LoadState {...state}>
          {({ items, total, unread }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('notifications.count', { count: total, unread })}
              emptyText={t('notifications.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
            >
              <Stack gap="sm">
                {items.map((n) => (
                  <NotificationCard key={n.id} n={n} onOpen={(x) => void open(x)} />
                ))}
              </Stack>
            </PagedResults>
          )}
        </LoadState>
      </Stack>
    </>
  );
}
