import { Button, Group, Modal, Radio, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { adminApi } from '../../api/endpoints';
import type { AdjustmentResult } from '../../api/types';
import { FormError } from '../../components/FormError';
import { useForm } from '../../hooks/useForm';
import { useSubmit } from '../../hooks/useSubmit';
import { notifySuccess } from '../../lib/errors';
import { formatMoney } from '../../lib/format';
import { checkRupees, rupeesToPaise } from '../../lib/validation';

type Direction = 'credit' | 'debit';

/** A random idempotency key; getRandomValues works on plain-http LAN addresses, randomUUID does not. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `adj-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const checkReason = (value: string): string | null => (value.trim().length >= 5 ? null : 'admin.adjust.reasonTooShort');

interface Props {
  userId: string;
  name: string;
  /** The wallet's available balance, when known. */
  available?: number;
  opened: boolean;
  onClose: () => void;
  onDone: (result: AdjustmentResult) => void;
}

/**
 * An admin's credit or debit of a customer wallet with a mandatory reason. A retry of the same
 * request (after a lost answer) reuses its idempotency key, so it is applied at most once.
 */
export function AdjustBalanceModal({ userId, name, available, opened, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const [direction, setDirection] = useState<Direction>('credit');
  const form = useForm({ amount: '', reason: '' }, { amount: checkRupees, reason: checkReason });
  const lastRequest = useRef<{ body: string; key: string } | null>(null);

  const paise = rupeesToPaise(form.values.amount);
  const amount = paise !== null && paise > 0 ? paise : null;

  const submit = useSubmit(
    async () => {
      if (amount === null) return;
      const input = { amount: direction === 'credit' ? amount : -amount, reason: form.values.reason.trim() };
      const body = JSON.stringify(input);
      if (lastRequest.current?.body !== body) lastRequest.current = { body, key: randomKey() };
      const result = await adminApi.adjustWallet(userId, { ...input, idempotencyKey: lastRequest.current.key });
      notifySuccess(t('admin.adjust.done', { name, amount: formatMoney(result.balances.available) }));
      onDone(result);
    },
    (err) => {
      const insufficient = err instanceof ApiError && err.code === 'insufficient_funds';
      form.showServerErrors(err, insufficient ? { amount: t('admin.adjust.insufficient') } : {});
    },
  );

  const submitLabel =
    amount === null
      ? t('admin.adjust.submit')
      : t(direction === 'credit' ? 'admin.adjust.submitCredit' : 'admin.adjust.submitDebit', {
          amount: formatMoney(amount),
        });

  return (
    <Modal opened={opened} onClose={onClose} title={t('admin.adjust.title', { name })} centered>
      <form
        noValidate
        onSubmit={form.submitWith(submit.run)}
      >
        <Stack gap="sm">
          {available !== undefined ? (
            <Text size="sm" c="dimmed">
              {t('admin.adjust.current', { amount: formatMoney(available) })}
            </Text>
          ) : null}
          <FormError error={form.serverErrorShownInFields ? null : submit.error} />
          <Radio.Group
            label={t('admin.adjust.direction')}
            value={direction}
            onChange={(value) => setDirection(value === 'debit' ? 'debit' : 'credit')}
          >
            <Stack gap="xs" mt="xs">
              <Radio value="credit" label={t('admin.adjust.credit')} />
              <Radio value="debit" label={t('admin.adjust.debit')} color="red" />
            </Stack>
          </Radio.Group>
          <TextInput
            label={t('admin.adjust.amount')}
            inputMode="decimal"
            autoComplete="off"
            leftSection="₹"
            leftSectionProps={{ 'aria-hidden': true }}
            maxLength={14}
            required
            data-autofocus
            {...form.field('amount')}
          />
          <Textarea
            label={t('admin.adjust.reason')}
            description={t('admin.adjust.reasonHint')}
            required
            withAsterisk={false}
            autosize
            minRows={2}
            maxLength={500}
            value={form.values.reason}
            error={form.errors.reason}
            onChange={(e) => form.setValue('reason', e.currentTarget.value)}
          />
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={submit.busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={submit.busy} color={direction === 'debit' ? 'red' : undefined}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
