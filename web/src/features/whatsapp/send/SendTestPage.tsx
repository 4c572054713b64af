import { Anchor, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { testSendApi, type TestSendResult } from '../../../api/whatsapp-send';
import { LoadState } from '../../../components/LoadState';
import { PageHeader } from '../../../components/PageHeader';
import { useApi } from '../../../hooks/useApi';
import { SendResultCard } from './SendResultCard';
import { SendTestForm } from './SendTestForm';

/** Sends a text or an approved template from one of the customer's connected numbers, to try the setup. */
export function SendTestPage() {
  const { t } = useTranslation();
  const numbers = useApi((signal) => testSendApi.numbers(signal), 'wa-send-numbers');
  const [result, setResult] = useState<TestSendResult | null>(null);

  return (
    <>
      <PageHeader title={t('waSend.title')} description={t('waSend.intro')} />
      <LoadState {...numbers}>
        {(data) =>
          data.items.length === 0 ? (
            <Text c="dimmed">
              {t('waSend.noNumbers')}{' '}
              <Anchor component={Link} to="/whatsapp/numbers">
                {t('waSend.connectNumber')}
              </Anchor>
            </Text>
          ) : (
            <Stack gap="md" maw={640}>
              {result ? <SendResultCard result={result} onDismiss={() => setResult(null)} /> : null}
              <SendTestForm numbers={data.items} onSent={setResult} />
            </Stack>
          )
        }
      </LoadState>
    </>
  );
}
