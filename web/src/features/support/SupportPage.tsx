import { Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { supportApi } from '../../api/support';
import { LoadState } from '../../components/LoadState';
import { PagedResults } from '../../components/PagedResults';
import { PageHeader } from '../../components/PageHeader';
import { useApi } from '../../hooks/useApi';
import { formatDateTime } from '../../lib/format';
import { GrievanceOfficerCard } from './GrievanceOfficerCard';
import { TicketStateBadge } from './TicketStateBadge';

const PAGE_SIZE = 20;

/** The customer's tickets, most recently active first, and the grievance officer's contact. */
export function SupportPage() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const query = { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  const state = useApi((signal) => supportApi.list(query, signal), JSON.stringify(query));

  return (
    <>
      <PageHeader
        title={t('support.title')}
        description={t('support.intro')}
        actions={
          <Button component={Link} to="/support/new" w={{ base: '100%', xs: 'auto' }}>
            {t('support.newTicket')}
          </Button>
        }
      />
      <Stack gap="lg">
        <LoadState {...state}>
          {({ items, total }) => (
            <PagedResults
              total={total}
              empty={items.length === 0}
              countText={t('support.count', { count: total })}
              emptyText={t('support.empty')}
              page={page}
              pageSize={PAGE_SIZE}
              onPage={setPage}
            >
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
                {items.map((ticket) => (
                  <Card key={ticket.id} withBorder radius="md" padding="md" component={Link} to={`/support/tickets/${ticket.id}`} aria-label={`${ticket.reference}: ${ticket.subject}`}>
                    <Group justify="space-between" wrap="nowrap" gap="xs" mb={4}>
                      <Text size="xs" c="dimmed">
                        {ticket.reference} · {t(`support.categories.${ticket.category}`)}
                      </Text>
                      <TicketStateBadge state={ticket.state} size="sm" />
                    </Group>
                    <Text fw={600} style={{ wordBreak: 'break-word' }}>
                      {ticket.subject}
                    </Text>
                    <Text size="xs" c="dimmed" mt={4}>
                      {t('support.lastActivity', { time: formatDateTime(ticket.lastMessageAt) })}
                    </Text>
                  </Card>
                ))}
              </SimpleGrid>
            </PagedResults>
          )}
        </LoadState>
        <GrievanceOfficerCard />
      </Stack>
    </>
  );
}
