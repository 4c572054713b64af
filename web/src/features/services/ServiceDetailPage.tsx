import { Alert, Anchor, Badge, Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { servicesApi, type Fees, type ServiceDetail } from '../../api/services';
import { LoadState } from '../../components/LoadState';
import { useApi } from '../../hooks/useApi';
import { formatMoney } from '../../lib/format';
import { ApplyButton } from '../applications/ApplyButton';
import { fieldHint } from './fieldHints';
import { formatBytes, formatDocumentTypes, formatPercent, useLocalized } from './localize';

const numeric = { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' } as const;

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" mb="sm" id={id}>
        {title}
      </Title>
      {children}
    </Card>
  );
}

/** Platform fee, GST on it, government fee and the total, as a small table. */
export function FeeBreakdown({ fees }: { fees: Fees }) {
  const { t } = useTranslation();
  const rows: [string, number][] = [
    [t('services.fees.platform'), fees.platformFee],
    [t('services.fees.gst', { rate: formatPercent(fees.gstRateBps) }), fees.gst],
    [t('services.fees.government'), fees.governmentFee],
  ];
  return (
    <Table verticalSpacing={6} aria-label={t('services.fees.title')}>
      <Table.Tbody>
        {rows.map(([label, paise]) => (
          <Table.Tr key={label}>
            <Table.Td>{label}</Table.Td>
            <Table.Td ta="right" style={numeric}>
              {formatMoney(paise)}
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Th>{t('services.fees.total')}</Table.Th>
          <Table.Th ta="right" style={numeric}>
            {formatMoney(fees.total)}
          </Table.Th>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function Detail({ service }: { service: ServiceDetail }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const { fields, documents } = service.form;
  return (
    <Stack gap="md">
      <Stack gap={6}>
        <Group gap={6}>
          <Badge variant="light" color="gray">
            {local(service.category.name)}
          </Badge>
          {service.kycRequired ? (
            <Badge variant="light" color="blue">
              {t('services.kycBadge')}
            </Badge>
          ) : null}
        </Group>
        <Title order={1} size="h2">
          {local(service.name)}
        </Title>
        {local(service.description) ? <Text c="dimmed">{local(service.description)}</Text> : null}
        <Text size="sm">{t('services.turnaroundLong', { count: service.turnaroundDays })}</Text>
      </Stack>

      <Section title={t('services.fees.title')}>
        <FeeBreakdown fees={service.fees} />
        {service.variableAmount ? (
          <Text size="sm" mt="xs">
            {t('applications.amount.plus', { min: formatMoney(service.variableAmount.minPaise), max: formatMoney(service.variableAmount.maxPaise) })}
          </Text>
        ) : null}
        <Text size="xs" c="dimmed" mt="xs">
          {t('services.fees.note')}
        </Text>
      </Section>

      {service.kycRequired ? <Alert color="blue">{t('services.kycNote')}</Alert> : null}

      <Section title={t('services.documents.title')}>
        {documents.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('services.documents.none')}
          </Text>
        ) : (
          <List spacing="xs" aria-label={t('services.documents.title')}>
            {documents.map((d) => (
              <List.Item key={d.key}>
                <Group gap={6} wrap="wrap">
                  <Text fw={500}>{local(d.label)}</Text>
                  <Badge size="xs" variant="outline" color={d.required ? 'orange' : 'gray'}>
                    {d.required ? t('services.required') : t('services.optional')}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed">
                  {t('services.documents.limits', { types: formatDocumentTypes(d.types), size: formatBytes(d.maxSizeBytes) })}
                </Text>
              </List.Item>
            ))}
          </List>
        )}
      </Section>

      <Section title={t('services.form.title')}>
        {fields.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('services.form.none')}
          </Text>
        ) : (
          <List spacing="xs" type="ordered" aria-label={t('services.form.title')}>
            {fields.map((f) => (
              <List.Item key={f.key}>
                <Group gap={6} wrap="wrap">
                  <Text fw={500}>{local(f.label)}</Text>
                  {f.required ? null : (
                    <Badge size="xs" variant="outline" color="gray">
                      {t('services.optional')}
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {f.help ? `${local(f.help)} · ` : ''}
                  {fieldHint(f, documents, t, local)}
                </Text>
              </List.Item>
            ))}
          </List>
        )}
      </Section>

      <ApplyButton serviceId={service.id} />
    </Stack>
  );
}

/** One service: what it costs (with GST), what to bring, what the form asks. */
export function ServiceDetailPage() {
  const { t } = useTranslation();
  const { ref = '' } = useParams();
  const state = useApi((signal) => servicesApi.get(ref, signal), ref);
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/services" size="sm">
        {t('services.back')}
      </Anchor>
      <LoadState {...state}>{({ service }) => <Detail service={service} />}</LoadState>
    </Stack>
  );
}
