import { Alert, Code, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TestSendResult } from '../../../api/whatsapp-send';
import { formatMoney } from '../../../lib/format';

/** What happened to the test message: accepted by WhatsApp (with its id), or waiting. */
export function SendResultCard({ result, onDismiss }: { result: TestSendResult; onDismiss: () => void }) {
  const { t } = useTranslation();
  const accepted = result.status === 'accepted';
  return (
    <Alert color={accepted ? 'teal' : 'yellow'} title={accepted ? t('waSend.result.accepted') : t('waSend.result.queued')} withCloseButton onClose={onDismiss} role="status">
      <Stack gap={4} style={{ overflowWrap: 'anywhere' }}>
        {accepted && result.wamid ? (
          <Text size="sm">
            {t('waSend.result.wamid')} <Code style={{ wordBreak: 'break-all' }}>{result.wamid}</Code>
          </Text>
        ) : null}
        {result.note ? <Text size="sm">{result.note}</Text> : null}
        <Text size="sm">{t('waSend.result.reserved', { amount: formatMoney(result.reservedPaise), category: t(`waSend.categories.${result.category}`, result.category) })}</Text>
        <Text size="xs" c="dimmed">
          {t('waSend.result.messageId', { id: result.id })}
        </Text>
      </Stack>
    </Alert>
  );
}
