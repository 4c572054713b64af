import { Alert, Anchor, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { messageLogApi, type MessageDetail } from '../../../api/whatsapp-inbox';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { formatDateTime, formatMoney, formatSignedMoney } from '../../../lib/format';
import { MessageStatusBadge } from './MessageStatusBadge';
import { MessageTimeline } from './MessageTimeline';

function Fact({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {value || '—'}
      </Text>
    </Stack>
  );
}

function Body({ d }: { d: MessageDetail }) {
  const { t } = useTranslation();
  const m = d.message;
  const who = m.contactName ? `${m.contactName} (${m.displayNumber})` : m.displayNumber;
  return (
    <Stack gap="md">
      <Card withBorder radius="md" padding="md">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Text fw={600}>{t(`waLog.direction.${m.direction}Long`, { who })}</Text>
            <Text size="sm" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
              {m.text ?? t(`waLog.types.${m.type}`, m.type)}
            </Text>
          </Stack>
          <MessageStatusBadge status={m.status} />
        </Group>
        {m.errorCode !== null || m.errorTitle ? (
          <Alert color="red" mt="sm" title={[m.errorCode, m.errorTitle].filter((x) => x !== null).join(': ')}>
            {m.errorDetails}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 2, sm: 3 }} mt="md" spacing="sm">
          <Fact label={t('waLog.detail.number')} value={[m.numberLabel, m.number].filter(Boolean).join(' · ')} />
          <Fact label={t('waLog.detail.type')} value={t(`waLog.types.${m.type}`, m.type)} />
          <Fact label={t('waLog.detail.template')} value={m.templateName ? `${m.templateName}${m.templateLanguage ? ` (${m.templateLanguage})` : ''}` : null} />
          <Fact label={t('waLog.detail.created')} value={formatDateTime(m.createdAt)} />
          <Fact label={t('waLog.detail.category')} value={m.pricingCategory ?? m.category} />
          <Fact label={t('waLog.detail.pricingType')} value={m.pricingType} />
          <Fact label={t('waLog.detail.reserved')} value={m.reservedPaise ? formatMoney(m.reservedPaise) : null} />
          <Fact label={t('waLog.detail.charged')} value={m.chargedPaise !== null ? formatMoney(m.chargedPaise) : null} />
          <Fact label={t('waLog.detail.billing')} value={t(`waLog.billing.${m.billingState}`, m.billingState)} />
          <Fact label={t('waLog.detail.source')} value={t(`waLog.sources.${m.source}`, m.source)} />
          <Fact label={t('waLog.detail.media')} value={m.mediaRef} />
          <Fact label={t('waLog.detail.wamid')} value={m.wamid} />
        </SimpleGrid>
      </Card>

      <Card withBorder radius="md" padding="md" component="section" aria-label={t('waLog.timeline.title')}>
        <Title order={2} size="h5" mb="sm">
          {t('waLog.timeline.title')}
        </Title>
        <MessageTimeline items={d.timeline} />
      </Card>

      {d.settlements.length ? (
        <Card withBorder radius="md" padding="md">
          <Title order={2} size="h5" mb="xs">
            {t('waLog.detail.settlements')}
          </Title>
          {d.settlements.map((s, i) => (
            <Group key={i} justify="space-between" gap="xs">
              <Text size="sm">{s.description}</Text>
              <Text size="sm" fw={600} c={s.amountPaise >= 0 ? 'teal.8' : 'red.8'}>
                {formatSignedMoney(s.amountPaise)}
              </Text>
            </Group>
          ))}
        </Card>
      ) : null}

      <Card withBorder radius="md" padding="md">
        <Title order={2} size="h5" mb="xs">
          {t('waLog.detail.window')}
        </Title>
        <Text size="sm">
          {d.window
            ? d.window.open
              ? t('waLog.detail.windowOpen', { until: formatDateTime(d.window.openUntil) })
              : t('waLog.detail.windowClosed', { at: formatDateTime(d.window.lastInboundAt) })
            : t('waLog.detail.windowNever')}
        </Text>
      </Card>

      <Card withBorder radius="md" padding="md">
        <Title order={2} size="h5" mb="xs">
          {t('waLog.detail.content')}
        </Title>
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 11 }}>
          {JSON.stringify(m.content, null, 2)}
        </Code>
      </Card>
    </Stack>
  );
}

/** One message for disputes: what it was, its status history from Meta's webhooks, and its billing. */
export function MessageDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const state = useApi((signal) => messageLogApi.get(id, signal), id);
  return (
    <>
      <Anchor component={Link} to="/whatsapp/messages" size="sm">
        ← {t('waLog.back')}
      </Anchor>
      <PageHeader title={t('waLog.detail.title')} />
      <LoadState data={state.data} error={state.error} loading={state.loading} reload={state.reload}>
        {(d) => <Body d={d} />}
      </LoadState>
    </>
  );
}
