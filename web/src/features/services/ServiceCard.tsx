import { Badge, Card, Group, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ServiceSummary } from '../../api/services';
import { formatMoney } from '../../lib/format';
import { useLocalized } from './localize';

/** One service in the catalogue: a link to its page with the price to pay, turnaround and KYC need. */
export function ServiceCard({ service }: { service: ServiceSummary }) {
  const { t } = useTranslation();
  const local = useLocalized();
  const nameId = useId();
  const priceId = useId();
  // Named by the service, described by its price and turnaround, so a screen reader says both.
  return (
    <Card withBorder radius="md" padding="md" component={Link} to={`/services/${service.slug}`} aria-labelledby={nameId} aria-describedby={priceId}>
      <Stack gap="xs" h="100%" justify="space-between">
        <Stack gap={6}>
          <Group gap={6}>
            <Badge variant="light" color="gray" size="sm">
              {local(service.category.name)}
            </Badge>
            {service.kycRequired ? (
              <Badge variant="light" color="blue" size="sm">
                {t('services.kycBadge')}
              </Badge>
            ) : null}
          </Group>
          <Text fw={700} fz="lg" lh={1.3} id={nameId}>
            {local(service.name)}
          </Text>
          <Text size="sm" c="dimmed" lineClamp={2}>
            {local(service.description)}
          </Text>
        </Stack>
        <Group justify="space-between" align="flex-end" wrap="nowrap" gap="xs" id={priceId}>
          <Stack gap={0}>
            <Text fw={700} fz="lg" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatMoney(service.fees.total)}
            </Text>
            <Text size="xs" c="dimmed">
              {t('services.inclGst')}
            </Text>
          </Stack>
          <Text size="sm" c="dimmed" ta="right">
            {t('services.turnaround', { count: service.turnaroundDays })}
          </Text>
        </Group>
      </Stack>
    </Card>
  );
}
