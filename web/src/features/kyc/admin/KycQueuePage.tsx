import { Button, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { KYC_STATES, staffKycApi, type KycState } from '../../../api/kyc';
import { LoadState } from '../../../components/LoadState';
import { PagedResults } from '../../../components/PagedResults';
import { PageHeader } from '../../../components/PageHeader';
import { RefreshButton } from '../../../components/RefreshButton';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime } from '../../../lib/format';
import { KycStateBadge } from '../KycStateBadge';

const PAGE_SIZE = 25;
const isState = (v: string | null): v is KycState => (KYC_STATES as readonly (string | null)[]).includes(v);

/** "3 h", "2 d": how long a submission has waited. */
export function useAge(): (seconds: number) => string {
  const { t } = useTranslation();
  return (seconds) => {
    if (seconds < 3600) return t('kyc.age.minutes', { count: Math.max(1, Math.floor(seconds / 60)) });
    if (seconds < 48 * 3600) return t('kyc.age.hours', { count: Math.floor(seconds / 3600) });
    return t('kyc.age.days', { count: Math.floor(seconds / 86400) });
  };
}

/** Operators' queue: submissions waiting for review, oldest first; other states on request. */
export function KycQueuePage() {
  const { t } = useTranslation();
  const age = useAge();
  const [state, setState] = useState<KycState | ''>('');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const filters = { ...(state ? { state } : {}), ...(query ? { q: query } : {}), limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const data = useApi((signal) => staffKycApi.queue(filters, signal), JSON.stringify(filters));

  return (
    <>
      <PageHeader
        title={t('kyc.review.queueTitle')}
        description={t('kyc.review.queueIntro')}
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
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <Select
              label={t('kyc.review.stateFilter')}
              value={state}
              allowDeselect={false}
              onChange={(v) => {
                setState(isState(v) ? v : '');
                setPage(1);
              }}
              data={[{ value: '', label: t('kyc.review.pending') }, ...KYC_STATES.map((s) => ({ value: s, label: t(`kyc.states.${s}`) }))]}
            />
            <TextInput label={t('kyc.review.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maxLength={100} />
          </SimpleGrid>
        </form>
        <LoadState {...data}>
          {({ items, total }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('kyc.review.total', { count: total })}
              emptyText={t('kyc.review.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
            >
              <Table.ScrollContainer minWidth={640}>
                <Table highlightOnHover verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('kyc.review.customer')}</Table.Th>
                      <Table.Th>{t('kyc.review.state')}</Table.Th>
                      <Table.Th>{t('kyc.review.submitted')}</Table.Th>
                      <Table.Th>{t('kyc.review.waiting')}</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((i) => (
                      <Table.Tr key={i.userId}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {i.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {i.email}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <KycStateBadge state={i.state} size="sm" />
                          {i.submissionCount > 1 ? (
                            <Text size="xs" c="dimmed">
                              {t('kyc.review.attempt', { count: i.submissionCount })}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(i.submittedAt)}</Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{i.state === 'submitted' || i.state === 'resubmitted' ? age(i.ageSeconds) : '—'}</Table.Td>
                        <Table.Td>
                          <Button component={Link} to={`/admin/kyc/${i.userId}`} size="xs" variant="light" aria-label={`${t('kyc.review.open')}: ${i.name}`}>
                            {t('kyc.review.open')}
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
