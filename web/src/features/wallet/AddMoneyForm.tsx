import { Alert, Button, Card, Chip, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { walletApi } from '../../api/endpoints';
import type { TopupLimits } from '../../api/types';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import i18n from '../../i18n';
import { formatMoney } from '../../lib/format';
import { checkRupees, rupeesToPaise } from '../../lib/validation';

/** Suggested amounts in rupees: one tap fills the field. */
const QUICK_RUPEES = [100, 250, 500, 1000];

const LIMIT_CODES = new Set(['amount_too_small', 'amount_too_large', 'kyc_required']);

/**
 * The text to show under the amount for the server's limit errors. The server names the limit in
 * its English message ("The smallest top-up is ₹10.00."); other languages reuse that amount.
 */
function amountProblem(err: unknown): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  if (LIMIT_CODES.has(err.code)) {
    const amount = /₹\s?[\d,]+(?:\.\d{1,2})?/.exec(err.message)?.[0];
    if (i18n.resolvedLanguage === 'en' || !amount) return err.message;
    return i18n.t(`wallet.add.errors.${err.code}`, { amount });
  }
  if (err.code === 'validation_failed' && err.details.some((d) => d.field.endsWith('amount'))) {
    return i18n.t('validation.amount');
  }
  return undefined;
}

/**
 * "Add money": creates a top-up on the server and sends the browser to the gateway's checkout page
 * (a full-page navigation); the gateway brings it back to /wallet?topup=<id>.
 */
export function AddMoneyForm({ limits }: { limits?: TopupLimits | undefined }) {
  const { t } = useTranslation();
  const form = useForm({ amount: '' }, { amount: checkRupees });
  const [unavailable, setUnavailable] = useState(false);
  const [leaving, setLeaving] = useState(false);

  // Back from checkout with the browser's back button: the page may come from the back-forward cache.
  useEffect(() => {
    const restored = (e: PageTransitionEvent) => {
      if (e.persisted) setLeaving(false);
    };
    window.addEventListener('pageshow', restored);
    return () => window.removeEventListener('pageshow', restored);
  }, []);

  const submit = useSubmit(
    async () => {
      setUnavailable(false);
      const paise = rupeesToPaise(form.values.amount);
      if (paise === null) return;
      const { checkout } = await walletApi.createTopup(paise);
      if (!checkout.checkoutUrl) {
        // Razorpay's own checkout needs its script, which this app does not load.
        setUnavailable(true);
        return;
      }
      setLeaving(true);
      window.location.assign(checkout.checkoutUrl);
    },
    (err) => {
      const problem = amountProblem(err);
      form.showServerErrors(err, problem ? { amount: problem } : {});
    },
  );

  const titleId = useId();
  const quickValue = String(rupeesToPaise(form.values.amount) ?? '');

  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={titleId}>
      <Title order={2} size="h4" mb="sm" id={titleId}>
        {t('wallet.add.title')}
      </Title>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack gap="sm">
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          {unavailable ? (
            <Alert color="yellow" role="alert">
              {t('wallet.add.checkoutUnavailable')}
            </Alert>
          ) : null}
          <TextInput
            label={t('wallet.add.amount')}
            description={
              limits
                ? `${t('wallet.add.limits', { min: formatMoney(limits.topupMinPaise), max: formatMoney(limits.topupMaxPaise) })} ${t('wallet.add.amountHint')}`
                : t('wallet.add.amountHint')
            }
            inputMode="decimal"
            autoComplete="off"
            enterKeyHint="go"
            placeholder="500"
            leftSection="₹"
            leftSectionProps={{ 'aria-hidden': true }}
            maxLength={14}
            required
            {...form.field('amount')}
          />
          <Chip.Group
            value={quickValue}
            onChange={(value) => form.setValue('amount', String(Number(value) / 100))}
          >
            <SimpleGrid cols={4} spacing={6} role="group" aria-label={t('wallet.add.quick')}>
              {QUICK_RUPEES.map((rupees) => (
                <Chip
                  key={rupees}
                  value={String(rupees * 100)}
                  size="sm"
                  variant="outline"
                  icon={null}
                  styles={{ label: { width: '100%', justifyContent: 'center', paddingInline: 4 } }}
                >
                  {formatMoney(rupees * 100).replace(/\.00$/, '')}
                </Chip>
              ))}
            </SimpleGrid>
          </Chip.Group>
          <Button type="submit" loading={submit.busy || leaving} w={{ base: '100%', xs: 'auto' }}>
            {t('wallet.add.submit')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
