import { Alert, Anchor, Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  TEMPLATE_CATEGORIES,
  TEMPLATE_STATUSES,
  templatesApi,
  type SyncResult,
  type TemplateAccount,
} from '../../../api/whatsapp-templates';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { PagedResults } from '../../../components/PagedResults';
import { useApi } from '../../../hooks/useApi';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { notifications } from '@mantine/notifications';
import { TemplateCard } from './TemplateCard';
import { accountLabel } from './accountLabel';

const PAGE_SIZE = 20;

/** The customer's message templates: filters, status and reasons, "sync now", and the way to a new one. */
export function TemplatesPage() {
  const { t } = useTranslation();
  const accounts = useApi((signal) => templatesApi.accounts(signal), 'template-accounts');
  const [numberId, setNumberId] = useState('');
  const [status, setStatus] = useState('');
  const [category, setCategory] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [version, setVersion] = useState(0);
  const [syncing, setSyncing] = useState(false);
  const [q] = useDebouncedValue(search.trim(), 300);
  const filters = { numberId, status, category, q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const list = useApi((signal) => templatesApi.list(filters, signal), JSON.stringify({ ...filters, version }));
  const filter = (set: (v: string) => void) => (v: string | null) => {
    set(v ?? '');
    setPage(1);
  };

  const tellSync = (results: SyncResult[]) => {
    for (const r of results) {
      if (r.state === 'synced' && r.counts) notifySuccess(t('waTemplates.sync.done', r.counts));
      else if (r.state === 'rate_limited') {
        notifications.show({ color: 'yellow', message: t('waTemplates.sync.rateLimited', { when: formatDateTime(r.retryAt) }), autoClose: 8000 });
      } else if (r.state === 'busy') notifications.show({ color: 'blue', message: t('waTemplates.sync.busy') });
      else notifications.show({ color: 'red', message: r.error ?? t(`waTemplates.sync.states.${r.state}`), autoClose: 8000 });
    }
  };

  const syncNow = async () => {
    setSyncing(true);
    try {
      const { results } = await templatesApi.sync(numberId || undefined);
      tellSync(results);
      setVersion((v) => v + 1);
      accounts.reload();
    } catch (err) {
      notifyError(err);
    } finally {
      setSyncing(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('waTemplates.title')}
        description={t('waTemplates.intro')}
        actions={
          accounts.data?.items.length ? (
            <Group gap="xs">
              <Button variant="default" loading={syncing} onClick={() => void syncNow()}>
                {t('waTemplates.sync.button')}
              </Button>
              <Button component={Link} to="/whatsapp/templates/new">
                {t('waTemplates.new')}
              </Button>
            </Group>
          ) : undefined
        }
      />
      <LoadState {...accounts}>
        {({ items }) =>
          items.length === 0 ? (
            <Alert color="blue" title={t('waTemplates.noNumbers.title')}>
              <Text size="sm">{t('waTemplates.noNumbers.body')}</Text>
              <Anchor component={Link} to="/whatsapp/numbers" size="sm">
                {t('waTemplates.noNumbers.link')}
              </Anchor>
            </Alert>
          ) : (
            <Stack>
              <SyncState accounts={items} />
              <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
                {items.length > 1 ? (
                  <Select
                    label={t('waTemplates.filters.account')}
                    value={numberId}
                    allowDeselect={false}
                    onChange={filter(setNumberId)}
                    data={[{ value: '', label: t('waTemplates.filters.allAccounts') }, ...items.map((a) => ({ value: a.numbers[0]!.id, label: accountLabel(a) }))]}
                  />
                ) : null}
                <Select
                  label={t('waTemplates.filters.status')}
                  value={status}
                  allowDeselect={false}
                  onChange={filter(setStatus)}
                  data={[{ value: '', label: t('waTemplates.filters.anyStatus') }, ...TEMPLATE_STATUSES.map((s) => ({ value: s, label: t(`waTemplates.statuses.${s}`) }))]}
                />
                <Select
                  label={t('waTemplates.filters.category')}
                  value={category}
                  allowDeselect={false}
                  onChange={filter(setCategory)}
                  data={[{ value: '', label: t('waTemplates.filters.anyCategory') }, ...TEMPLATE_CATEGORIES.map((c) => ({ value: c, label: t(`waTemplates.categories.${c}`) }))]}
                />
                <TextInput
                  type="search"
                  label={t('waTemplates.filters.search')}
                  placeholder={t('waTemplates.filters.searchPlaceholder')}
                  value={search}
                  maxLength={100}
                  onChange={(e) => {
                    setSearch(e.currentTarget.value);
                    setPage(1);
                  }}
                />
              </SimpleGrid>
              <LoadState {...list}>
                {(data) => (
                  <PagedResults
                    total={data.total}
                    empty={data.items.length === 0}
                    countText={t('waTemplates.count', { count: data.total })}
                    emptyText={t('waTemplates.empty')}
                    page={page}
                    pageSize={PAGE_SIZE}
                    onPage={setPage}
                  >
                    <Stack gap="sm">
                      {data.items.map((tpl) => (
                        <TemplateCard key={tpl.id} template={tpl} />
                      ))}
                    </Stack>
                  </PagedResults>
                )}
              </LoadState>
            </Stack>
          )
        }
      </LoadState>
    </>
  );
}

/** When each business account last synced with Meta, and whether Meta asked us to wait. */
function SyncState({ accounts }: { accounts: TemplateAccount[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      {accounts.map((a) => (
        <Text key={a.wabaId} size="xs" c={a.sync.lastError ? 'orange.8' : 'dimmed'}>
          {accounts.length > 1 ? `${accountLabel(a)}: ` : ''}
          {a.sync.lastSyncedAt ? t('waTemplates.sync.last', { when: formatDateTime(a.sync.lastSyncedAt) }) : t('waTemplates.sync.never')}
          {a.sync.backoffUntil ? ` · ${t('waTemplates.sync.waiting', { when: formatDateTime(a.sync.backoffUntil) })}` : a.sync.lastError ? ` · ${a.sync.lastError}` : ''}
        </Text>
      ))}
    </Stack>
  );
}
