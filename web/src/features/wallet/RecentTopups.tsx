import { Anchor, Card, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { Fragment, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Topup, TopupList } from '../../api/types';
import { LoadState } from '../../components/LoadState';
import type { ApiState } from '../../hooks/useApi';
import { formatDateTime, formatMoney } from '../../lib/format';
import { TopupStatusBadge } from './TopupStatusBadge';

function TopupRow({ topup }: { topup: Topup }) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Text fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatMoney(topup.amount)}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(topup.capturedAt ?? topup.createdAt)}
        </Text>
        {topup.status === 'failed' && topup.failureReason ? (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {t('wallet.topups.reason', { reason: topup.failureReason })}
          </Text>
        ) : null}
      </Stack>
      <Stack gap={4} align="flex-end">
        <TopupStatusBadge status={topup.status} />
        {topup.receiptUrl ? (
          <Anchor
            href={topup.receiptUrl}
            download
            size="sm"
            aria-label={t('wallet.topups.receiptLabel', { number: topup.receiptNumber ?? '' })}
          >
            {t('wallet.topups.receipt')}
          </Anchor>
        ) : null}
      </Stack>
    </Group>
  );
}

/** The latest top-ups with their status, and a PDF receipt for each received one. */
export function RecentTopups({ state }: { state: ApiState<TopupList> }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={titleId}>
      <Title order={2} size="h4" mb="sm" id={titleId}>
        {t('wallet.topups.title')}
      </Title>
      <LoadState {...state}>
        {({ items }) =>
          items.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('wallet.topups.empty')}
            </Text>
          ) : (
            <Stack gap="xs">
              {items.map((topup, i) => (
                <Fragment key={topup.id}>
                  {i > 0 ? <Divider /> : null}
                  <TopupRow topup={topup} />
                </Fragment>
              ))}
            </Stack>
          )
        }
      </LoadState>
    </Card>
  );
}
