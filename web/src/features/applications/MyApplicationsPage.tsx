import { Button, Card, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { APPLICATION_STATES, applicationsApi, type ApplicationState } from '../../api/applications';
import { LoadState } from '../../components/LoadState';
import { PageHeader } from '../../components/PageHeader';
import { PagedResults } from '../../components/PagedResults';
import { useApi } from '../../hooks/useApi';
import { formatDateTime, formatMoney } from '../../lib/format';
import { useLocalized } from '../services/localize';
import { ApplicationStateBadge } from './ApplicationStateBadge';

const PAGE_SIZE = 20;
const isState = (v: string): v is ApplicationState => (APPLICATION_STATES as readonly string[]).includes(v);

/** The customer's applications and drafts, most recently changed first. */
export function MyApplicationsPage() {
  const { t } = useTranslation();
  const local = useLocalized();
  const [state, setState] = useState<ApplicationState | ''>('');
  const [page, setPage] = useState(1);
  const filters = { ...(state ? { state } : {}), limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const data = useApi((signal) => applicationsApi.list(filters, signal), JSON.stringify(filters));

  return (
    <>
      <PageHeader
        title={t('applications.mine.title')}
        description={t('applications.mine.intro')}
        actions={
          <Button component={Link} to="/services" variant="light">
            {t('applications.mine.browse')}
          </Button>
        }
      />
      <Stack>
        <NativeSelect
          label={t('applications.mine.filter')}
          value={state}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setState(isState(v) ? v : '');
            setPage(1);
          }}
          data={[{ value: '', label: t('applications.mine.all') }, ...APPLICATION_STATES.map((s) => ({ value: s, label: t(`applications.states.${s}`) }))]}
          w={{ base: '100%', xs: 280 }}
        />
        <LoadState {...data}>
          {({ items, total }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('applications.mine.total', { count: total })}
              emptyText={t('applications.mine.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
            >
              <Stack gap="sm">
                {items.map((a) => (
                  <Card key={a.id} withBorder radius="md" padding="md" component="article">
                    <Stack gap={6}>
                      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
                        <Text fw={600}>{local(a.service.name)}</Text>
                        <ApplicationStateBadge state={a.state} size="sm" />
                      </Group>
                      <Text size="sm" c="dimmed">
                        {a.ackNumber ? `${a.ackNumber} · ` : ''}
                        {a.submittedAt ? t('applications.mine.submittedOn', { date: formatDateTime(a.submittedAt) }) : t('applications.mine.startedOn', { date: formatDateTime(a.createdAt) })}
                        {a.total !== null ? ` · ${formatMoney(a.total)}` : ''}
                      </Text>
                      <Group gap="xs">
                        <Button component={Link} to={`/applications/${a.id}`} size="xs" variant="light" aria-label={`${t('applications.mine.open')}: ${local(a.service.name)} ${a.ackNumber ?? ''}`.trim()}>
                          {a.state === 'draft' ? t('applications.mine.continue') : t('applications.mine.open')}
                        </Button>
                      </Group>
                    </Stack>
                  </Card>
                ))}
              </Stack>
            </PagedResults>
          )}
        </LoadState>
      </Stack>
    </>
  );
}
