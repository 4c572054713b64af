import { Alert, Badge, Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { numbersApi, type WaNumber } from '../../../api/whatsapp-account';
import { useConfirm } from '../../../hooks/useConfirm';
import { notifyError, notifySuccess } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { STATUS_COLORS, numberTitle, qualityColor } from './numberLabels';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

/** One connected number: what Meta says about it, its state, and what can be done with it. */
export function NumberCard({
  number,
  onChange,
  onRotate,
  onSettings,
}: {
  number: WaNumber;
  onChange: (n: WaNumber) => void;
  onRotate: (n: WaNumber) => void;
  onSettings: (n: WaNumber) => void;
}) {
  const { t, i18n } = useTranslation();
  const confirm = useConfirm();
  const titleId = useId();
  const [checking, setChecking] = useState(false);
  const title = numberTitle(number);
  const live = number.status !== 'disconnected';
  const tier = number.messagingLimitTier;
  const tierText = tier ? (i18n.exists(`waNumbers.tiers.${tier}`) ? t(`waNumbers.tiers.${tier}`) : tier) : '—';
  const errorText = number.lastError
    ? i18n.resolvedLanguage !== 'en' && i18n.exists(`errors.codes.${number.lastError.code}`)
      ? t(`errors.codes.${number.lastError.code}`)
      : number.lastError.message
    : null;

  const recheck = async () => {
    setChecking(true);
    try {
      const { number: updated } = await numbersApi.check(number.id);
      onChange(updated);
      if (updated.status === 'connected') notifySuccess(t('waNumbers.card.checked'));
    } catch (err) {
      notifyError(err);
    } finally {
      setChecking(false);
    }
  };

  const disconnect = () =>
    confirm({
      title: t('waNumbers.disconnect.title', { name: title }),
      body: t('waNumbers.disconnect.body'),
      confirmLabel: t('waNumbers.disconnect.confirm'),
      danger: true,
      onConfirm: async () => {
        try {
          const { number: updated } = await numbersApi.disconnect(number.id);
          notifySuccess(t('waNumbers.disconnect.done', { name: title }));
          onChange(updated);
        } catch (err) {
          notifyError(err);
        }
      },
    });

  return (
    <Card withBorder radius="md" padding="md" component="article" aria-labelledby={titleId} data-testid="wa-number">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="xs" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Title id={titleId} order={2} size="h4" style={{ overflowWrap: 'anywhere' }}>
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              {[number.displayPhoneNumber, number.verifiedName !== title ? number.verifiedName : null].filter(Boolean).join(' · ')}
            </Text>
          </div>
          <Badge color={STATUS_COLORS[number.status]} variant="light">
            {t(`waNumbers.status.${number.status}`)}
          </Badge>
        </Group>
        {number.status === 'error' && errorText ? (
          <Alert color="red" role="alert" title={t('waNumbers.card.problem')}>
            {errorText}
          </Alert>
        ) : null}
        {live ? (
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm" verticalSpacing="xs">
            <Fact label={t('waNumbers.fields.quality')}>
              <Badge color={qualityColor(number.qualityRating)} variant="dot" size="sm">
                {number.qualityRating ? t(`waNumbers.quality.${number.qualityRating}`, { defaultValue: number.qualityRating }) : '—'}
              </Badge>
            </Fact>
            <Fact label={t('waNumbers.fields.tier')}>{tierText}</Fact>
            <Fact label={t('waNumbers.fields.throughput')}>
              {number.throughputLevel ? t('waNumbers.card.throughput', { level: t(`waNumbers.throughput.${number.throughputLevel}`, { defaultValue: number.throughputLevel }), mps: number.mps }) : '—'}
            </Fact>
            <Fact label={t('waNumbers.fields.phoneNumberId')}>
              <Code>{number.phoneNumberId}</Code>
            </Fact>
            <Fact label={t('waNumbers.fields.wabaId')}>
              <Code>{number.wabaId}</Code>
            </Fact>
            <Fact label={t('waNumbers.fields.lastChecked')}>{formatDateTime(number.lastCheckedAt)}</Fact>
            {number.tokenRotatedAt ? <Fact label={t('waNumbers.fields.tokenRotated')}>{formatDateTime(number.tokenRotatedAt)}</Fact> : null}
            {number.hasAppSecret ? <Fact label={t('waNumbers.fields.webhooks')}>{t('waNumbers.card.ownApp')}</Fact> : null}
          </SimpleGrid>
        ) : (
          <Text size="sm" c="dimmed">
            {t('waNumbers.card.disconnectedAt', { when: formatDateTime(number.disconnectedAt) })}
          </Text>
        )}
        {live ? (
          <Group gap="xs">
            <Button size="xs" variant="light" loading={checking} onClick={() => void recheck()} aria-label={t('waNumbers.card.recheckFor', { name: title })}>
              {t('waNumbers.card.recheck')}
            </Button>
            <Button size="xs" variant="light" onClick={() => onRotate(number)} aria-label={t('waNumbers.card.rotateFor', { name: title })}>
              {t('waNumbers.card.rotate')}
            </Button>
            <Button size="xs" variant="default" onClick={() => onSettings(number)} aria-label={t('waNumbers.card.settingsFor', { name: title })}>
              {t('waNumbers.card.settings')}
            </Button>
            <Button size="xs" variant="subtle" color="red" onClick={disconnect} aria-label={t('waNumbers.card.disconnectFor', { name: title })}>
              {t('waNumbers.card.disconnect')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}
