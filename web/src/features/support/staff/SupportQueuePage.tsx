import { Badge, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CATEGORIES, PRIORITIES, TICKET_STATES, staffSupportApi, type Priority, type QueueFilters, type TicketCategory, type TicketState } from '../../../api/support';
import { LoadState } from '../../../components/LoadState';
import { PagedResults } from '../../../components/PagedResults';
import { PageHeader } from '../../../components/PageHeader';
import { RefreshButton } from '../../../components/RefreshButton';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime } from '../../../lib/format';
import { PriorityBadge, TicketStateBadge } from '../TicketStateBadge';

const PAGE_SIZE = 25;
const AGES = [1, 4, 24, 72];
const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined => (values as readonly (string | null)[]).includes(v) ? (v as T) : undefined;

/** "3 h", "2 d": how long a ticket has been open. */
export function useAge(): (seconds: number) => string {
  const { t } = useTranslation();
  return (seconds) => {
    if (seconds < 3600) return t('support.age.minutes', { count: Math.max(1, Math.floor(seconds / 60)) });
    if (seconds < 48 * 3600) return t('support.age.hours', { count: Math.floor(seconds / 3600) });
    return t('support.age.days', { count: Math.floor(seconds / 86400) });
  };
}

/** The operators' ticket queue: most urgent first, then by SLA due time; overdue highlighted. */
export function SupportQueuePage() {
  const { t } = useTranslation();
  const age = useAge();
  const [state, setState] = useState<TicketState | undefined>(undefined);
  const [category, setCategory] = useState<TicketCategory | undefined>(undefined);
  const [priority, setPriority] = useState<Priority | undefined>(undefined);
  const [assignee, setAssignee] = useState<string | undefined>(undefined);
  const [minAgeHours, setMinAgeHours] = useState<number | undefined>(undefined);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const assignees = useApi((signal) => staffSupportApi.assignees(signal), 'assignees');
  const filters: QueueFilters = {
    state,
    category,
    priority,
    assignee,
    minAgeHours,
    ...(overdueOnly ? { overdue: true } : {}),
    ...(query ? { q: query } : {}),
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const data = useApi((signal) => staffSupportApi.queue(filters, signal), JSON.stringify(filters));
  const reset = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPage(1);
  };

  return (
    <>
      <PageHeader
        title={t('support.staff.queueTitle')}
        description={t('support.staff.queueIntro')}
        actions={
          <RefreshButton state={data} />
        }
      />
      <Stack>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(q.trim());
            setPage(1);
          }}
        >
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
            <Select
              label={t('support.staff.stateFilter')}
              value={state ?? ''}
              allowDeselect={false}
              onChange={(v) => reset(setState)(oneOf(TICKET_STATES, v))}
              data={[{ value: '', label: t('support.staff.active') }, ...TICKET_STATES.map((s) => ({ value: s, label: t(`support.states.${s}`) }))]}
            />
            <Select
              label={t('support.staff.categoryFilter')}
              value={category ?? ''}
              allowDeselect={false}
              onChange={(v) => reset(setCategory)(oneOf(CATEGORIES, v))}
              data={[{ value: '', label: t('common.any') }, ...CATEGORIES.map((c) => ({ value: c, label: t(`support.categories.${c}`) }))]}
            />
            <Select
              label={t('support.staff.priorityFilter')}
              value={priority ?? ''}
              allowDeselect={false}
              onChange={(v) => reset(setPriority)(oneOf(PRIORITIES, v))}
              data={[{ value: '', label: t('common.any') }, ...PRIORITIES.map((p) => ({ value: p, label: t(`support.priorities.${p}`) }))]}
            />
            <Select
              label={t('support.staff.assigneeFilter')}
              value={assignee ?? ''}
              allowDeselect={false}
              onChange={(v) => reset(setAssignee)(v || undefined)}
              data={[
                { value: '', label: t('common.any') },
                { value: 'me', label: t('support.staff.me') },
                { value: 'none', label: t('support.staff.unassigned') },
                ...(assignees.data?.items ?? []).map((a) => ({ value: a.id, label: a.name })),
              ]}
            />
            <Select
              label={t('support.staff.ageFilter')}
              value={minAgeHours === undefined ? '' : String(minAgeHours)}
              allowDeselect={false}
              onChange={(v) => reset(setMinAgeHours)(v ? Number(v) : undefined)}
              data={[{ value: '', label: t('common.any') }, ...AGES.map((h) => ({ value: String(h), label: t('support.staff.olderThan', { age: age(h * 3600) }) }))]}
            />
            <TextInput label={t('support.staff.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maxLength={100} />
          </SimpleGrid>
          <Switch mt="sm" label={t('support.staff.overdueOnly')} checked={overdueOnly} onChange={(e) => reset(setOverdueOnly)(e.currentTarget.checked)} />
        </form>
        <LoadState {...data}>
          {({ items, total }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('support.staff.total', { count: total })}
              emptyText={t('support.staff.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
            >
              <Table.ScrollContainer minWidth={760}>
                <Table highlightOnHover verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('support.staff.ticket')}</Table.Th>
                      <Table.Th>{t('support.staff.customer')}</Table.Th>
                      <Table.Th>{t('support.staff.priority')}</Table.Th>
                      <Table.Th>{t('support.staff.state')}</Table.Th>
                      <Table.Th>{t('support.staff.assignee')}</Table.Th>
                      <Table.Th>{t('support.staff.age')}</Table.Th>
                      <Table.Th>{t('support.staff.sla')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((i) => {
                      const late = i.sla.firstResponseOverdue || i.sla.resolutionOverdue;
                      return (
                        <Table.Tr key={i.id} bg={late ? 'red.0' : undefined}>
                          <Table.Td>
                            <Text component={Link} to={`/admin/support/${i.id}`} size="sm" fw={600} c="blue.8" aria-label={`${t('support.staff.open')}: ${i.reference} ${i.subject}`}>
                              {i.reference}
                            </Text>
                            <Text size="sm" lineClamp={2} style={{ wordBreak: 'break-word' }}>
                              {i.subject}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {t(`support.categories.${i.category}`)}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{i.customer.name}</Text>
                            <Text size="xs" c="dimmed">
                              {i.customer.email}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <PriorityBadge priority={i.priority} size="sm" />
                          </Table.Td>
                          <Table.Td>
                            <TicketStateBadge state={i.state} size="sm" />
                          </Table.Td>
                          <Table.Td>{i.assignee?.name ?? <Text size="sm" c="dimmed">{t('support.staff.unassigned')}</Text>}</Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>{age(i.ageSeconds)}</Table.Td>
                          <Table.Td>
                            {late ? (
                              <Badge color="red" variant="filled" size="sm">
                                {t(i.sla.firstResponseOverdue ? 'support.staff.firstResponseOverdue' : 'support.staff.resolutionOverdue')}
                              </Badge>
                            ) : (
                              <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                                {t('support.staff.dueBy', { time: formatDateTime(i.sla.firstRespondedAt ? i.sla.resolutionDueAt : i.sla.firstResponseDueAt) })}
                              </Text>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
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
