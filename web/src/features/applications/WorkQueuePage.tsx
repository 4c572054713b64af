import { Badge, Button, Checkbox, NativeSelect, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { APPLICATION_STATES, staffApplicationsApi, type QueueFilters } from '../../api/applications';
import { servicesApi } from '../../api/services';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { PagedResults } from '../../components/PagedResults';
import { RefreshButton } from '../../components/RefreshButton';
import { useApi } from '../../hooks/useApi';
import { formatDateTime } from '../../lib/format';
import { useAge } from '../kyc/admin/KycQueuePage';
import { useLocalized } from '../services/localize';
import { ApplicationStateBadge } from './ApplicationStateBadge';

const PAGE_SIZE = 25;
type StateFilter = NonNullable<QueueFilters['state']>;
const STATE_FILTERS: StateFilter[] = ['open', ...APPLICATION_STATES, 'closed', 'all'];

/** Operators' work queue: open applications oldest first, with their due time; overdue ones stand out. */
export function WorkQueuePage() {
  const { t } = useTranslation();
  const local = useLocalized();
  const age = useAge();
  const [state, setState] = useState<StateFilter>('open');
  const [service, setService] = useState('');
  const [assigned, setAssigned] = useState('');
  const [overdue, setOverdue] = useState(false);
  const [sort, setSort] = useState<'oldest' | 'newest' | 'due'>('oldest');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const filters: QueueFilters = {
    state,
    sort,
    ...(service ? { service } : {}),
    ...(assigned ? { assigned } : {}),
    ...(overdue ? { overdue } : {}),
    ...(query ? { q: query } : {}),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const data = useApi((signal) => staffApplicationsApi.queue(filters, signal), JSON.stringify(filters));
  const services = useApi((signal) => servicesApi.list({}, signal), 'services');
  const reset = () => setPage(1);

  return (
    <>
      <PageHeader
        title={t('applications.queue.title')}
        description={t('applications.queue.intro')}
        actions={
          <>
            <Button component={Link} to="/admin/applications/new" variant="filled">
              {t('applications.walkIn.start')}
            </Button>
            <RefreshButton state={data} />
          </>
        }
      />
      <Stack>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(q.trim());
            reset();
          }}
        >
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
            <NativeSelect
              label={t('applications.queue.state')}
              value={state}
              onChange={(e) => {
                setState(e.currentTarget.value as StateFilter);
                reset();
              }}
              data={STATE_FILTERS.map((s) => ({ value: s, label: t(`applications.queue.states.${s}`, { defaultValue: t(`applications.states.${s}`) }) }))}
            />
            <NativeSelect
              label={t('applications.queue.service')}
              value={service}
              onChange={(e) => {
                setService(e.currentTarget.value);
                reset();
              }}
              data={[{ value: '', label: t('common.any') }, ...(services.data?.items ?? []).map((s) => ({ value: s.id, label: local(s.name) }))]}
            />
            <NativeSelect
              label={t('applications.queue.assigned')}
              value={assigned}
              onChange={(e) => {
                setAssigned(e.currentTarget.value);
                reset();
              }}
              data={[
                { value: '', label: t('common.any') },
                { value: 'me', label: t('applications.queue.assignedMe') },
                { value: 'unassigned', label: t('applications.queue.unassigned') },
              ]}
            />
            <NativeSelect
              label={t('applications.queue.sort')}
              value={sort}
              onChange={(e) => {
                setSort(e.currentTarget.value as 'oldest' | 'newest' | 'due');
                reset();
              }}
              data={(['oldest', 'due', 'newest'] as const).map((s) => ({ value: s, label: t(`applications.queue.sorts.${s}`) }))}
            />
            <TextInput label={t('applications.queue.search')} description={t('applications.queue.searchHint')} value={q} maxLength={100} onChange={(e) => setQ(e.currentTarget.value)} />
            <Checkbox
              mt={{ base: 0, md: 'xl' }}
              label={t('applications.queue.overdueOnly')}
              checked={overdue}
              onChange={(e) => {
                setOverdue(e.currentTarget.checked);
                reset();
              }}
            />
          </SimpleGrid>
        </form>
        <LoadState {...data}>
          {({ items, total }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('applications.queue.total', { count: total })}
              emptyText={t('applications.queue.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
            >
              <Table.ScrollContainer minWidth={720}>
                <Table highlightOnHover verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('applications.queue.application')}</Table.Th>
                      <Table.Th>{t('applications.queue.customer')}</Table.Th>
                      <Table.Th>{t('applications.queue.state')}</Table.Th>
                      <Table.Th>{t('applications.queue.due')}</Table.Th>
                      <Table.Th>{t('applications.queue.waiting')}</Table.Th>
                      <Table.Th>{t('applications.queue.assignee')}</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((a) => (
                      <Table.Tr key={a.id} bg={a.overdue ? 'var(--mantine-color-red-light)' : undefined} data-overdue={a.overdue || undefined}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {local(a.service.name)}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {a.ackNumber ?? t('applications.states.draft')}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{a.customer.name}</Text>
                          {a.filedBy ? (
                            <Text size="xs" c="dimmed">
                              {t('applications.queue.walkIn')}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <ApplicationStateBadge state={a.state} size="sm" />
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          {formatDateTime(a.slaDueAt)}
                          {a.overdue ? (
                            <Badge color="red" size="xs" ml={6}>
                              {t('applications.queue.overdue')}
                            </Badge>
                          ) : null}
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{a.lastSubmittedAt ? age(a.ageSeconds) : '—'}</Table.Td>
                        <Table.Td>{a.assignedTo?.name ?? '—'}</Table.Td>
                        <Table.Td>
                          <Button component={Link} to={`/admin/applications/${a.id}`} size="xs" variant="light" aria-label={`${t('applications.queue.open')}: ${a.ackNumber ?? a.customer.name}`}>
                            {t('applications.queue.open')}
                          </Button>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </PagedResults>
          )}
        </LoadState>
      </Stack>
    </>
  );
}
