import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { walletApi } from '../../api/endpoints';
import type { PaymentStatus, Topup } from '../../api/types';
import { errorMessage } from '../../lib/errors';
import { formatMoney } from '../../lib/format';

const POLL_EVERY_MS = 1500;
const POLL_FOR_MS = 20_000;
const FINAL: ReadonlySet<PaymentStatus> = new Set(['captured', 'failed', 'refunded']);

type Phase = 'checking' | 'settled' | 'waiting' | 'error';

/**
 * After checkout the gateway sends the browser back to /wallet?topup=<id>. The wallet is credited
 * only when the gateway confirms (its webhook), usually a moment later: poll the top-up for a few
 * seconds, then tell the person what happened. `browserFailed` is the checkout's own report of a
 * failed payment (…&result=failed).
 */
export function TopupResult({
  id,
  browserFailed,
  onSettled,
  onDismiss,
}: {
  id: string | null;
  browserFailed: boolean;
  onSettled: () => void;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  const [payment, setPayment] = useState<Topup | null>(null);
  const [phase, setPhase] = useState<Phase>(id ? 'checking' : 'settled');
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const settled = useEffectEvent(onSettled);

  useEffect(() => {
    if (!id) return;
    const controller = new AbortController();
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setPhase('checking');
    setError(null);

    const check = async () => {
      try {
        const { payment: current } = await walletApi.topup(id, controller.signal);
        if (controller.signal.aborted) return;
        setPayment(current);
        // A failure reported by checkout is final for this page even before the gateway's webhook.
        if (FINAL.has(current.status) || (browserFailed && current.status === 'created')) {
          setPhase('settled');
          settled();
        } else if (Date.now() - started >= POLL_FOR_MS) {
          setPhase('waiting');
          settled(); // the list of top-ups shows it as pending meanwhile
        } else {
          timer = setTimeout(() => void check(), POLL_EVERY_MS);
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        setError(err);
        setPhase('error');
      }
    };
    void check();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [id, browserFailed, attempt]);

  const amount = payment ? formatMoney(payment.amount) : null;
  const checkAgain = (
    <Button size="xs" variant="white" onClick={() => setAttempt((n) => n + 1)}>
      {t('wallet.result.checkAgain')}
    </Button>
  );
  const common = { withCloseButton: true, closeButtonLabel: t('wallet.result.dismiss'), onClose: onDismiss };

  if (phase === 'error') {
    return (
      <Alert color="red" title={t('common.errorTitle')} {...common}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(error)}</Text>
          {checkAgain}
        </Stack>
      </Alert>
    );
  }

  if (phase === 'checking') {
    return (
      <Alert color="blue" title={t('wallet.result.checkingTitle')} icon={<Loader size="xs" />} role="status">
        {t('wallet.result.checkingBody')}
      </Alert>
    );
  }

  const status = payment?.status;
  if (status === 'captured') {
    return (
      <Alert color="teal" title={t('wallet.result.receivedTitle')} role="status" {...common}>
        {t('wallet.result.receivedBody', { amount })}
      </Alert>
    );
  }
  if (status === 'refunded') {
    return (
      <Alert color="grape" title={t('wallet.result.refundedTitle')} role="status" {...common}>
        {t('wallet.result.refundedBody', { amount })}
      </Alert>
    );
  }
  if (status === 'failed' || browserFailed || !payment) {
    return (
      <Alert color="red" title={t('wallet.result.failedTitle')} {...common}>
        {amount ? t('wallet.result.failedBody', { amount }) : t('wallet.result.failedBodyNoAmount')}
      </Alert>
    );
  }
  return (
    <Alert color="yellow" title={t('wallet.result.pendingTitle')} role="status" {...common}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t('wallet.result.pendingBody', { amount })}</Text>
        <Group>{checkAgain}</Group>
      </Stack>
    </Alert>
  );
}
